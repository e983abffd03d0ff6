"""What a browser does with a cross-origin request, per the Fetch standard: pure functions over plain data.

`fetch` walks a request the way a browser does — a preflight when the request is not simple, then the request
itself, following redirects — asking a `send` function for each response and judging it with the standard's CORS
check and CORS-preflight check. No sockets here: `probe` supplies `send`, tests supply canned responses. Where a
browser is laxer than the standard, the verdict is the strict one and a note names the browsers that differ.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from fastapi_cors_scaffold.fetch.origins import origin_of
from fastapi_cors_scaffold.rules.checks import FORBIDDEN_METHODS, MESSAGES, NEVER_EXPOSED, NORMALIZED_METHODS

Headers = tuple[tuple[str, str], ...]

SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}
)
FORBIDDEN_RESPONSE_HEADERS = NEVER_EXPOSED
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
MAX_AGE_CAPS = (("Chromium", 7200), ("Firefox", 86400), ("WebKit", 600))
DEFAULT_MAX_AGE = 5
HTTP_WHITESPACE = " \t"

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
    read: tuple[str, ...] = ()


@dataclass(frozen=True)
class Response:
    """The parts of an HTTP response the CORS checks read; `body` is a short prefix, for error pages."""

    status: int
    headers: Headers = ()
    body: str = ""

    def fields(self, name: str) -> list[str]:
        """The value of every `name` header field, trimmed of HTTP whitespace as the Fetch standard does."""
        lowered = name.lower()
        return [value.strip(HTTP_WHITESPACE) for key, value in self.headers if key.lower() == lowered]

    def values(self, name: str) -> list[str]:
        """Every value of header `name`, split on commas as a header list is."""
        return [item.strip(HTTP_WHITESPACE) for field in self.fields(name) for item in field.split(",")]

    def get(self, name: str) -> str | None:
        """The header's values joined as one field, or None when absent."""
        found = self.fields(name)
        return ", ".join(found) if found else None

    def tokens(self, name: str) -> list[str] | None:
        """A list-of-tokens header (`Access-Control-Allow-Methods` and the like) as browsers parse it: empty items
        dropped, None when one item is not a token, which makes the whole header fail."""
        items = [item for item in self.values(name) if item]
        return items if all(is_token(item) for item in items) else None


@dataclass(frozen=True)
class Problem:
    """Why the browser refuses, in the words of the console, and the one change that fixes it."""

    message: str
    fix: str
    exposure: bool = False


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

    @property
    def all_notes(self) -> list[str]:
        """The verdict's notes and every step's, each once: a redirect loop repeats the same remarks."""
        return list(dict.fromkeys([*self.notes, *(note for step in self.steps for note in step.notes)]))

    @property
    def readable(self) -> dict[str, str | None]:
        """The value page code gets for each header of `request.read` from the final answer (None: it cannot)."""
        reached = all(problem.exposure for step in self.steps for problem in step.problems)
        if not self.steps or not reached:
            return dict.fromkeys(self.request.read)
        final = self.steps[-1].response
        return {name: readable_header(name, self.request.credentials, final) for name in self.request.read}


Send = Callable[[str, str, Headers], Response]


def is_token(name: str) -> bool:
    """Whether `name` can be a method or header name (an RFC 9110 token)."""
    return bool(_TOKEN.fullmatch(name))


def forbidden_method_reason(method: str) -> str | None:
    """Why `fetch()` refuses to send `method` at all, or None when it may."""
    if method.upper() in FORBIDDEN_METHODS:
        return f"fetch() refuses the method {method} (CONNECT, TRACE and TRACK are forbidden methods: it throws)"
    return None


def header_value_problem(value: str) -> str | None:
    """Why `fetch()` would refuse `value` as a header value (it throws), or None: Latin-1 such as 'héllo' is fine."""
    if any(ord(char) > 0xFF for char in value):
        return (
            "the value has characters outside Latin-1 (ISO-8859-1), which fetch() refuses in a header; "
            "percent-encode or base64 it"
        )
    if any(char in value for char in "\x00\r\n"):
        return "the value contains a NUL or line break, which fetch() refuses in a header"
    return None


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


def cors_problems(origin: str, credentials: bool, response: Response, tainted: bool = False) -> list[Problem]:
    """The CORS check: `Access-Control-Allow-Origin` is the exact origin (or `*` without credentials), and a
    credentialed request also needs `Access-Control-Allow-Credentials: true`; each header is one field, one value.
    `tainted`: a redirect to another origin made the browser send `Origin: null`."""
    fields = response.fields("Access-Control-Allow-Origin")
    if not fields:
        return [_missing_allow_origin(origin, response.status, tainted)]
    if len(fields) > 1 or "," in fields[0]:
        what = f"{len(fields)} Access-Control-Allow-Origin header fields" if len(fields) > 1 else "several values"
        return [
            Problem(
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
        return [Problem("Access-Control-Allow-Origin is '*', which browsers refuse for a credentialed request.", exact)]
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
                Problem(
                    f"The request is credentialed, but Access-Control-Allow-Credentials is {got}, not exactly 'true'.",
                    "Send one Access-Control-Allow-Credentials: true (allow_credentials=True), or drop "
                    "credentials: 'include' from the page's fetch() call.",
                )
            ]
    return []


def readable_header(name: str, credentials: bool, response: Response) -> str | None:
    """What `response.headers.get(name)` gives page code: safelisted headers always, others only when exposed
    (`*` exposes all only without credentials), `Set-Cookie` never; None when it cannot read it."""
    lowered = name.lower()
    value = response.get(name)
    if value is None or lowered in FORBIDDEN_RESPONSE_HEADERS:
        return None
    if lowered in SAFELISTED_RESPONSE_HEADERS:
        return value
    exposed = {item.lower() for item in response.tokens("Access-Control-Expose-Headers") or []}
    return value if lowered in exposed or ("*" in exposed and not credentials) else None


def exposure_problem(name: str, credentials: bool, response: Response) -> Problem | None:
    """Why page code cannot read response header `name`, with the fix; None when it can."""
    if readable_header(name, credentials, response) is not None:
        return None
    lowered = name.lower()
    if lowered in FORBIDDEN_RESPONSE_HEADERS:
        return Problem(
            f"Page code can never read {name}: browsers hide it from every response, even exposed.",
            "Let the browser keep the cookie (credentials: 'include' sends it back); put anything the page must read "
            "in the body or in another, exposed header.",
            exposure=True,
        )
    if response.get(name) is None:
        return Problem(
            f"The final answer has no {name} header, so page code reads null.",
            f"Make the server send {name} on this response.",
            exposure=True,
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
    return Problem(f"Page code cannot read {name}: it is not a safelisted response header and {why}.", fix, True)


def local_network_note(origin: str, url: str) -> str | None:
    """Chromium's Local Network Access: a page on a public origin calling a loopback or private address. Not CORS:
    no header the server sends changes it."""
    page, target = _address_space(urlsplit(origin).hostname), _address_space(urlsplit(url).hostname)
    order = {"public": 0, "local": 1, "loopback": 2}
    if origin == "null" or page is None or target is None or order[target] <= order[page]:
        return None
    insecure = urlsplit(origin).scheme != "https"
    return (
        f"Local Network Access, not CORS: a page on {origin} ({page} address) calling a {target} address. Chromium "
        + (
            "blocks it outright, because the page is not a secure context (not https)."
            if insecure
            else "asks the user's permission first and blocks the request if refused."
        )
        + " No CORS header changes this; serve the page and the API from the same kind of address."
    )


def preflight_problems(request: Request, origin: str, url: str, response: Response) -> tuple[list[Problem], list[str]]:
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
        problems = cors_problems(origin, request.credentials, answer, origin != request.origin)
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
    final = steps[-1]
    exposure = [
        problem for name in request.read if (problem := exposure_problem(name, request.credentials, final.response))
    ]
    if final.passed and exposure:
        steps[-1] = Step(final.kind, final.method, final.url, final.sent, final.response, tuple(exposure), final.notes)
    local = local_network_note(request.origin, request.url)
    return Verdict(request, tuple(steps), tuple([*notes, local] if local else notes))


def grants(origin: str, response: Response) -> tuple[bool, bool]:
    """(readable without credentials, readable with credentials) by a page on `origin`, from one answer."""
    return not cors_problems(origin, False, response), not cors_problems(origin, True, response)


def _becomes_get(status: int, method: str) -> bool:
    """A 303 turns anything but GET and HEAD into GET; a 301 or 302 does that to POST only."""
    return (status == 303 and method not in ("GET", "HEAD")) or (status in (301, 302) and method == "POST")


def _forbidden(name: str) -> bool:
    lowered = name.lower()
    return lowered in FORBIDDEN_HEADERS or lowered.startswith(("proxy-", "sec-"))


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


def _address_space(host: str | None) -> str | None:
    """Chromium's address space of a host written in the URL: loopback, local (private) or public."""
    if host is None:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "public"
    if address.is_loopback:
        return "loopback"
    return "local" if address.is_private or address.is_link_local else "public"


def _missing_allow_origin(origin: str, status: int, tainted: bool = False) -> Problem:
    if status >= 500:
        return Problem(
            f"The {status} answer has no Access-Control-Allow-Origin, so the page sees a CORS error instead of the "
            f"{status}.",
            "Keep the CORS headers on error responses: wrap the whole application in the CORS middleware "
            "(Starlette's ServerErrorMiddleware is outermost and answers 500s without them).",
        )
    return Problem(
        f"The answer has no Access-Control-Allow-Origin header: the server does not allow '{origin}'.",
        _sentence(_allow_fix(origin, tainted)),
    )


def _wrong_allow_origin(origin: str, value: str, tainted: bool = False) -> Problem:
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
    return Problem(f"Access-Control-Allow-Origin is {reason}; the browser needs exactly '{origin}'.", fix)


def _preflight_status_problem(request: Request, origin: str, method: str, url: str, response: Response) -> Problem:
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
        return _starlette_refusal(request, origin, method, refusal[1].split(", "))
    return Problem(
        f"The preflight got {status}; browsers need a 2xx answer to go on.",
        f"Make OPTIONS {_path(url)} answer 200 or 204 with the CORS headers.",
    )


def _starlette_refusal(request: Request, origin: str, method: str, parts: list[str]) -> Problem:
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
    return Problem(
        f"The server refused the preflight: 400 'Disallowed CORS {', '.join(parts)}' (Starlette's CORSMiddleware).",
        _sentence(" and ".join(fixes)),
    )


def _write_method_fix(method: str) -> str:
    return (
        f"write the method as '{method.upper()}' in the page's fetch() call: browsers upper-case only DELETE, GET, "
        f"HEAD, OPTIONS, POST and PUT, and servers compare methods case-sensitively"
    )


def _malformed_list(name: str, response: Response, example: str, setting: str) -> Problem:
    raw = response.get(name) or ""
    bad = [item for item in response.values(name) if item and not is_token(item)]
    return Problem(
        f"{name} '{raw}' does not parse: '{bad[0]}' is not a token, so browsers reject the whole header.",
        f"Send a comma-separated list of names, e.g. '{example}' ({setting} in Starlette writes it so).",
    )


def _method_problems(method: str, credentials: bool, response: Response) -> list[Problem]:
    parsed = response.tokens("Access-Control-Allow-Methods")
    if parsed is None:
        return [_malformed_list("Access-Control-Allow-Methods", response, "GET, PUT", "allow_methods")]
    methods = parsed
    if method in methods or method in SAFELISTED_METHODS or ("*" in methods and not credentials):
        return []
    if "*" in methods:
        return [
            Problem(
                "Access-Control-Allow-Methods is '*', which is only a wildcard for requests without credentials.",
                f"List {method} explicitly in Access-Control-Allow-Methods (Starlette's allow_methods=['*'] "
                "already sends the full list, which works with credentials).",
            )
        ]
    same_letters = [item for item in methods if item.upper() == method.upper()]
    if same_letters:
        return [
            Problem(
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
    return [Problem(f"{method} is not allowed: Access-Control-Allow-Methods lists {listed}.", fix)]


def _header_problems(request: Request, response: Response) -> tuple[list[Problem], list[str]]:
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
        Problem(
            f"The request header{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} not allowed: {why}.",
            f"List {', '.join(missing)} in the allowed headers (allow_headers; Starlette's ['*'] echoes the "
            "requested headers, which also works with credentials).",
        )
    ], notes


def _max_age_notes(response: Response) -> list[str]:
    """How long each browser caches this preflight (per origin, URL and credentials mode)."""
    raw = response.get("Access-Control-Max-Age")
    if raw is None:
        return [f"No Access-Control-Max-Age: browsers cache this preflight for {DEFAULT_MAX_AGE} s only."]
    if not raw.isdigit():
        return [f"Access-Control-Max-Age '{raw}' is not a number of seconds: browsers use {DEFAULT_MAX_AGE} s."]
    seconds = int(raw)
    if seconds == 0:
        return ["Access-Control-Max-Age 0: browsers send a preflight before every such request."]
    if seconds <= min(cap for _, cap in MAX_AGE_CAPS):
        return [f"Access-Control-Max-Age {seconds}: browsers cache this preflight for {seconds} s."]
    capped = ", ".join(f"{name} {min(seconds, cap)} s" for name, cap in MAX_AGE_CAPS)
    return [f"Access-Control-Max-Age {seconds}: browsers cache this preflight for {capped} (their caps)."]


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
