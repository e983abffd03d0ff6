"""Auditing CORS configurations for the misconfigurations attackers look for, judged the way Starlette applies them.

Starlette fullmatches `allow_origin_regex` case-sensitively and tests `origin in allow_origins`, so a string where a
list belongs is substring matching. A finding names the setting, the offending value, a concrete origin it lets in
when there is one, and the change that fixes it. What is refused comes from the one rule set (`cors_rules`), so
`new`, `lint`, the template and the generated service refuse the same things; this module adds what only an audit
says: severities, risky-by-design values and attacker demonstrations. `audit` judges one configuration read from a
file: values of the wrong type are findings, values not read are listed (and never judged), and each finding points
at the line its value came from. Pure: no files, no network.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi_cors_scaffold.audit.model import Configuration, Setting, Unknown
from fastapi_cors_scaffold.rules.attacks import Attack, attacker_origins, same_site, split_origin
from fastapi_cors_scaffold.rules.checks import PREFLIGHT_CACHE_CAPS, literal_origin, origin_problem, regex_branches
from fastapi_cors_scaffold.rules.findings import Finding, Severity
from fastapi_cors_scaffold.rules.policy import Policy, policy_notes, problems
from fastapi_cors_scaffold.rules.questions import QUESTION_OF, policy_from_answers

SHARED_PUBLISHING_HOSTS = frozenset(
    {"codepen.io", "cdpn.io", "jsfiddle.net", "fiddle.jshell.net", "jsbin.com", "codesandbox.io", "stackblitz.com"}
)
THIRD_PARTY_SUFFIXES = (
    "github.io",
    "gitlab.io",
    "netlify.app",
    "vercel.app",
    "pages.dev",
    "herokuapp.com",
    "web.app",
    "firebaseapp.com",
    "glitch.me",
    "csb.app",
    "ngrok-free.app",
    "trycloudflare.com",
)
LOCAL_NAMES = ("localhost",)

_MAX_AGE_FIX = (
    f"Give 0 to {PREFLIGHT_CACHE_CAPS['Chromium']} seconds; browsers cap it anyway ("
    + ", ".join(f"{browser} {seconds}" for browser, seconds in PREFLIGHT_CACHE_CAPS.items())
    + ")."
)
_REGEX_FIX = r"Anchor the regex to your own hosts with escaped dots, e.g. https://[a-z0-9-]+\.example\.com."


@dataclass(frozen=True)
class Unread:
    """A value lint could not read statically: never judged, shown with what it depends on."""

    setting: str
    comes_from: str
    expression: str | None
    line: int | None


@dataclass(frozen=True)
class Audit:
    """The findings and unread values of one configuration."""

    configuration: Configuration
    findings: list[Finding]
    unread: list[Unread] = field(default_factory=list)


_PLACEHOLDER_ORIGIN = "https://placeholder.invalid"
_PLACEHOLDER_REGEX = r"https://placeholder\.invalid"
# What an unread (or unusable) setting is taken to be while judging the others: values no rule objects to alone,
# so nothing is concluded from them (findings about that setting are dropped).
_BLIND: dict[str, Any] = {
    "allow_origins": (_PLACEHOLDER_ORIGIN,),
    "allow_origin_regex": _PLACEHOLDER_REGEX,
    "allow_credentials": False,
    "allow_methods": ("GET",),
    "allow_headers": (),
    "expose_headers": (),
    "max_age": 600,
}
_UNREAD_ORIGIN = "https://not-read.invalid"  # stands for the items of a list that were not read
_PLACEHOLDER_SHOWN = f", {_UNREAD_ORIGIN}"
_LIST_SETTINGS = ("allow_origins", "allow_methods", "allow_headers", "expose_headers")


def audit(
    configuration: Configuration,
    given: Mapping[str, Any] | None = None,
    *,
    service_url: str | None = None,
    production: bool = False,
) -> Audit:
    """Judge one configuration. `given` (from the command line) fills in values that were not read, and replaces
    defaults the environment would replace; a literal written in the code is judged as written."""
    if configuration.informational:
        return Audit(configuration, [_shown_default(setting) for setting in configuration.settings])
    given = given or {}
    values: dict[str, Any] = {name: getattr(configuration.defaults, name) for name in _BLIND}
    lines = {name: configuration.line for name in _BLIND}
    blind: set[str] = set()
    findings: list[Finding] = []
    unread: list[Unread] = []
    origins_text = None
    written = {setting.name: setting for setting in configuration.settings}
    for name, setting in written.items():
        lines[name] = setting.line or configuration.line
        if name in given and (configuration.environment_overrides or isinstance(setting.value, Unknown)):
            values[name] = given[name]
            continue
        if isinstance(setting.value, Unknown):
            unread.append(Unread(name, setting.value.comes_from, setting.expression, lines[name]))
            partly = _partly_read(name, setting.value)
            if partly is None:
                blind.add(name)
            else:
                values[name] = partly
            continue
        value, problem = _typed(configuration, setting)
        if problem is not None:
            findings.append(replace(problem, line=lines[name]))
        if value is _UNUSABLE:
            blind.add(name)
        else:
            values[name] = value
            if name == "allow_origins" and isinstance(setting.value, str) and not configuration.answers:
                origins_text = setting.value
    values |= {name: value for name, value in given.items() if name not in written}
    policy = Policy(**{name: _BLIND[name] if name in blind else value for name, value in values.items()})
    judged = lint_policy(policy, service_url=service_url, production=production, origins_text=origins_text)
    findings += [
        replace(finding, line=lines[finding.setting], value=finding.value.replace(_PLACEHOLDER_SHOWN, ""))
        for finding in judged
        if finding.setting not in blind
    ]
    order = list(Severity)
    return Audit(configuration, sorted(findings, key=lambda finding: order.index(finding.severity)), unread)


def fails(audits: list[Audit], *, strict: bool) -> bool:
    """Whether `lint` exits 1: an error; with `strict`, also a warning or a value not read."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    found = [finding for result in audits for finding in result.findings]
    return any(finding.severity in failing for finding in found) or (strict and any(result.unread for result in audits))


def _partly_read(name: str, value: Unknown) -> tuple[str, ...] | None:
    """The items read of a list whose other items were not, to judge them alone: '*' and a bad origin are provable
    whatever the rest is. For allow_origins a placeholder stands for the rest, so it is never taken for empty."""
    known = value.known
    if name not in _LIST_SETTINGS or not known or not all(isinstance(item, str) for item in known):
        return None
    if name == "allow_origins" and "*" not in known:
        return (*known, _UNREAD_ORIGIN)
    return tuple(known)


class _Unusable:
    """A value of a type Starlette cannot use: reported, and then judged as if unread."""


_UNUSABLE = _Unusable()


def _typed(configuration: Configuration, setting: Setting) -> tuple[Any, Finding | None]:
    """The value as Starlette (or, for answers, the template) takes it, and a finding if its type is wrong."""
    name, value = setting.name, setting.value
    if configuration.answers:
        value = getattr(policy_from_answers({QUESTION_OF[name]: value}, configuration.defaults), name)
    if name in _LIST_SETTINGS:
        if isinstance(value, str) and name == "allow_origins":
            return (value,), None  # substring matching: lint_policy reports it with an example
        if isinstance(value, list | tuple | set | frozenset) and all(isinstance(item, str) for item in value):
            items = tuple(value) if isinstance(value, list | tuple) else tuple(sorted(value))
            return items, None
        return _UNUSABLE, _wrong_type(name, value, _EXPECTED[name])
    if name == "allow_origin_regex":
        if value is None or isinstance(value, str):
            return value or None, None
        return _UNUSABLE, _wrong_type(name, value, _EXPECTED[name])
    if name == "allow_credentials":
        if isinstance(value, bool):
            return value, None
        return bool(value), _wrong_type(name, value, _EXPECTED[name], f" Starlette takes it as {bool(value)}.")
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    return _UNUSABLE, _wrong_type(name, value, _EXPECTED[name])


_EXPECTED = {
    "allow_origins": "a list of origin strings",
    "allow_methods": "a list of method names",
    "allow_headers": "a list of header names",
    "expose_headers": "a list of header names",
    "allow_origin_regex": "one string (or None)",
    "allow_credentials": "True or False",
    "max_age": "a whole number of seconds",
}
_TYPE_NAMES = {str: "a string", list: "a list", tuple: "a tuple", dict: "a mapping", bool: "a boolean", int: "a number"}


def _wrong_type(name: str, value: Any, expected: str, consequence: str = "") -> Finding:
    kind = _TYPE_NAMES.get(type(value), "None" if value is None else f"a {type(value).__name__}")
    if isinstance(value, list | tuple | set | frozenset) and name in _LIST_SETTINGS:
        kind = f"{kind} with a value that is not a string"
    return Finding(
        f"{name} is {kind}; Starlette expects {expected}.{consequence}",
        f"Give {name} as {expected}.",
        Severity.ERROR,
        name,
        repr(value),
    )


def _shown_default(setting: Setting) -> Finding:
    if isinstance(setting.value, Unknown):
        shown = setting.expression or "(not read)"
        message = f"{setting.name} comes from {setting.value.comes_from}: shown, not judged."
    else:
        shown = repr(setting.value)
        message = (
            f"{setting.name} defaults to {shown}; the environment can set another value, so a default says nothing "
            "about what runs: shown, not judged."
        )
    return Finding(
        message,
        "Lint the values the service runs with: give them with --origin, --credentials and the other options.",
        Severity.INFO,
        setting.name,
        shown,
        line=setting.line,
    )


def lint_policy(
    policy: Policy, *, service_url: str | None = None, production: bool = False, origins_text: str | None = None
) -> list[Finding]:
    """Every finding for `policy`, errors first.

    `service_url` is where the API is served (an https one turns http:// origins into errors); `production` makes
    local origins a warning; `origins_text` is set when allow_origins was given as one string, not a list.
    """
    https_service = bool(service_url) and str(service_url).lower().startswith("https://")
    findings = _rule_findings(policy)
    if origins_text is not None:
        findings.append(_substring_finding(origins_text))
    for origin in dict.fromkeys(policy.allow_origins):
        findings += _origin_findings(origin, policy.allow_credentials, https_service, production)
    if not any(finding.setting == "allow_origin_regex" for finding in findings):
        findings += _regex_findings(policy.allow_origin_regex, https_service)
    order = list(Severity)
    return sorted(findings, key=lambda finding: order.index(finding.severity))


def _rule_findings(policy: Policy) -> list[Finding]:
    """The shared rule set's verdicts as findings: the one place lint turns rule results into Findings."""
    return [
        *(Finding.of(problem) for problem in problems(policy)),
        *(Finding(note, _MAX_AGE_FIX, Severity.INFO, "max_age", str(policy.max_age)) for note in policy_notes(policy)),
    ]


def _substring_finding(text: str) -> Finding:
    shorter = next((text[:end] for end in range(len(text) - 1, 7, -1) if origin_problem(text[:end]) is None), None)
    example = f", so '{shorter}' is allowed too" if shorter else ""
    return Finding(
        f"allow_origins is a string, not a list: Starlette tests `origin in {text!r}`, which is substring "
        f"matching{example}.",
        f"Pass a list: [{text!r}].",
        Severity.ERROR,
        "allow_origins",
        text,
    )


def _origin_findings(origin: str, credentials: bool, https_service: bool, production: bool) -> list[Finding]:
    if origin == "*" and not credentials:
        return [
            Finding(
                "'*' lets any website read the responses (without cookies): fine for public data, never for an API "
                "that trusts the network it runs in.",
                "List the origins that need access, unless the API is public.",
                Severity.INFO,
                "allow_origins",
                "*",
            )
        ]
    if origin_problem(origin) is not None:
        return []
    scheme, host, _ = split_origin(origin)
    findings = []
    local = _is_local(host)
    if scheme == "http" and not local:
        findings.append(
            Finding(
                f"'{origin}' is plain HTTP: anyone on the network path can inject script into that page and call "
                f"the API as it{' (and the API itself is served over https)' if https_service else ''}.",
                f"Serve that page over HTTPS and allow 'https://{host}' instead.",
                Severity.ERROR if https_service else Severity.WARNING,
                "allow_origins",
                origin,
            )
        )
    if local:
        findings.append(
            Finding(
                f"'{origin}' trusts whatever runs on that port of the user's own machine"
                f"{', in production settings' if production else ''}.",
                "Keep development origins out of production settings: add them through the environment where needed.",
                Severity.WARNING if production else Severity.INFO,
                "allow_origins",
                origin,
            )
        )
    if host in SHARED_PUBLISHING_HOSTS or host in THIRD_PARTY_SUFFIXES:
        findings.append(
            Finding(
                f"Anyone can publish a page on '{origin}', so anyone gets the access it is given.",
                "Remove it; allow only origins you control.",
                Severity.WARNING,
                "allow_origins",
                origin,
            )
        )
    return findings


def _regex_findings(pattern: str | None, https_service: bool) -> list[Finding]:
    """What an audit adds to a regex the rules accept: same-site reach, plain HTTP, and anchors outside Starlette."""
    if not pattern:
        return []
    compiled = re.compile(pattern)
    findings = []
    for branch in regex_branches(pattern):
        sample = _seed_origin(compiled, literal_origin(branch))
        if sample is None:
            continue
        findings += _attack_findings(pattern, compiled, sample)
        findings += _plain_http_findings(pattern, compiled, sample, https_service)
        findings += _anchor_findings(pattern, compiled, sample)
    if not findings and all(_seed_origin(compiled, literal_origin(b)) is None for b in regex_branches(pattern)):
        findings.append(
            Finding(
                "No example origin could be derived from the regex, so its look-alikes were not tried.",
                "Review it by hand, or simplify it to scheme, escaped host and [a-z0-9-]+ labels.",
                Severity.INFO,
                "allow_origin_regex",
                pattern,
            )
        )
    return list(dict.fromkeys(findings))


def _plain_http_findings(pattern: str, compiled: re.Pattern[str], sample: str, https_service: bool) -> list[Finding]:
    """An `https?://` regex admits the plain-HTTP origin too: the same rule as for a listed http:// origin."""
    scheme, host, _ = split_origin(sample)
    plain = f"http://{sample.removeprefix(f'{scheme}://')}"
    if (scheme != "http" and not compiled.fullmatch(plain)) or _is_local(host):
        return []
    return [
        Finding(
            f"The regex admits the plain-HTTP origin '{plain}': anyone on the network path can inject script into "
            "that page and call the API as it.",
            "Match https:// only.",
            Severity.ERROR if https_service else Severity.WARNING,
            "allow_origin_regex",
            pattern,
        )
    ]


def _seed_origin(compiled: re.Pattern[str], sample: str) -> str | None:
    """The shortest valid origin the regex admits that begins the sample, so `.*` at the end adds nothing."""
    prefixes = (sample[:end] for end in range(len("https://") + 1, len(sample) + 1))
    seed = next((p for p in prefixes if compiled.fullmatch(p) and origin_problem(p) is None), None)
    return seed or (sample if compiled.fullmatch(sample) and origin_problem(sample) is None else None)


def _attack_findings(pattern: str, compiled: re.Pattern[str], sample: str) -> list[Finding]:
    findings = []
    reported: set[str] = set()
    same_site_hits: list[Attack] = []
    for attack in attacker_origins(sample):
        skipped = attack.kind in {"arbitrary", "null", "http"} or attack.kind in reported
        if skipped or not compiled.fullmatch(attack.origin):
            continue
        if same_site(attack.origin, sample):
            same_site_hits.append(attack)
            continue
        reported.add(attack.kind)
        findings.append(
            Finding(
                f"The regex admits '{attack.origin}' ({attack.kind}: {attack.why}) as well as '{sample}'.",
                _REGEX_FIX,
                Severity.ERROR,
                "allow_origin_regex",
                pattern,
            )
        )
    if same_site_hits:
        example = same_site_hits[0].origin
        findings.append(
            Finding(
                f"The regex admits other hosts of the site, e.g. '{example}': one XSS or takeover on any of them "
                "reaches the API.",
                "Narrow it to the hosts that need access (e.g. a dedicated preview subdomain), or list them.",
                Severity.WARNING,
                "allow_origin_regex",
                pattern,
            )
        )
    return findings


def _anchor_findings(pattern: str, compiled: re.Pattern[str], sample: str) -> list[Finding]:
    """Anchors do not matter to Starlette's fullmatch, but Django and Flask use re.match, Express an unanchored test."""
    longer = f"{sample}.evil.net"
    if compiled.fullmatch(longer) or not compiled.match(longer):
        return []
    return [
        Finding(
            f"Safe under Starlette's fullmatch, but with re.match (Django, Flask) or an unanchored test (Express) the "
            f"regex admits '{longer}'.",
            "Anchor it as ^...$ if it is ever reused outside Starlette.",
            Severity.INFO,
            "allow_origin_regex",
            pattern,
        )
    ]


def _is_local(host: str) -> bool:
    name = host.strip("[]")
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local
