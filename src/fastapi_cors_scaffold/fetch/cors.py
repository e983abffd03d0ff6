"""The Fetch standard's CORS check and CORS-preflight check, and the sentences that explain a refusal with its fix.

A refusal is worded for the person who has to fix the server: what the browser saw, and the one change that makes
it pass (in Starlette's terms where one exists).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from fastapi_cors_scaffold.fetch.http import (
    FORBIDDEN_RESPONSE_HEADERS,
    NON_WILDCARD_HEADERS,
    REDIRECT_STATUSES,
    SAFELISTED_METHODS,
    Response,
    normalize_method,
    origin_of,
    path_of,
    readable_header,
    unsafe_header_names,
)
from fastapi_cors_scaffold.fetch.notes import max_age_notes
from fastapi_cors_scaffold.fetch.verdict import READ_HEADER, Request
from fastapi_cors_scaffold.rules.checks import MESSAGES, is_token
from fastapi_cors_scaffold.rules.findings import Finding

_STARLETTE_REFUSAL = re.compile(r"Disallowed CORS ((?:origin|method|headers)(?:, (?:origin|method|headers))*)")


def cors_problems(origin: str, credentials: bool, response: Response, tainted: bool = False) -> list[Finding]:
    """The CORS check: `Access-Control-Allow-Origin` is the exact origin (or `*` without credentials), and a
    credentialed request also needs `Access-Control-Allow-Credentials: true`; each header is one field, one value.
    `tainted`: a redirect to another origin made the browser send `Origin: null`."""
    fields = response.fields("Access-Control-Allow-Origin")
    if not fields:
        return [_missing_allow_origin(origin, response.status, tainted)]
    if len(fields) > 1 or "," in fields[0]:
        what = f"{len(fields)} Access-Control-Allow-Origin header fields" if len(fields) > 1 else "several values"
        return [
            Finding(
                f"The answer has {what} ({', '.join(fields)}), and browsers accept exactly one value.",
                "Send one Access-Control-Allow-Origin header (a proxy and the application both adding CORS headers is "
                "the usual cause), "
                + (
                    f"with the requesting origin '{origin}'."
                    if origin != "null"
                    else f"and {_allow_fix(origin, tainted)}."
                ),
            )
        ]
    value = fields[0]
    if value == "*" and credentials:
        exact = (
            f"Answer with the exact origin '{origin}' and Access-Control-Allow-Credentials: true "
            "(Starlette does when the origin is listed and allow_credentials is on)."
            if origin != "null"
            else _sentence(_allow_fix(origin, tainted))
        )
        return [Finding("Access-Control-Allow-Origin is '*', which browsers refuse for a credentialed request.", exact)]
    if value not in ("*", origin):
        return [_wrong_allow_origin(origin, value, tainted)]
    if credentials:
        granted = response.fields("Access-Control-Allow-Credentials")
        if granted != ["true"]:
            got = (
                "nothing"
                if not granted
                else f"{len(granted)} header fields ({', '.join(granted)})"
                if len(granted) > 1
                else f"'{granted[0]}'"
            )
            return [
                Finding(
                    f"The request is credentialed, but Access-Control-Allow-Credentials is {got}, not exactly 'true'.",
                    "Send one Access-Control-Allow-Credentials: true (allow_credentials=True), or drop "
                    "credentials: 'include' from the page's fetch() call.",
                )
            ]
    return []


def exposure_problem(name: str, credentials: bool, response: Response) -> Finding | None:
    """Why page code cannot read response header `name`, with the fix; None when it can."""
    if readable_header(name, credentials, response) is not None:
        return None
    lowered = name.lower()
    if lowered in FORBIDDEN_RESPONSE_HEADERS:
        return Finding(
            f"Page code can never read {name}: browsers hide it from every response, even exposed.",
            "Let the browser keep the cookie (credentials: 'include' sends it back); put anything the page must read "
            "in the body or in another, exposed header.",
            rule=READ_HEADER,
        )
    if response.get(name) is None:
        return Finding(
            f"The final answer has no {name} header, so page code reads null.",
            f"Make the server send {name} on this response.",
            rule=READ_HEADER,
        )
    raw = response.get("Access-Control-Expose-Headers")
    exposed = response.tokens("Access-Control-Expose-Headers")
    fix = f"Add '{name}' to expose_headers (Access-Control-Expose-Headers: {name})."
    if raw is not None and exposed is None:
        why = f"Access-Control-Expose-Headers '{raw}' is not a list of header names, so browsers expose nothing"
    elif exposed and "*" in exposed:
        why = "Access-Control-Expose-Headers is '*', which exposes everything only to requests without credentials"
        fix = f"List '{name}' in expose_headers instead of '*' (with credentials '*' is just a header named '*')."
    elif raw is None:
        why = "the answer exposes no header (no Access-Control-Expose-Headers)"
    else:
        why = f"Access-Control-Expose-Headers lists {raw}"
    return Finding(
        f"Page code cannot read {name}: it is not a safelisted response header and {why}.", fix, rule=READ_HEADER
    )


def preflight_problems(request: Request, origin: str, url: str, response: Response) -> tuple[list[Finding], list[str]]:
    """The CORS-preflight check: a 2xx answer passing the CORS check that covers the method and unsafe headers."""
    method = normalize_method(request.method)
    tainted = origin != request.origin
    if not 200 <= response.status <= 299:
        return [_preflight_status_problem(request, origin, method, url, response)], []
    problems = cors_problems(origin, request.credentials, response, tainted)
    if problems:
        return problems, []
    notes: list[str] = []
    problems += _method_problems(method, request.credentials, response)
    header_problems, header_notes = _header_problems(request, response)
    problems += header_problems
    notes += header_notes
    notes += max_age_notes(response)
    return problems, notes


def _allow_fix(origin: str, tainted: bool) -> str:
    """How the server should allow `origin`: never by trusting `null`, which anyone can send."""
    if origin == "null" and tainted:
        return (
            "the request was redirected to another origin, so the browser sent 'Origin: null': have the page request "
            "the final URL directly, rather than trusting 'null' (anyone can send it)"
        )
    if origin == "null":
        return f"do not trust 'null': {MESSAGES['origin.null']['fix']}, and allow that one"
    return f"add '{origin}' to the allowed origins (allow_origins), or make allow_origin_regex match it"


def _sentence(clause: str) -> str:
    return clause[:1].upper() + clause[1:] + "."


def _missing_allow_origin(origin: str, status: int, tainted: bool = False) -> Finding:
    if status >= 500:
        return Finding(
            f"The {status} answer has no Access-Control-Allow-Origin, so the page sees a CORS error instead of the "
            f"{status}.",
            "Keep the CORS headers on error responses: wrap the whole application in the CORS middleware "
            "(Starlette's ServerErrorMiddleware is outermost and answers 500s without them).",
        )
    return Finding(
        f"The answer has no Access-Control-Allow-Origin header: the server does not allow '{origin}'.",
        _sentence(_allow_fix(origin, tainted)),
    )


def _wrong_allow_origin(origin: str, value: str, tainted: bool = False) -> Finding:
    if value == "null":
        reason = "'null', which only matches pages with an opaque origin (sandboxed iframes, file:)"
    elif value.rstrip("/") == origin:
        reason = f"'{value}', with a trailing slash"
    elif value.lower() == origin:
        reason = f"'{value}', in different case"
    elif origin_of(value) == origin:
        reason = f"'{value}', which is not written the way browsers send it"
    else:
        reason = f"'{value}', another origin"
    fix = (
        f"Configure the origin as '{origin}' (scheme://host[:port], lower case, no default port, no slash)."
        if origin != "null"
        else _sentence(_allow_fix(origin, tainted))
    )
    return Finding(f"Access-Control-Allow-Origin is {reason}; the browser needs exactly '{origin}'.", fix)


def _preflight_status_problem(request: Request, origin: str, method: str, url: str, response: Response) -> Finding:
    status = response.status
    location = response.get("Location")
    if status in REDIRECT_STATUSES and location:
        target = urljoin(url, location)
        same = origin_of(target) == origin_of(url)
        there, here = (path_of(target), path_of(url)) if same else (target, url)
        return Finding(
            f"The server answered {status} to the preflight, and browsers never follow a redirect on a preflight.",
            f"Request `{there}` not `{here}`.",
        )
    if status in (401, 403):
        return Finding(
            f"The preflight got {status}: browsers send it without cookies or Authorization, so it cannot log in.",
            "Answer preflights before authentication: the CORS middleware must run outside (before) any auth.",
        )
    if status in (404, 405, 501):
        return Finding(
            f"The server answered {status} to OPTIONS: nothing handles the preflight at this URL.",
            "Add CORS middleware, which answers preflights itself (Starlette's CORSMiddleware does).",
        )
    refusal = _STARLETTE_REFUSAL.search(response.body)
    if status == 400 and refusal:
        return _starlette_refusal(request, origin, method, refusal[1].split(", "))
    return Finding(
        f"The preflight got {status}; browsers need a 2xx answer to go on.",
        f"Make OPTIONS {path_of(url)} answer 200 or 204 with the CORS headers.",
    )


def _starlette_refusal(request: Request, origin: str, method: str, parts: list[str]) -> Finding:
    fixes = []
    if "origin" in parts:
        fixes.append(
            f"add '{origin}' to allow_origins" if origin != "null" else _allow_fix(origin, origin != request.origin)
        )
    if "method" in parts:
        fixes.append(
            f"add {method} to allow_methods"
            if method == method.upper()
            else f"{_write_method_fix(method)} (and list {method.upper()} in allow_methods if it is not)"
        )
    if "headers" in parts:
        fixes.append(f"add {', '.join(unsafe_header_names(request.headers))} to allow_headers")
    return Finding(
        f"The server refused the preflight: 400 'Disallowed CORS {', '.join(parts)}' (Starlette's CORSMiddleware).",
        _sentence(" and ".join(fixes)),
    )


def _write_method_fix(method: str) -> str:
    return (
        f"write the method as '{method.upper()}' in the page's fetch() call: browsers upper-case only DELETE, GET, "
        f"HEAD, OPTIONS, POST and PUT, and servers compare methods case-sensitively"
    )


def _malformed_list(name: str, response: Response, example: str, setting: str) -> Finding:
    raw = response.get(name) or ""
    bad = [item for item in response.values(name) if item and not is_token(item)]
    return Finding(
        f"{name} '{raw}' does not parse: '{bad[0]}' is not a token, so browsers reject the whole header.",
        f"Send a comma-separated list of names, e.g. '{example}' ({setting} in Starlette writes it so).",
    )


def _method_problems(method: str, credentials: bool, response: Response) -> list[Finding]:
    parsed = response.tokens("Access-Control-Allow-Methods")
    if parsed is None:
        return [_malformed_list("Access-Control-Allow-Methods", response, "GET, PUT", "allow_methods")]
    methods = parsed
    if method in methods or method in SAFELISTED_METHODS or ("*" in methods and not credentials):
        return []
    if "*" in methods:
        return [
            Finding(
                "Access-Control-Allow-Methods is '*', which is only a wildcard for requests without credentials.",
                f"List {method} explicitly in Access-Control-Allow-Methods (Starlette's allow_methods=['*'] "
                "already sends the full list, which works with credentials).",
            )
        ]
    same_letters = [item for item in methods if item.upper() == method.upper()]
    if same_letters:
        return [
            Finding(
                f"Access-Control-Allow-Methods lists '{same_letters[0]}', but the browser sends '{method}' and "
                "compares methods case-sensitively.",
                (
                    _sentence(_write_method_fix(method))
                    if same_letters[0] == method.upper()
                    else f"Write '{method.upper()}' in fetch() and list '{method.upper()}' in allow_methods."
                ),
            )
        ]
    listed = ", ".join(methods) if methods else "nothing (so only GET, HEAD and POST)"
    fix = (
        f"Add {method} to the allowed methods (allow_methods)."
        if method == method.upper()
        else f"Write '{method.upper()}' in the page's fetch() call (browsers upper-case only the six standard "
        f"methods) and add {method.upper()} to allow_methods."
    )
    return [Finding(f"{method} is not allowed: Access-Control-Allow-Methods lists {listed}.", fix)]


def _header_problems(request: Request, response: Response) -> tuple[list[Finding], list[str]]:
    parsed = response.tokens("Access-Control-Allow-Headers")
    if parsed is None:
        return [_malformed_list("Access-Control-Allow-Headers", response, "content-type, x-token", "allow_headers")], []
    allowed = {item.lower() for item in parsed}
    wildcard = "*" in allowed and not request.credentials
    missing = []
    notes = []
    for name in unsafe_header_names(request.headers):
        if name in allowed or (wildcard and name not in NON_WILDCARD_HEADERS):
            continue
        missing.append(name)
        if wildcard:
            notes.append(
                f"Chromium (through at least version 156) lets '*' cover '{name}'; the Fetch standard, Firefox and "
                "Safari do not, so the strict verdict is blocked."
            )
    if not missing:
        return [], notes
    listed = response.get("Access-Control-Allow-Headers") or "nothing"
    if "*" in allowed and request.credentials:
        why = "'*' is only a wildcard without credentials"
    elif wildcard:
        why = "'*' never covers Authorization"
    else:
        why = f"Access-Control-Allow-Headers lists {listed}"
    return [
        Finding(
            f"The request header{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} not allowed: {why}.",
            f"List {', '.join(missing)} in the allowed headers (allow_headers; Starlette's ['*'] echoes the "
            "requested headers, which also works with credentials).",
        )
    ], notes
