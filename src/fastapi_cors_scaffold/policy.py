"""A CORS policy as Starlette's CORSMiddleware takes it, and the rules that refuse a dangerous or useless one.

Starlette raises nothing for a policy that can never work (an origin with a trailing slash) or that lets every
website in (`*` with credentials, a regex matching `null`), so these checks run before a service starts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from fastapi_cors_scaffold.browser import is_token
from fastapi_cors_scaffold.origin_regex import unescaped_dot_origin
from fastapi_cors_scaffold.origins import explain_origin

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY")
MAX_AGE_LIMIT = 86400
MAX_AGE_CHROMIUM = 7200
ARBITRARY_ORIGINS = ("https://evil.example", "http://evil.example")


@dataclass(frozen=True)
class Policy:
    """The keyword arguments of `CORSMiddleware`, with the template's recommended answers as defaults."""

    allow_origins: tuple[str, ...] = ("http://localhost:8080",)
    allow_origin_regex: str | None = None
    allow_credentials: bool = True
    allow_methods: tuple[str, ...] = ("*",)
    allow_headers: tuple[str, ...] = ("*",)
    expose_headers: tuple[str, ...] = ()
    max_age: int = 600


def policy_errors(policy: Policy) -> list[str]:
    """One sentence per problem that makes `policy` unsafe or unable to work; empty when it may ship."""
    return [message for _, message in setting_errors(policy)]


def setting_errors(policy: Policy) -> list[tuple[str, str]]:
    """`policy_errors` paired with the setting each is about, so a report can point at what to change."""
    return [
        *(("allow_origins", message) for message in _origin_errors(policy)),
        *(("allow_origin_regex", message) for message in _regex_errors(policy.allow_origin_regex)),
        *(("allow_methods", message) for message in _method_errors(policy.allow_methods)),
        *(("allow_headers", message) for message in _header_errors("allow_headers", policy.allow_headers)),
        *(("expose_headers", message) for message in _header_errors("expose_headers", policy.expose_headers)),
        *(("max_age", message) for message in _max_age_errors(policy.max_age)),
    ]


def policy_notes(policy: Policy) -> list[str]:
    """Non-fatal remarks: the policy works, but not quite as its numbers suggest."""
    notes = []
    if policy.max_age > MAX_AGE_CHROMIUM:
        notes.append(
            f"max_age {policy.max_age} caches preflights for less time than it says: "
            "Chromium caps it at 7200 s (2 h), Firefox at 86400 s, WebKit at 600 s."
        )
    return notes


def _origin_errors(policy: Policy) -> list[str]:
    origins = policy.allow_origins
    errors = []
    if not origins and policy.allow_origin_regex is None:
        errors.append(
            "allow_origins is empty and there is no allow_origin_regex, so every cross-origin request would be refused."
        )
    if "*" in origins and len(origins) > 1:
        errors.append(
            f"allow_origins mixes '*' with other origins {_listed(o for o in origins if o != '*')}: "
            "'*' already allows every origin, so use it alone or list the origins without it."
        )
    if "*" in origins and policy.allow_credentials:
        errors.append(
            "allow_origins '*' with allow_credentials=True is refused: browsers reject a wildcard on credentialed "
            "requests, and Starlette would instead reflect every Origin with Access-Control-Allow-Credentials: true, "
            "letting any website make requests with the user's cookies."
        )
    for origin, count in Counter(origins).items():
        if count > 1:
            errors.append(f"allow_origins lists {origin!r} {count} times: list each origin once.")
    errors += [message for o in dict.fromkeys(origins) if o != "*" and (message := explain_origin(o))]
    return errors


def _regex_errors(pattern: str | None) -> list[str]:
    if pattern is None:
        return []
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return [f"allow_origin_regex {pattern!r} does not compile: {exc}."]
    errors = []
    if compiled.fullmatch("null"):
        errors.append(
            f"allow_origin_regex {pattern!r} matches 'null', which sandboxed iframes and data: and file: pages send, "
            "so anyone could build a page it trusts."
        )
    arbitrary = next((o for o in ARBITRARY_ORIGINS if compiled.fullmatch(o)), None)
    if arbitrary:
        errors.append(
            f"allow_origin_regex {pattern!r} matches an arbitrary origin like {arbitrary!r}, "
            "so any website would be allowed."
        )
    dotted = unescaped_dot_origin(pattern)
    if dotted:
        intended, admitted = dotted
        errors.append(
            f"allow_origin_regex {pattern!r} has an unescaped '.' in the host, so besides {intended!r} it admits "
            f"{admitted!r}: write '\\.' for a literal dot."
        )
    return errors


def _method_errors(methods: tuple[str, ...]) -> list[str]:
    errors = []
    if "*" in methods and len(methods) > 1:
        errors.append(
            f"allow_methods mixes '*' with {_listed(m for m in methods if m != '*')}: "
            "'*' already allows every method, so use it alone or list the methods without it."
        )
    for method in dict.fromkeys(methods):
        if method == "*" or method in METHODS:
            continue
        if method.upper() in METHODS:
            errors.append(
                f"allow_methods has {method!r}, but methods are compared case-sensitively and browsers send "
                f"{method.upper()!r}, so write it in upper case."
            )
        else:
            errors.append(
                f"allow_methods has {method!r}, which is not one of {', '.join(METHODS)} or '*' "
                "(methods are compared case-sensitively)."
            )
    return errors


def _header_errors(field: str, headers: tuple[str, ...]) -> list[str]:
    errors = []
    if "*" in headers and len(headers) > 1:
        errors.append(
            f"{field} mixes '*' with {_listed(h for h in headers if h != '*')}: "
            "'*' already stands for every header, so use it alone or list the headers without it."
        )
    errors += [
        f"{field} has {header!r}, which is not a header name: an RFC 9110 token is letters, digits and !#$%&'*+-.^_`|~."
        for header in dict.fromkeys(headers)
        if not is_token(header)
    ]
    return errors


def _max_age_errors(max_age: int) -> list[str]:
    if max_age < 0:
        return [f"max_age {max_age} is negative: give the preflight cache time in seconds, 0 to disable it."]
    if max_age > MAX_AGE_LIMIT:
        too_long = f"max_age {max_age} is over {MAX_AGE_LIMIT} s (24 h)"
        return [f"{too_long}, longer than any browser keeps a preflight: use at most 7200 s."]
    return []


def _listed(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)
