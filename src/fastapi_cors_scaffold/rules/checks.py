"""Template-owned (fastapi-cors-scaffold): the CORS rules. `copier update` replaces this file; do not edit it.

Starlette's CORSMiddleware raises nothing for a setting that can never match what browsers send (an origin with a
trailing slash) or that lets a foreign site in (`*` with credentials, a regex that admits look-alike hosts). These
pure functions find both, each problem with the setting, the value, one sentence, its fix and, where there is one,
an attacker origin the value admits. The sentences live in messages.json beside this file, which the template's
questionnaire reads too, so every door says the same thing.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

MESSAGES: dict[str, Any] = json.loads(Path(__file__).with_name("messages.json").read_text(encoding="utf-8"))
MAX_AGE_LIMIT = 86400
# How long each browser really keeps a preflight answer, whatever max_age says, and without Access-Control-Max-Age.
PREFLIGHT_CACHE_CAPS: dict[str, int] = MESSAGES["_browsers"]["preflight_cache_caps"]
DEFAULT_PREFLIGHT_CACHE: int = MESSAGES["_browsers"]["default_preflight_cache"]
DEFAULT_PORTS = {"http": "80", "https": "443"}
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
NEVER_EXPOSED = frozenset({"set-cookie", "set-cookie2"})
ANY_ORIGINS = ("https://evil.example", "http://evil.example")
EXAMPLES = {"method": "'GET'", "request header": "'X-Request-Id'", "response header": "'X-Request-Id'"}

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")
_IPV4_PART = re.compile(r"0|[1-9][0-9]{0,2}")
_REGEX: dict[str, Any] = MESSAGES["_regex"]


@dataclass(frozen=True)
class Problem:
    """One refusal: the Starlette setting, the offending value, the rule broken and what the sentence needs."""

    setting: str
    value: str
    rule: str
    params: Mapping[str, str] = field(default_factory=dict)
    attacker: str | None = None

    def text(self, name: str | None = None) -> str:
        """The first clause, complete on its own; `name` is the setting as the person spelled it at their door."""
        return self._format("text", name)

    def fix(self, name: str | None = None) -> str:
        return self._format("fix", name)

    def sentence(self, name: str | None = None) -> str:
        return f"{self.text(name)}: {self.fix(name)}."

    def _format(self, part: str, name: str | None) -> str:
        template: str = MESSAGES[self.rule][part]
        return template.format(setting=name or self.setting, value=f"'{self.value}'", **self.params)


def split_list(text: str) -> list[str]:
    """A list typed as text: comma-separated, each item trimmed (no origin, method or header name has a comma)."""
    return [item.strip() for item in text.split(",") if item.strip()]


def origin_problem(origin: object, setting: str = "allow_origins") -> Problem | None:
    """Why `origin` can never equal a browser's Origin header, or is dangerous to trust; None when it is fine."""
    if not isinstance(origin, str):
        return Problem(setting, json.dumps(origin), "origin.not_text")

    found = _origin_fault(origin)
    return Problem(setting, origin, found[0], found[1]) if found else None


_Fault = tuple[str, dict[str, str]]


def _fault(rule: str, **params: str) -> _Fault:
    return rule, params


def _origin_fault(origin: str) -> _Fault | None:
    if not origin:
        return _fault("origin.empty")
    if re.search(r"\s", origin):
        return _fault("origin.space", suggestion="'" + re.sub(r"\s", "", origin) + "'")
    if origin == "null":
        return _fault("origin.null")
    if origin == "*":
        return _fault("origin.wildcard_mixed")
    if "*" in origin:
        return _fault("origin.wildcard_inside")
    if missing := re.match(r"(https?):(?!//)/?", origin):
        return _fault(
            "origin.missing_slashes", scheme=missing[1], suggestion=f"'{missing[1]}://{origin[missing.end() :]}'"
        )
    if (other := re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):(?![0-9]*$)", origin)) and "://" not in origin:
        return _fault("origin.scheme", scheme=other[1])
    if "://" not in origin or origin.startswith("//"):
        return _fault("origin.no_scheme", bare=origin.lstrip("/"))
    scheme, rest = origin.split("://", 1)
    authority = re.sub(r"[/?#].*$", "", rest)
    after = rest[len(authority) :]
    if scheme.lower() not in DEFAULT_PORTS:
        return _fault("origin.scheme", scheme=scheme)
    bare = f"'{scheme}://{authority.removesuffix(':' + DEFAULT_PORTS[scheme.lower()])}'"
    if after == "/":
        return _fault("origin.trailing_slash", suggestion=bare)
    if after:
        return _fault("origin.path", part={"/": "a path", "?": "a query"}.get(after[0], "a fragment"), suggestion=bare)
    if "@" in authority:
        return _fault("origin.userinfo")
    return _authority_fault(origin, scheme, authority)


def _authority_fault(origin: str, scheme: str, authority: str) -> _Fault | None:
    bracketed = authority.startswith("[")
    if bracketed and "]" not in authority:
        return _fault("origin.ipv6_unclosed")
    if not bracketed and authority.count(":") > 1:
        return _fault("origin.ipv6_unbracketed")
    host = authority[: authority.index("]") + 1] if bracketed else authority.split(":")[0]
    port_part = authority[len(host) :]
    port = port_part[1:]
    digits = bool(port_part) and re.fullmatch(r"[0-9]+", port) is not None
    checks: list[tuple[bool, str, dict[str, str]]] = [
        (bool(port_part) and not port_part.startswith(":"), "origin.after_ipv6", {}),
        (bool(port_part) and not digits, "origin.port_text", {}),
        (digits and not 1 <= int(port) <= 65535, "origin.port_range", {}),
        (port.startswith("0"), "origin.port_zero", {"suggestion": f"'{scheme}://{host}:{port.lstrip('0')}'"}),
        (not host, "origin.no_host", {}),
    ]
    for failed, rule, params in checks:
        if failed:
            return _fault(rule, **params)
    if not host.isascii():
        try:
            punycode = host.encode("idna").decode("ascii")
        except UnicodeError:
            return _fault("origin.non_ascii", suggestion="its xn-- (punycode) form")
        return _fault("origin.non_ascii", suggestion=f"'{scheme.lower()}://{punycode}{port_part}'")
    if origin != origin.lower():
        return _fault("origin.upper_case", suggestion=f"'{origin.lower()}'")
    if port == DEFAULT_PORTS[scheme]:
        return _fault("origin.default_port", suggestion=f"'{scheme}://{host}'")
    return _host_fault(scheme, host, port_part)


def _host_fault(scheme: str, host: str, port_part: str) -> _Fault | None:
    if host.startswith("["):
        try:
            canonical = ipaddress.IPv6Address(host[1:-1]).compressed
        except ValueError:
            return _fault("origin.ipv6_invalid")
        if host != f"[{canonical}]":
            return _fault("origin.ipv6_form", suggestion=f"'{scheme}://[{canonical}]{port_part}'")
        return None
    parts = host.split(".")
    if _NUMERIC_LABEL.fullmatch(parts[-1]):
        if len(parts) != 4 or not all(_IPV4_PART.fullmatch(part) for part in parts):
            return _fault("origin.ipv4_form")
        if any(int(part) > 255 for part in parts):
            return _fault("origin.ipv4_invalid")
        return None
    if not _HOST_NAME.fullmatch(host):
        return _fault("origin.host_chars")
    return None


def origins_problems(origins: object, setting: str = "allow_origins") -> list[Problem]:
    """Each origin on its own, then duplicates and `*` mixed with origins."""
    if isinstance(origins, str):
        return [Problem(setting, origins, "origins.not_list")]
    if not isinstance(origins, list | tuple):
        return [Problem(setting, json.dumps(origins, default=str), "origins.not_list")]
    problems = [problem for origin in origins if origin != "*" and (problem := origin_problem(origin, setting))]
    problems += [Problem(setting, str(origin), "origin.duplicate") for origin in _duplicates(origins)]
    if "*" in origins and len(origins) > 1:
        problems.append(Problem(setting, "*", "origin.wildcard_mixed"))
    return problems


def regex_problems(regex: object, setting: str = "allow_origin_regex") -> list[Problem]:
    """An origin regex as Starlette applies it (fullmatch, case-sensitive): the first reason it is refused.

    The checks over the regex's own text are the questionnaire's too; the public-suffix lookup and the attacker
    origins derived from a sample of the regex need Python and come last.
    """
    if regex is None or regex == "":
        return []
    if not isinstance(regex, str):
        return [Problem(setting, json.dumps(regex, default=str), "regex.not_text")]
    try:
        compiled = re.compile(regex)
    except re.error as error:
        return [Problem(setting, regex, "regex.compile", {"error": str(error)})]
    problem = _text_problem(regex, compiled, setting) or _sampled_problem(regex, compiled, setting)
    return [problem] if problem else []


def regex_branches(regex: str) -> list[str]:
    """The top-level alternatives of `regex`, looking through one group that wraps the whole of it."""
    core = re.sub(_REGEX["anchors"], "", regex)
    branches = _split_top_level(core)
    if len(branches) == 1 and (inner := re.fullmatch(r"\((?:\?:)?(.*)\)", core)) and _balanced(inner[1]):
        return _split_top_level(inner[1])
    return branches


def skeleton(branch: str) -> str:
    """The regex's text with escapes as '=', classes as '%' and group syntax and anchors removed."""
    for pattern, replacement in _REGEX["skeleton"]:
        branch = re.sub(pattern, replacement, branch)
    return branch


def literal_origin(branch: str) -> str:
    """A plausible string the branch matches: its literal text, each wildcard replaced by one ordinary character."""
    for pattern, replacement in _REGEX["literal"]:
        branch = re.sub(pattern, replacement, branch)
    return branch


def _text_problem(regex: str, compiled: re.Pattern[str], setting: str) -> Problem | None:
    def problem(rule: str, attacker: str | None = None, **params: str) -> Problem:
        return Problem(setting, regex, rule, {**params, "attacker": f"'{attacker}'"}, attacker)

    if regex != regex.strip():
        return problem("regex.space")
    if compiled.fullmatch("null"):
        return problem("regex.null", "null")
    if arbitrary := next((origin for origin in ANY_ORIGINS if compiled.fullmatch(origin)), None):
        return problem("regex.any", arbitrary)
    branches = regex_branches(regex)
    if not all(re.search(_REGEX["scheme"], branch) for branch in branches):
        return problem("regex.scheme")
    for branch in branches:
        shape = skeleton(branch)
        for rule in ("lookalike", "post_domain", "unescaped_dot"):
            if re.search(_REGEX[rule], shape) and (attacker := _attacker(branch, rule, compiled)):
                return problem(f"regex.{rule}", attacker)
        if not re.search(_REGEX["case_flag"], regex) and re.search(_REGEX["upper_case"], shape):
            return problem("regex.upper_case")
        if re.search(_REGEX["path"], shape):
            return problem("regex.path")
        for scheme, port in _REGEX["default_ports"].items():
            if branch.removeprefix("^").startswith(f"{scheme}://") and re.search(port, shape):
                return problem("regex.default_port", port=DEFAULT_PORTS[scheme])
    return None


def _attacker(branch: str, rule: str, compiled: re.Pattern[str]) -> str | None:
    """The branch with its first offending wildcard or dot replaced, if the whole regex then admits it."""
    pattern, replacement = _REGEX["offender"][rule]
    if re.search(pattern, branch) is None:
        return None
    candidate = literal_origin(re.sub(f"^(.*?){pattern}", rf"\g<1>{replacement}", branch))
    return candidate if compiled.fullmatch(candidate) else None


def _sampled_problem(regex: str, compiled: re.Pattern[str], setting: str) -> Problem | None:
    """What the text checks cannot see: a host under a public suffix, or an attacker origin a scanner would try."""
    for branch in regex_branches(regex):
        sample = literal_origin(branch)
        if not compiled.fullmatch(sample) or origin_problem(sample) is not None:
            continue
        scheme, _, authority = sample.partition("://")
        host, colon, port = authority.partition(":")
        suffix = _public_suffix(host)
        if suffix is None and "." in host and not is_ip(host):
            for tld in ("net", "org", "io", "com"):
                attacker = f"{scheme}://{host.rpartition('.')[0]}.{tld}{colon}{port}"
                if compiled.fullmatch(attacker):
                    return Problem(setting, regex, "regex.attack", {"attacker": f"'{attacker}'"}, attacker)
        if suffix and host != suffix:
            labels = host.removesuffix(f".{suffix}").split(".")
            attacker = f"{scheme}://{'.'.join([*labels[:-1], 'attacker'])}.{suffix}{colon}{port}"
            if compiled.fullmatch(attacker):
                return Problem(
                    setting, regex, "regex.public_suffix", {"attacker": f"'{attacker}'", "suffix": suffix}, attacker
                )
        for attacker in _scanner_origins(scheme, host, f"{colon}{port}"):
            if compiled.fullmatch(attacker):
                return Problem(setting, regex, "regex.attack", {"attacker": f"'{attacker}'"}, attacker)
    return None


def _scanner_origins(scheme: str, host: str, port: str) -> list[str]:
    """Origins that CORS scanners derive from a trusted one; each can be had by someone other than its owner."""
    site = registrable_domain(host)
    return [
        f"{scheme}://{host}.evil.net{port}",
        f"{scheme}://evil{site}{port}",
        f"{scheme}://evil-{site}{port}",
        f"{scheme}://{host}_.evil.net{port}",
        f"{scheme}://{host}%60.evil.net{port}",
        f"{scheme}://{host}evil.net{port}",
    ]


@cache
def _suffix_list() -> Any:
    from publicsuffixlist import PublicSuffixList  # loaded only when a regex is configured

    return PublicSuffixList()


def _public_suffix(host: str) -> str | None:
    if is_ip(host) or "." not in host:
        return None
    suffix: str | None = _suffix_list().publicsuffix(host, accept_unknown=False)
    return suffix


def registrable_domain(host: str) -> str:
    """The part of `host` a person registers, by the public-suffix list (`a.example.co.uk` → `example.co.uk`)."""
    if is_ip(host):
        return host
    private: str | None = _suffix_list().privatesuffix(host)
    return private or host


def names_problems(names: object, setting: str, kind: str) -> list[Problem]:
    """Method or header names: a list of HTTP tokens, each once (headers in any case), and '*' only alone."""
    example = EXAMPLES[kind]
    if not isinstance(names, list | tuple):
        return [Problem(setting, json.dumps(names, default=str), "names.not_list", {"example": f"[{example}]"})]
    problems = [
        Problem(setting, str(name), "names.token", {"kind": kind, "example": example})
        for name in names
        if not isinstance(name, str) or not is_token(name)
    ]
    key = str if kind == "method" else str.lower
    problems += [Problem(setting, name, "names.duplicate", {"kind": kind}) for name in _duplicates(names, key=key)]
    if "*" in names and len(names) > 1:
        problems.append(Problem(setting, "*", "names.wildcard_mixed"))
    return problems


def methods_problems(methods: object, setting: str = "allow_methods") -> list[Problem]:
    problems = names_problems(methods, setting, "method")
    if problems or not isinstance(methods, list | tuple):
        return problems
    if not methods:
        return [Problem(setting, "", "methods.none")]
    for method in methods:
        if method.upper() in FORBIDDEN_METHODS:
            problems.append(Problem(setting, method, "methods.forbidden"))
        elif method != method.upper() and method.upper() in NORMALIZED_METHODS:
            problems.append(Problem(setting, method, "methods.lower_case", {"suggestion": method.upper()}))
    return problems


def expose_problems(headers: object, credentials: bool, setting: str = "expose_headers") -> list[Problem]:
    problems = names_problems(headers, setting, "response header")
    if problems or not isinstance(headers, list | tuple):
        return problems
    problems += [Problem(setting, header, "expose.set_cookie") for header in headers if header.lower() in NEVER_EXPOSED]
    if "*" in headers and credentials:
        problems.append(Problem(setting, "*", "expose.wildcard_credentials"))
    return problems


def max_age_problems(max_age: object, setting: str = "max_age") -> list[Problem]:
    if isinstance(max_age, bool) or not isinstance(max_age, int):
        return [Problem(setting, str(max_age), "max_age.not_int")]
    if not 0 <= max_age <= MAX_AGE_LIMIT:
        return [
            Problem(setting, str(max_age), "max_age.range", {"chromium_cap": str(PREFLIGHT_CACHE_CAPS["Chromium"])})
        ]
    return []


def combination_problems(
    origins: Sequence[str], regex: str | None, credentials: bool, setting: str = "allow_origins"
) -> list[Problem]:
    """What only the settings together reveal: a wildcard with credentials, or nothing allowed at all."""
    if "*" in origins and credentials:
        return [Problem(setting, "*", "origins.wildcard_credentials")]
    if not origins and not regex:
        return [Problem(setting, "", "origins.none")]
    return []


def protection_problems(cross_origin_protection: object, credentials: bool) -> list[Problem]:
    """The cross-origin guard off while credentials are on: any site's forms and WebSockets then act as the user.
    None is no such setting (a plain Starlette app), which this does not judge."""
    setting = "cross_origin_protection"
    if cross_origin_protection is None or cross_origin_protection is True:
        return []
    if cross_origin_protection is not False:
        return [Problem(setting, json.dumps(cross_origin_protection, default=str), "cross_origin.not_bool")]
    return [Problem(setting, "false", "cross_origin.credentials")] if credentials else []


def policy_problems(
    allow_origins: object = (),
    allow_origin_regex: object = None,
    allow_credentials: object = False,
    allow_methods: object = ("GET",),
    allow_headers: object = (),
    expose_headers: object = (),
    max_age: object = 600,
    cross_origin_protection: object = None,
) -> list[Problem]:
    """Every problem of a CORSMiddleware configuration, keyword for keyword (the defaults are Starlette's), and of
    the cross-origin guard's switch where there is one."""
    problems: list[Problem] = []
    credentials = allow_credentials is True
    if not isinstance(allow_credentials, bool):
        problems.append(
            Problem("allow_credentials", json.dumps(allow_credentials, default=str), "credentials.not_bool")
        )
    problems += origins_problems(allow_origins)
    problems += regex_problems(allow_origin_regex)
    problems += methods_problems(allow_methods)
    problems += names_problems(allow_headers, "allow_headers", "request header")
    problems += expose_problems(expose_headers, credentials)
    problems += max_age_problems(max_age)
    if isinstance(allow_origins, list | tuple) and not any(p.setting == "allow_origins" for p in problems):
        regex = allow_origin_regex if isinstance(allow_origin_regex, str) else None
        problems += combination_problems([str(o) for o in allow_origins], regex, credentials)
    problems += protection_problems(cross_origin_protection, credentials)
    return problems


def origin_trust(allow_origins: Collection[str], allow_origin_regex: str | None) -> Callable[[str], bool]:
    """Whether the CORS policy trusts an origin, built once: exactly Starlette's `CORSMiddleware.is_allowed_origin`
    (`*` trusts every origin, the regex must fullmatch, or the origin is listed), except that `null` never is."""
    if "*" in allow_origins:
        return "null".__ne__
    listed = frozenset(allow_origins) - {"null"}
    if allow_origin_regex is None:
        return listed.__contains__
    matches = re.compile(allow_origin_regex).fullmatch

    def trusted(origin: str) -> bool:
        return origin in listed or (origin != "null" and matches(origin) is not None)

    return trusted


def production_problems(origins: Sequence[str], regex: str | None) -> list[Problem]:
    """What a developer's machine needs but production must not allow."""
    problems = []
    for origin in origins:
        if origin_problem(origin) if origin != "*" else len(origins) > 1:
            continue
        host = re.sub(r"^[a-z]+://|:[0-9]+$", "", origin).strip("[]")
        if origin == "*":
            problems.append(Problem("allow_origins", origin, "production.wildcard"))
        elif address_space(host) == "loopback":
            problems.append(Problem("allow_origins", origin, "production.local_origin"))
        elif origin.startswith("http://"):
            problems.append(Problem("allow_origins", origin, "production.http_origin"))
    if regex and regex_problems(regex):
        return problems
    if regex and not all(re.match(r"\^?https://", branch) for branch in regex_branches(regex)):
        problems.append(Problem("allow_origin_regex", regex, "production.regex_http"))
    elif regex and re.search(r"localhost|127\\?\.|::1", regex):
        problems.append(Problem("allow_origin_regex", regex, "production.regex_local"))
    return problems


def _split_top_level(regex: str) -> list[str]:
    branches, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1 if regex[index + 1 : index + 2] in ("]", "^") else 0
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(regex[start:index])
            start = index + 1
        index += 1
    return [*branches, regex[start:]]


def _balanced(regex: str) -> bool:
    depth = 0
    for char in re.sub(r"\\.|\[\^?\]?[^\]]*\]", "", regex):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def address_space(host: str) -> str:
    """Where a host lives, as Chromium's Local Network Access sorts hosts: 'loopback' (the user's own machine:
    localhost, *.localhost, 127.0.0.0/8, [::1]), 'local' (private and link-local addresses) or 'public'."""
    name = host.strip("[]")
    if name == "localhost" or name.endswith(".localhost"):
        return "loopback"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return "public"
    if address.is_loopback:
        return "loopback"
    return "local" if address.is_private or address.is_link_local else "public"


def is_token(name: str) -> bool:
    """Whether `name` can be a method or header name: an RFC 9110 token."""
    return bool(_TOKEN.fullmatch(name))


def _duplicates(values: Iterable[object], key: Any = str) -> list[str]:
    seen: set[str] = set()
    repeated = []
    for value in values:
        if not isinstance(value, str):
            continue
        if key(value) in seen:
            repeated.append(value)
        seen.add(key(value))
    return repeated
