"""Auditing CORS configurations for the misconfigurations attackers look for, judged the way Starlette applies them.

Starlette fullmatches `allow_origin_regex` case-sensitively and tests `origin in allow_origins`, so a string where a
list belongs is substring matching. A finding names the setting, the offending value, a concrete origin it lets in
when there is one, and the change that fixes it. `audit` judges one configuration read from a file: values of the
wrong type are findings, values not read are listed (and never judged), and each finding points at the line its
value came from; `policy_findings` judges the values. Pure: no files, no network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from fastapi_cors_scaffold.audit.app_findings import app_findings, keyword_findings
from fastapi_cors_scaffold.audit.model import Configuration, Setting, Unknown, shown
from fastapi_cors_scaffold.audit.policy_findings import lint_policy
from fastapi_cors_scaffold.errors import Refusal
from fastapi_cors_scaffold.rules.findings import Finding, Severity
from fastapi_cors_scaffold.rules.policy import Policy
from fastapi_cors_scaffold.rules.questions import QUESTION_OF, policy_from_answers, unasked_credentials


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


WRONG_TYPE = "value.wrong_type"
SETTINGS_DEFAULT = "value.settings_default"
RULES = {
    WRONG_TYPE: "A CORS setting of a type Starlette cannot use",
    SETTINGS_DEFAULT: "A settings class default the environment may replace (shown, not judged)",
}
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
    "cross_origin_protection": None,
}
_UNREAD_ORIGIN = "https://not-read.invalid"  # stands for the items of a list that were not read
_PLACEHOLDER_SHOWN = f", {_UNREAD_ORIGIN}"
_LIST_SETTINGS = ("allow_origins", "allow_methods", "allow_headers", "expose_headers")


def refuse_service_url(url: str | None) -> None:
    """`--service-url` is where the API is served: an http:// or https:// URL with a host, or left out."""
    if url is None:
        return
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading the port is what validates it
    except ValueError as error:
        raise Refusal(f"--service-url {url!r} is not a URL ({error}), e.g. https://api.example.com.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise Refusal(
            f"--service-url {url!r} is not an http:// or https:// URL with a host, e.g. https://api.example.com."
        )


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
    values |= {
        name: value for name, value in given.items() if name not in written and _has_setting(configuration, name)
    }
    policy = Policy(**{name: _BLIND[name] if name in blind else value for name, value in values.items()})
    if configuration.answers and "allow_credentials" not in written and "allow_credentials" not in given:
        policy = replace(policy, allow_credentials=unasked_credentials(policy))
    judged = lint_policy(policy, service_url=service_url, production=production, origins_text=origins_text)
    findings += [
        replace(finding, line=lines[finding.setting], value=finding.value.replace(_PLACEHOLDER_SHOWN, ""))
        for finding in judged
        if finding.setting not in blind
    ]
    credentials = None if "allow_credentials" in blind else policy.allow_credentials
    findings += keyword_findings(configuration) + app_findings(configuration, credentials)
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
    if name == "cross_origin_protection":
        return (value, None) if isinstance(value, bool) else (_UNUSABLE, _wrong_type(name, value, _EXPECTED[name]))
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    return _UNUSABLE, _wrong_type(name, value, _EXPECTED[name])


def _has_setting(configuration: Configuration, name: str) -> bool:
    """Whether the configuration has the setting at all: only a generated service has the cross-origin guard's."""
    return name != "cross_origin_protection" or configuration.defaults.cross_origin_protection is not None


_EXPECTED = {
    "allow_origins": "a list of origin strings",
    "allow_methods": "a list of method names",
    "allow_headers": "a list of header names",
    "expose_headers": "a list of header names",
    "allow_origin_regex": "one string (or None)",
    "allow_credentials": "True or False",
    "cross_origin_protection": "True or False",
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
        shown(value),
        rule=WRONG_TYPE,
    )


def _shown_default(setting: Setting) -> Finding:
    if isinstance(setting.value, Unknown):
        written = setting.expression or "(not read)"
        message = f"{setting.name} comes from {setting.value.comes_from}: shown, not judged."
    else:
        written = shown(setting.value)
        message = (
            f"{setting.name} defaults to {written}; the environment can set another value, so a default says nothing "
            "about what runs: shown, not judged."
        )
    return Finding(
        message,
        "Lint the values the service runs with: give them with --origin, --credentials and the other options.",
        Severity.INFO,
        setting.name,
        written,
        line=setting.line,
        rule=SETTINGS_DEFAULT,
    )
