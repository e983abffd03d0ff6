"""Template-owned (fastapi-cors-scaffold): the CORS rules. `copier update` replaces this file; do not edit it.

Starlette's CORSMiddleware raises nothing for a setting that can never match what browsers send (an origin with a
trailing slash) or that lets a foreign site in (`*` with credentials, a regex that admits look-alike hosts). These
pure functions find both, each problem with the setting, the value, one sentence, its fix and, where there is one,
an attacker origin the value admits: one origin's rules in `origins`, the regex's in `origin_regex`, and here the
lists of names, the numbers, the settings together and the production profile. The sentences live in messages.json,
which the template's questionnaire reads too, so every door says the same thing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from .origin_regex import regex_problems, regex_production_problems

# What the tools built on the rules import from here (explicitly re-exported).
from .origins import address_space as address_space
from .origins import origin_problem as origin_problem
from .problem import MESSAGES as MESSAGES
from .problem import Problem as Problem

MAX_AGE_LIMIT = 86400
# How long each browser really keeps a preflight answer, whatever max_age says, and without Access-Control-Max-Age.
PREFLIGHT_CACHE_CAPS: dict[str, int] = MESSAGES["_browsers"]["preflight_cache_caps"]
DEFAULT_PREFLIGHT_CACHE: int = MESSAGES["_browsers"]["default_preflight_cache"]
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
NEVER_EXPOSED = frozenset({"set-cookie", "set-cookie2"})
EXAMPLES = {"method": "'GET'", "request header": "'X-Request-Id'", "response header": "'X-Request-Id'"}

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def split_list(text: str) -> list[str]:
    """A list typed as text: comma-separated, each item trimmed (no origin, method or header name has a comma)."""
    return [item.strip() for item in text.split(",") if item.strip()]


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
    if regex and not regex_problems(regex):
        problems += regex_production_problems(regex)
    return problems


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
