"""A loopback server that answers with hand-written CORS headers, one path per Fetch-standard scenario, and the cases:
what `check` and a browser must decide on each path.

The handler writes status line, headers and body byte for byte, so it can also misbehave the way real servers do
(a body after a 204 or a HEAD answer, two header fields where one is allowed). `{origin}` in a header value is replaced
by the request's Origin, `{other}` by the base URL of a second server (another origin).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar
from urllib.parse import urlsplit

from fastapi_cors_scaffold.fetch.verdict import Request, Verdict
from tests.support.servers import serve_handler

PAGE = "http://localhost:5173"
LONG_ACCEPT = "a" * 129


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b'{"ok": true}'


def cors(*extra: tuple[str, str], origin: str = "{origin}") -> tuple[tuple[str, str], ...]:
    return (("Access-Control-Allow-Origin", origin), ("Vary", "Origin"), *extra)


def preflight(
    methods: str = "", headers: str = "", *extra: tuple[str, str], status: int = 204, max_age: str = "600"
) -> Answer:
    """A preflight answer allowing `methods` and `headers`, cached for `max_age` seconds."""
    listed = [("Access-Control-Allow-Methods", methods)] if methods else []
    listed += [("Access-Control-Allow-Headers", headers)] if headers else []
    return Answer(status, cors(*listed, ("Access-Control-Max-Age", max_age), *extra), b"")


NO_PREFLIGHT = Answer(405, (), b"no OPTIONS here")
CREDENTIALS = ("Access-Control-Allow-Credentials", "true")

# path -> (answer to OPTIONS, answer to anything else)
ROUTES: dict[str, tuple[Answer, Answer]] = {
    "/plain": (NO_PREFLIGHT, Answer(200, cors())),
    "/none": (NO_PREFLIGHT, Answer(200, ())),
    "/delete": (preflight("DELETE"), Answer(200, cors())),
    "/preflight-200": (preflight("PUT", status=200), Answer(200, cors())),
    "/preflight-redirect": (Answer(307, cors(("Location", "/delete"))), Answer(200, cors())),
    "/preflight-403": (Answer(403, cors()), Answer(200, cors())),
    "/preflight-404": (Answer(404, ()), Answer(200, cors())),
    "/preflight-500": (Answer(500, cors()), Answer(200, cors())),
    "/redirect-after-preflight": (preflight("PUT"), Answer(307, cors(("Location", "/put-final")))),
    "/put-final": (preflight("PUT"), Answer(200, cors())),
    "/same-origin-redirect": (NO_PREFLIGHT, Answer(302, cors(("Location", "/plain")))),
    "/cross-origin-redirect-star": (NO_PREFLIGHT, Answer(302, cors(("Location", "{other}/star")))),
    "/cross-origin-redirect-page": (NO_PREFLIGHT, Answer(302, cors(("Location", "{other}/page-only")))),
    "/star": (NO_PREFLIGHT, Answer(200, cors(origin="*"))),
    "/page-only": (NO_PREFLIGHT, Answer(200, cors(origin=PAGE))),
    "/credentials": (NO_PREFLIGHT, Answer(200, cors(CREDENTIALS))),
    "/credentials-capital": (NO_PREFLIGHT, Answer(200, cors(("Access-Control-Allow-Credentials", "True")))),
    "/credentials-twice": (NO_PREFLIGHT, Answer(200, cors(CREDENTIALS, CREDENTIALS))),
    "/allow-origin-twice": (NO_PREFLIGHT, Answer(200, (*cors(), ("Access-Control-Allow-Origin", "{origin}")))),
    "/malformed-methods": (preflight("PUT, BAD METHOD"), Answer(200, cors())),
    "/malformed-headers": (preflight("GET", "x-token, bad header"), Answer(200, cors())),
    "/spaced-lists": (preflight("  GET ,\tPUT  ", " x-token ,, content-type "), Answer(200, cors())),
    "/star-methods": (preflight("*", "", CREDENTIALS), Answer(200, cors(CREDENTIALS))),
    "/star-headers": (preflight("GET", "*", CREDENTIALS), Answer(200, cors(CREDENTIALS))),
    "/lower-patch": (preflight("GET, PATCH"), Answer(200, cors())),
    "/x-uni": (preflight("GET", "x-uni"), Answer(200, cors())),
    "/exposed": (
        NO_PREFLIGHT,
        Answer(
            200,
            cors(
                CREDENTIALS,
                ("Content-Type", "application/json"),
                ("X-Total-Count", "42"),
                ("X-Hidden", "1"),
                ("Set-Cookie", "session=s3cret"),
                ("Access-Control-Expose-Headers", "X-Total-Count, Set-Cookie"),
            ),
        ),
    ),
    "/expose-star": (
        NO_PREFLIGHT,
        Answer(200, cors(CREDENTIALS, ("X-Total-Count", "42"), ("Access-Control-Expose-Headers", "*"))),
    ),
    "/expose-malformed": (
        NO_PREFLIGHT,
        Answer(200, cors(("X-Total-Count", "42"), ("Access-Control-Expose-Headers", "X-Total-Count, bad name"))),
    ),
    "/preflight-204-with-body": (
        Answer(204, cors(("Access-Control-Allow-Methods", "PUT"), ("Content-Length", "20")), b"stray bytes after 204"),
        Answer(200, cors()),
    ),
    "/head-redirect-with-body": (
        NO_PREFLIGHT,
        Answer(307, cors(("Location", "/plain"), ("Content-Length", "20")), b"stray bytes, on HEAD"),
    ),
    "/not-modified-with-body": (
        NO_PREFLIGHT,
        Answer(304, cors(("Content-Length", "20")), b"stray bytes, on 304"),
    ),
    "/loop": (NO_PREFLIGHT, Answer(302, (("Access-Control-Allow-Origin", "{origin}"), ("Location", "/loop")))),
    "/max-age-day": (preflight("PUT", max_age="86400"), Answer(200, cors())),
}


class Quirky(BaseHTTPRequestHandler):
    """Answers from ROUTES byte for byte, on keep-alive connections, quirks included."""

    protocol_version = "HTTP/1.1"
    other: ClassVar[str] = ""
    seen: ClassVar[list[tuple[str, str, dict[str, str]]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.answer()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.seen.append((self.command, self.path, dict(self.headers.items())))
        preflight_answer, actual = ROUTES.get(urlsplit(self.path).path, (Answer(404), Answer(404)))
        answer = preflight_answer if self.command == "OPTIONS" else actual
        origin = self.headers.get("Origin", "")
        lines = [f"HTTP/1.1 {answer.status} {self.responses.get(answer.status, ('Other',))[0]}"]
        names = {name.lower() for name, _ in answer.headers}
        for name, value in answer.headers:
            lines.append(f"{name}: {value.replace('{origin}', origin).replace('{other}', self.other)}")
        if "content-length" not in names and answer.status not in (204, 304):
            lines.append(f"Content-Length: {len(answer.body)}")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + answer.body)
        self.wfile.flush()


@dataclass(frozen=True)
class Servers:
    base: str
    other: str


@contextmanager
def quirky_servers() -> Iterator[Servers]:
    """Two servers with the same routes: `other` is another origin (another port) for cross-origin redirects."""
    with ExitStack() as stack:
        base = stack.enter_context(serve_handler(Quirky))
        other = stack.enter_context(serve_handler(Quirky))
        Quirky.other = other
        yield Servers(base, other)


# --- the scenarios: what `check` and Chromium must say for each path ---------------------------------------------


@dataclass(frozen=True)
class Case:
    path: str
    allowed: bool
    fragment: str = ""
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    read: tuple[str, ...] = ()
    origin: str = PAGE
    chromium_laxer: bool = False
    chromium_names_local_network: bool = False


X_TOKEN = (("X-Token", "1"),)


CASES = {
    "simple-get": Case("/plain", True, "No preflight"),
    "no-allow-origin": Case("/none", False, f"Add '{PAGE}' to the allowed origins"),
    "preflight-204": Case("/delete", True, "cache this preflight", "DELETE"),
    "preflight-200": Case("/preflight-200", True, method="PUT"),
    "preflight-redirect": Case("/preflight-redirect", False, "never follow a redirect on a preflight", "DELETE"),
    "preflight-403": Case("/preflight-403", False, "without cookies or Authorization", "PUT"),
    "preflight-404": Case("/preflight-404", False, "nothing handles the preflight", "PUT"),
    "preflight-500": Case("/preflight-500", False, "need a 2xx answer", "PUT"),
    "redirect-after-preflight": Case("/redirect-after-preflight", True, "follows the 307", "PUT"),
    "same-origin-redirect": Case("/same-origin-redirect", True, "follows the 302"),
    "cross-origin-redirect-to-star": Case("/cross-origin-redirect-star", True, "follows the 302"),
    "cross-origin-redirect-to-exact-origin": Case("/cross-origin-redirect-page", False, "'Origin: null'"),
    "credentials-true": Case("/credentials", True, credentials=True),
    "credentials-capitalised": Case("/credentials-capital", False, "is 'True', not exactly 'true'", credentials=True),
    "credentials-missing": Case("/plain", False, "is nothing, not exactly 'true'", credentials=True),
    "credentials-two-fields": Case("/credentials-twice", False, "2 header fields", credentials=True),
    "allow-origin-two-fields": Case("/allow-origin-twice", False, "2 Access-Control-Allow-Origin header fields"),
    "malformed-allow-methods": Case("/malformed-methods", False, "'BAD METHOD' is not a token", "PUT"),
    "malformed-allow-headers": Case("/malformed-headers", False, "'bad header' is not a token", headers=X_TOKEN),
    "lists-with-whitespace": Case(
        "/spaced-lists", True, method="PUT", headers=(*X_TOKEN, ("Content-Type", "application/json"))
    ),
    "star-methods": Case("/star-methods", True, method="PUT"),
    "star-methods-credentials": Case("/star-methods", False, "only a wildcard", "PUT", credentials=True),
    "star-headers": Case("/star-headers", True, headers=X_TOKEN),
    "star-headers-credentials": Case(
        "/star-headers", False, "only a wildcard without credentials", headers=X_TOKEN, credentials=True
    ),
    "star-headers-authorization": Case(
        "/star-headers",
        False,
        "never covers Authorization",
        headers=(("Authorization", "Bearer t"),),
        chromium_laxer=True,
    ),
    "content-type-text-plain": Case("/plain", True, "No preflight", "POST", (("Content-Type", "text/plain"),)),
    "content-type-json": Case(
        "/plain", False, "nothing handles the preflight", "POST", (("Content-Type", "application/json"),)
    ),
    "content-type-over-128-bytes": Case(
        "/plain", False, "nothing handles the preflight", "POST", (("Content-Type", f"text/plain; x={LONG_ACCEPT}"),)
    ),
    "accept-over-128-bytes": Case("/plain", False, "nothing handles the preflight", headers=(("Accept", LONG_ACCEPT),)),
    "read-safelisted": Case("/exposed", True, read=("Content-Type",)),
    "read-exposed": Case("/exposed", True, read=("X-Total-Count",), credentials=True),
    "read-not-exposed": Case("/exposed", False, "Add 'X-Hidden' to expose_headers", read=("X-Hidden",)),
    "read-set-cookie": Case("/exposed", False, "can never read Set-Cookie", read=("Set-Cookie",)),
    "expose-star": Case("/expose-star", True, read=("X-Total-Count",)),
    "expose-star-credentials": Case("/expose-star", False, "instead of '*'", read=("X-Total-Count",), credentials=True),
    "expose-malformed": Case("/expose-malformed", False, "not a list of header names", read=("X-Total-Count",)),
    "lower-case-patch": Case("/lower-patch", False, "the method as 'PATCH' in the page's fetch()", "patch"),
    "latin-1-header-value": Case("/x-uni", True, headers=(("X-Uni", "héllo"),)),
    "preflight-204-with-a-body": Case("/preflight-204-with-body", True, method="PUT"),
    "head-redirect-with-a-body": Case("/head-redirect-with-body", True, "follows the 307", "HEAD"),
    # Chromium (156) blocks the loop too, but its console blames Local Network Access, granted or not.
    "not-modified-with-a-body": Case("/not-modified-with-body", True),
    "redirect-loop": Case("/loop", False, "More than 20 redirects", chromium_names_local_network=True),
    "null-origin": Case("/page-only", False, "not trust 'null'", origin="null"),
    "max-age-caps": Case("/max-age-day", True, "Chromium 7200 s, Firefox 86400 s, WebKit 600 s", "PUT"),
}


def request_for(case: Case, servers: Servers) -> Request:
    """The case's request; the query names the case, so no case meets a preflight another one left in the cache."""
    url = f"{servers.base}{case.path}?case={list(CASES.values()).index(case)}"
    return Request(url, case.origin, case.method, case.headers, case.credentials, case.read, timeout=5)


def said(verdict: Verdict) -> str:
    problem = verdict.problem
    return " ".join([*(verdict.all_notes), problem.message if problem else "", problem.fix if problem else ""])
