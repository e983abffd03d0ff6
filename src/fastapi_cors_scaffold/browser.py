"""What a browser does with a cross-origin request, per the Fetch standard: pure functions over plain data.

`fetch` walks a request the way a browser does — a preflight when the request is not simple, then the request
itself, following redirects — asking a `send` function for each response and judging it with the standard's CORS
check and CORS-preflight check. No sockets here: `probe` supplies `send`, tests supply canned responses. Where a
browser is laxer than the standard, the verdict is the strict one and a note names the browsers that differ.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from fastapi_cors_scaffold.origins import origin_of

Headers = tuple[tuple[str, str], ...]

SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
SAFELISTED_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
NON_WILDCARD_HEADERS = frozenset({"authorization"})
FORBIDDEN_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
REQUEST_BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 20
SAFELIST_VALUE_LIMIT = 128
SAFELIST_TOTAL_LIMIT = 1024
CHROMIUM_MAX_AGE = 7200
DEFAULT_MAX_AGE = 5

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_UNSAFE_BYTES = re.compile(r'[\x00-\x08\x0a-\x1f"():<>?@\[\\\]{}\x7f]')
_LANGUAGE_VALUE = re.compile(r"[0-9A-Za-z *,\-.;=]*")
_RANGE_VALUE = re.compile(r"bytes=([0-9]+)-([0-9]*)")
_STARLETTE_REFUSAL = re.compile(r"Disallowed CORS ((?:origin|method|headers)(?:, (?:origin|method|headers))*)")


@dataclass(frozen=True)
class Request:
    """A `fetch()` call made by a page on `origin`; `credentials` is `credentials: "include"`."""

    url: str
    origin: str
    method: str = "GET"
    headers: Headers = ()
    credentials: bool = False


@dataclass(frozen=True)
class Response:
    """The parts of an HTTP response the CORS checks read; `body` is a short prefix, for error pages."""

    status: int
    headers: Headers = ()
    body: str = ""

    def values(self, name: str) -> list[str]:
        """Every value of header `name`, split on commas as a header list is."""
        lowered = name.lower()
        return [item.strip() for key, value in self.headers if key.lower() == lowered for item in value.split(",")]

    def get(self, name: str) -> str | None:
        """The header's values joined as one field, or None when absent."""
        lowered = name.lower()
        found = [value.strip() for key, value in self.headers if key.lower() == lowered]
        return ", ".join(found) if found else None


@dataclass(frozen=True)
class Problem:
    """Why the browser refuses, in the words of the console, and the one change that fixes it."""

    message: str
    fix: str


@dataclass(frozen=True)
class Step:
    """One request the browser sends and what it makes of the answer."""

    kind: str
    method: str
    url: str
    sent: Headers
    response: Response
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Verdict:
    """Every step of one cross-origin request, and whether the page gets to read the response."""

    request: Request
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return bool(self.steps) and all(step.passed for step in self.steps)

    @property
    def problem(self) -> Problem | None:
        return next((problem for step in self.steps for problem in step.problems), None)

    @property
    def preflighted(self) -> bool:
        return any(step.kind == "preflight" for step in self.steps)


Send = Callable[[str, str, Headers], Response]


def is_token(name: str) -> bool:
    """Whether `name` can be a method or header name (an RFC 9110 token)."""
    return bool(_TOKEN.fullmatch(name))


def normalize_method(method: str) -> str:
    """Browsers upper-case only the six methods the standard names; `patch` stays `patch`."""
    return method.upper() if method.upper() in NORMALIZED_METHODS else method


def is_safelisted_header(name: str, value: str) -> bool:
    """A CORS-safelisted request header: sent without a preflight."""
    if len(value.encode()) > SAFELIST_VALUE_LIMIT:
        return False
    name = name.lower()
    if name == "accept":
        return not _UNSAFE_BYTES.search(value)
    if name in ("accept-language", "content-language"):
        return bool(_LANGUAGE_VALUE.fullmatch(value))
    if name == "content-type":
        essence = value.split(";", 1)[0].strip().lower()
        return not _UNSAFE_BYTES.search(value) and essence in SAFELISTED_CONTENT_TYPES
    if name == "range":
        match = _RANGE_VALUE.fullmatch(value)
        return match is not None and (not match[2] or int(match[1]) <= int(match[2]))
    return False


def unsafe_header_names(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The request's CORS-unsafe header names, lower-cased and sorted: `Access-Control-Request-Headers`."""
    unsafe: set[str] = set()
    safelisted: set[str] = set()
    total = 0
    for name, value in headers:
        if is_safelisted_header(name, value):
            safelisted.add(name.lower())
            total += len(value.encode())
        else:
            unsafe.add(name.lower())
    if total > SAFELIST_TOTAL_LIMIT:
        unsafe |= safelisted
    return sorted(unsafe)


def needs_preflight(method: str, headers: Iterable[tuple[str, str]]) -> bool:
    """Whether the request is not simple: a method other than GET, HEAD, POST, or a header not safelisted."""
    return method not in SAFELISTED_METHODS or bool(unsafe_header_names(headers))


def preflight_headers(origin: str, method: str, headers: Iterable[tuple[str, str]]) -> Headers:
    """The preflight `OPTIONS` request's headers; it never carries cookies or the request's own headers."""
    names = unsafe_header_names(headers)
    sent: list[tuple[str, str]] = [("Origin", origin), ("Access-Control-Request-Method", method)]
    if names:
        sent.append(("Access-Control-Request-Headers", ",".join(names)))
    return (*sent, ("Accept", "*/*"))


def cors_problems(origin: str, credentials: bool, response: Response) -> list[Problem]:
    """The CORS check: `Access-Control-Allow-Origin` is the exact origin (or `*` without credentials), and a
    credentialed request also needs `Access-Control-Allow-Credentials: true`."""
    allowed = response.values("Access-Control-Allow-Origin")
    if not allowed:
        return [_missing_allow_origin(origin, response.status)]
    if len(allowed) > 1:
        return [
            Problem(
                f"Access-Control-Allow-Origin has several values ({response.get('Access-Control-Allow-Origin')}), "
                "and browsers accept exactly one.",
                f"Send one value, the requesting origin '{origin}', instead of the whole list.",
            )
        ]
    value = allowed[0]
    if value == "*" and credentials:
        return [
            Problem(
                "Access-Control-Allow-Origin is '*', which browsers refuse for a credentialed request.",
                f"Answer with the exact origin '{origin}' and Access-Control-Allow-Credentials: true "
                "(Starlette does when the origin is listed and allow_credentials is on).",
            )
        ]
    if value not in ("*", origin):
        return [_wrong_allow_origin(origin, value)]
    if credentials:
        granted = response.values("Access-Control-Allow-Credentials")
        if granted != ["true"]:
            got = f"'{response.get('Access-Control-Allow-Credentials')}'" if granted else "nothing"
            return [
                Problem(
                    f"The request is credentialed, but Access-Control-Allow-Credentials is {got}, not exactly 'true'.",
                    "Send Access-Control-Allow-Credentials: true (allow_credentials=True), or drop credentials.",
                )
            ]
    return []


def preflight_problems(request: Request, origin: str, url: str, response: Response) -> tuple[list[Problem], list[str]]:
    """The CORS-preflight check: a 2xx answer passing the CORS check that covers the method and unsafe headers."""
    method = normalize_method(request.method)
    if not 200 <= response.status <= 299:
        return [_preflight_status_problem(request, method, url, response)], []
    problems = cors_problems(origin, request.credentials, response)
    if problems:
        return problems, []
    notes: list[str] = []
    problems += _method_problems(method, request.credentials, response)
    header_problems, header_notes = _header_problems(request, response)
    problems += header_problems
    notes += header_notes
    notes += _max_age_notes(response)
    return problems, notes


def response_notes(origin: str, response: Response) -> list[str]:
    """Remarks on a response the page may read: missing `Vary: Origin` lets a cache hand it to another origin."""
    allowed = response.get("Access-Control-Allow-Origin")
    vary = {item.lower() for item in response.values("Vary")}
    if allowed and allowed != "*" and "origin" not in vary and "*" not in vary:
        return [
            f"The answer names the origin '{allowed}' but has no 'Vary: Origin': a shared cache may serve it to "
            "another origin, which the browser then refuses. Add 'Vary: Origin'."
        ]
    return []


def fetch(request: Request, send: Send) -> Verdict:
    """Send `request` as a browser would and judge every answer; stops at the first step a browser refuses."""
    method = normalize_method(request.method)
    headers = tuple((name, value) for name, value in request.headers if not _forbidden(name))
    notes = [
        f"Browsers do not let page code set '{name}', so it is left out."
        for name, _ in request.headers
        if _forbidden(name)
    ]
    origin, url = request.origin, request.url
    steps: list[Step] = []
    for hop in range(MAX_REDIRECTS + 1):
        current = Request(url, request.origin, method, headers, request.credentials)
        if needs_preflight(method, headers):
            sent = preflight_headers(origin, method, headers)
            answer = send("OPTIONS", url, sent)
            problems, step_notes = preflight_problems(current, origin, url, answer)
            steps.append(Step("preflight", "OPTIONS", url, sent, answer, tuple(problems), tuple(step_notes)))
            if problems:
                break
        sent = (("Origin", origin), *headers)
        answer = send(method, url, sent)
        problems = cors_problems(origin, request.credentials, answer)
        step_notes = response_notes(origin, answer) if not problems else []
        location = answer.get("Location")
        if not problems and answer.status in REDIRECT_STATUSES and location:
            target = urljoin(url, location)
            redirect = _redirect_problem(url, target, hop)
            if redirect:
                problems.append(redirect)
            else:
                step_notes.append(f"The browser follows the {answer.status} to {target}.")
        steps.append(Step("request", method, url, sent, answer, tuple(problems), tuple(step_notes)))
        if problems or answer.status not in REDIRECT_STATUSES or not location:
            break
        target = urljoin(url, location)
        if _becomes_get(answer.status, method):
            method = "GET"
            headers = tuple((n, v) for n, v in headers if n.lower() not in REQUEST_BODY_HEADERS)
        if origin_of(target) != origin_of(url):
            headers = tuple((n, v) for n, v in headers if n.lower() not in NON_WILDCARD_HEADERS)
            if origin_of(target) != request.origin:
                origin = "null"
        url = target
    return Verdict(request, tuple(steps), tuple(notes))


def grants(origin: str, response: Response) -> tuple[bool, bool]:
    """(readable without credentials, readable with credentials) by a page on `origin`, from one answer."""
    return not cors_problems(origin, False, response), not cors_problems(origin, True, response)


def _becomes_get(status: int, method: str) -> bool:
    """A 303 turns anything but GET and HEAD into GET; a 301 or 302 does that to POST only."""
    return (status == 303 and method not in ("GET", "HEAD")) or (status in (301, 302) and method == "POST")


def _forbidden(name: str) -> bool:
    lowered = name.lower()
    return lowered in FORBIDDEN_HEADERS or lowered.startswith(("proxy-", "sec-"))


def _missing_allow_origin(origin: str, status: int) -> Problem:
    if status >= 500:
        return Problem(
            f"The {status} answer has no Access-Control-Allow-Origin, so the page sees a CORS error instead of the "
            f"{status}.",
            "Keep the CORS headers on error responses: wrap the whole application in the CORS middleware "
            "(Starlette's ServerErrorMiddleware is outermost and answers 500s without them).",
        )
    return Problem(
        f"The answer has no Access-Control-Allow-Origin header: the server does not allow '{origin}'.",
        f"Add '{origin}' to the allowed origins (allow_origins), or make allow_origin_regex match it.",
    )


def _wrong_allow_origin(origin: str, value: str) -> Problem:
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
    return Problem(
        f"Access-Control-Allow-Origin is {reason}; the browser needs exactly '{origin}'.",
        f"Configure the origin as '{origin}' (scheme://host[:port], lower case, no default port, no slash).",
    )


def _preflight_status_problem(request: Request, method: str, url: str, response: Response) -> Problem:
    status = response.status
    location = response.get("Location")
    if status in REDIRECT_STATUSES and location:
        target = urljoin(url, location)
        same = origin_of(target) == origin_of(url)
        there, here = (_path(target), _path(url)) if same else (target, url)
        return Problem(
            f"The server answered {status} to the preflight, and browsers never follow a redirect on a preflight.",
            f"Request `{there}` not `{here}`.",
        )
    if status in (401, 403):
        return Problem(
            f"The preflight got {status}: browsers send it without cookies or Authorization, so it cannot log in.",
            "Answer preflights before authentication: the CORS middleware must run outside (before) any auth.",
        )
    if status in (404, 405, 501):
        return Problem(
            f"The server answered {status} to OPTIONS: nothing handles the preflight at this URL.",
            "Add CORS middleware, which answers preflights itself (Starlette's CORSMiddleware does).",
        )
    refusal = _STARLETTE_REFUSAL.search(response.body)
    if status == 400 and refusal:
        return _starlette_refusal(request, method, refusal[1].split(", "))
    return Problem(
        f"The preflight got {status}; browsers need a 2xx answer to go on.",
        f"Make OPTIONS {_path(url)} answer 200 or 204 with the CORS headers.",
    )


def _starlette_refusal(request: Request, method: str, parts: list[str]) -> Problem:
    fixes = []
    if "origin" in parts:
        fixes.append(f"add '{request.origin}' to allow_origins")
    if "method" in parts:
        fixes.append(f"add {method} to allow_methods")
    if "headers" in parts:
        fixes.append(f"add {', '.join(unsafe_header_names(request.headers))} to allow_headers")
    return Problem(
        f"The server refused the preflight: 400 'Disallowed CORS {', '.join(parts)}' (Starlette's CORSMiddleware).",
        " and ".join(fixes).replace("add", "Add", 1) + ".",
    )


def _method_problems(method: str, credentials: bool, response: Response) -> list[Problem]:
    methods = [item for item in response.values("Access-Control-Allow-Methods") if item]
    if method in methods or method in SAFELISTED_METHODS or ("*" in methods and not credentials):
        return []
    if "*" in methods:
        return [
            Problem(
                "Access-Control-Allow-Methods is '*', which is only a wildcard for requests without credentials.",
                f"List {method} explicitly in Access-Control-Allow-Methods.",
            )
        ]
    same_letters = [item for item in methods if item.upper() == method.upper()]
    if same_letters:
        return [
            Problem(
                f"Access-Control-Allow-Methods lists '{same_letters[0]}', but the browser sends '{method}' and "
                "compares methods case-sensitively.",
                f"Send the method as '{method.upper()}' from the page and list '{method.upper()}' on the server.",
            )
        ]
    listed = ", ".join(methods) if methods else "nothing (so only GET, HEAD and POST)"
    return [
        Problem(
            f"{method} is not allowed: Access-Control-Allow-Methods lists {listed}.",
            f"Add {method} to the allowed methods (allow_methods).",
        )
    ]


def _header_problems(request: Request, response: Response) -> tuple[list[Problem], list[str]]:
    allowed = {item.lower() for item in response.values("Access-Control-Allow-Headers") if item}
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
        Problem(
            f"The request header{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} not allowed: {why}.",
            f"List {', '.join(missing)} in the allowed headers (allow_headers; Starlette's ['*'] echoes the "
            "requested headers, which also works with credentials).",
        )
    ], notes


def _max_age_notes(response: Response) -> list[str]:
    raw = response.get("Access-Control-Max-Age")
    if raw is None:
        return [f"No Access-Control-Max-Age: browsers cache this preflight for {DEFAULT_MAX_AGE} s only."]
    if raw.isdigit() and int(raw) > CHROMIUM_MAX_AGE:
        return [f"Access-Control-Max-Age {raw} is capped by browsers: Chromium 7200 s, Firefox 86400 s, WebKit 600 s."]
    return []


def _redirect_problem(url: str, target: str, hop: int) -> Problem | None:
    parts = urlsplit(target)
    if hop >= MAX_REDIRECTS:
        return Problem(f"More than {MAX_REDIRECTS} redirects.", "Point the request at the final URL.")
    if parts.scheme not in ("http", "https"):
        return Problem(f"The redirect leads to '{target}', which is not http(s).", "Redirect to an http(s) URL.")
    if parts.username or parts.password:
        return Problem(
            f"The redirect to '{target}' carries credentials in the URL, which a CORS request refuses.",
            "Redirect to a URL without user:password@.",
        )
    return None


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
