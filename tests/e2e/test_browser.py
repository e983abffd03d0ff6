"""What a real browser allows against generated services: the only judge of CORS that matters.

Headless Chromium runs `fetch()` from small pages served on other loopback origins (another port, and `localhost`
against `127.0.0.1`) and each test asserts what the script could or could not read. The browser is the system's
Chromium driven by Playwright, the library `check --browser` uses, shared by the whole test session; nothing downloads
a browser. Test-only routes live in a small app module written next to each rendered project: the generated code stays
as generated.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.support.paths import BIN
from tests.support.rendering import render
from tests.support.servers import answering, free_port, serve_handler, start_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser as Chromium
    from playwright.sync_api import Page as Tab

CORS_ERROR = "has been blocked by CORS policy"
PREFLIGHT_REFUSED = "Response to preflight request doesn't pass access control check"


def http_get(url: str) -> tuple[int, dict[str, str], str]:
    """A plain request from Python, which ignores CORS: what the server really sent."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, lower_keys(response.headers.items()), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, lower_keys(error.headers.items()), error.read().decode()


def lower_keys(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


# --- the browser -------------------------------------------------------------------------------------------------

FETCH = """
async ([url, init, names]) => {
  try {
    const response = await fetch(url, init);
    return {
      status: response.status,
      body: await response.text(),
      headers: Object.fromEntries(names.map((name) => [name, response.headers.get(name)])),
      redirected: response.redirected,
      url: response.url,
    };
  } catch (error) {
    return {error: String(error)};
  }
}
"""


SUBMIT = """
([url, fields]) => {
  const form = Object.assign(document.createElement("form"), {method: "POST", action: url});
  for (const [name, value] of Object.entries(fields)) {
    form.append(Object.assign(document.createElement("input"), {name, value}));
  }
  document.body.append(form);
  form.submit();
}
"""

OPEN_SOCKET = """
(url) => new Promise((resolve) => {
  const socket = new WebSocket(url);
  socket.onmessage = (event) => { resolve({body: event.data}); socket.close(); };
  socket.onerror = () => resolve({error: "WebSocket error"});
})
"""


@dataclass
class Outcome:
    """What the page's script saw, and what the browser wrote to the console meanwhile."""

    status: int | None = None
    body: str | None = None
    headers: dict[str, str | None] = field(default_factory=dict)
    redirected: bool = False
    url: str = ""
    error: str | None = None
    console: list[str] = field(default_factory=list)

    @property
    def blocked_by_cors(self) -> bool:
        """Script got a network error and the console names CORS: a refusal, not a server or network failure."""
        return self.error == "TypeError: Failed to fetch" and any(CORS_ERROR in line for line in self.console)


class Browser:
    """One browser context (cookies and cached preflights kept between fetches, as in one tab's session) with a page
    per origin, in the session's headless Chromium."""

    def __init__(self, chromium: Chromium) -> None:
        self.context = chromium.new_context()
        self.pages: dict[str, Tab] = {}
        self.messages: list[str] = []

    def fetch(self, page: str, url: str, init: dict[str, Any] | None = None, read: tuple[str, ...] = ()) -> Outcome:
        """Run `fetch(url, init)` in a page of origin `page`; `read` names response headers the script tries to read."""
        return self.run(page, FETCH, [url, init or {}, list(read)])

    def run(self, page: str, script: str, argument: Any) -> Outcome:
        """Evaluate `script` in the page of origin `page`, opened on first use, with the console it wrote meanwhile."""
        if page not in self.pages:
            opened = self.context.new_page()
            opened.on("console", lambda message: self.messages.append(message.text))
            opened.goto(page + "/")
            self.pages[page] = opened
        self.messages.clear()
        result = self.pages[page].evaluate(script, argument)
        self.pages[page].evaluate("0")  # one more round trip: the console messages sent meanwhile have arrived
        return Outcome(**result, console=list(self.messages))

    def submit_form(self, page: str, url: str, fields: dict[str, str]) -> tuple[int, str]:
        """Submit an HTML form from a fresh page of origin `page`, as a site's page can: the status and text the
        browser then shows."""
        tab = self.context.new_page()
        try:
            tab.goto(page + "/")
            with tab.expect_navigation() as navigation:
                tab.evaluate(SUBMIT, [url, fields])
            response = navigation.value
            return (response.status if response else 0), tab.inner_text("body")
        finally:
            tab.close()

    def open_socket(self, page: str, url: str) -> Outcome:
        """Open a WebSocket from a page of origin `page`: `body` is its first message; `error` if it never opened."""
        return self.run(page, OPEN_SOCKET, url)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def browser(chromium_browser: Chromium) -> Iterator[Browser]:
    session = Browser(chromium_browser)
    try:
        yield session
    finally:
        session.close()


# --- pages on other origins --------------------------------------------------------------------------------------


class Page(BaseHTTPRequestHandler):
    """An empty HTML page: all a script needs to have an origin."""

    def do_GET(self) -> None:
        body = b'<!doctype html><title>page</title><link rel="icon" href="data:,">'
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass(frozen=True)
class Pages:
    """Page origins: `allowed` is in the services' allowlists; the others differ only by host or by port."""

    allowed: str
    other_host: str
    other_port: str


@pytest.fixture(scope="module")
def pages() -> Iterator[Pages]:
    with serve_handler(Page) as main_url, serve_handler(Page) as other_url:
        main, other = (urlsplit(url).port for url in (main_url, other_url))
        yield Pages(f"http://localhost:{main}", f"http://127.0.0.1:{main}", f"http://localhost:{other}")


# --- generated services ------------------------------------------------------------------------------------------

APP_MODULE = '''
"""The generated app plus test-only routes, and the usual recipe beside it for contrast."""

from fastapi import FastAPI, Request, Response, WebSocket
from fastapi.responses import PlainTextResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from {package}.main import create_app
from {package}.settings import Settings

service = create_app()
deletions = []
transfers = []


@service.get("/cookie")
def set_cookie(response: Response) -> str:
    response.set_cookie("session", "s3cret", httponly=True)
    return "set"


@service.get("/whoami")
def whoami(request: Request) -> str | None:
    return request.cookies.get("session")


@service.put("/items/{{name}}")
async def put_item(name: str, request: Request) -> dict[str, object]:
    return {{"name": name, "json": await request.json()}}


@service.api_route("/echo", methods=["GET", "POST"])
def echo(request: Request) -> dict[str, object]:
    return {{"method": request.method, "request_id": request.headers.get("x-request-id")}}


@service.put("/slash/")
def put_with_slash() -> str:
    return "reached /slash/"


@service.delete("/items/{{name}}")
def delete_item(name: str) -> str:
    deletions.append(name)
    return "deleted"


@service.get("/deletions")
def count_deletions() -> int:
    return len(deletions)


@service.post("/transfer")
def transfer() -> str:
    transfers.append("service")
    return "transferred"


@service.websocket("/ws")
async def socket(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


@service.get("/transfers")
def count_transfers() -> list[str]:
    return transfers


@service.get("/headers")
def headers() -> Response:
    return PlainTextResponse("headers", headers={{"X-Request-Id": "req-1", "X-Secret": "not exposed"}})


@service.get("/boom")
def boom() -> None:
    raise RuntimeError("an unhandled error")


@service.get("/private")
def private() -> str:
    return "secret"


class RequireToken(BaseHTTPMiddleware):
    """What users add after the fact: answers 401 to anything under /private without a token."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path.startswith("/private") and "authorization" not in request.headers:
            return PlainTextResponse("no token", status_code=401)
        return await call_next(request)


service.add_middleware(RequireToken)

settings = Settings()
usual = FastAPI()
usual.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_allow_origins,
    allow_credentials=settings.cors_allow_credentials,
    allow_methods=settings.cors_allow_methods,
    allow_headers=settings.cors_allow_headers,
)


@usual.get("/usual/boom")
def usual_boom() -> None:
    raise RuntimeError("an unhandled error")


@usual.post("/usual/transfer")
def usual_transfer() -> str:
    transfers.append("usual")
    return "transferred"


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    target = usual if scope["type"] == "http" and scope["path"].startswith("/usual/") else service
    await target(scope, receive, send)
'''


@dataclass(frozen=True)
class Service:
    """A generated service running under uvicorn; `url` names it by `localhost` so cookies stay same-site."""

    url: str
    process: subprocess.Popen[str]


def start_service(directory: Path, answers: dict[str, Any]) -> Service:
    project = render(directory / "project", answers)
    package = next(path.name for path in (project / "src").iterdir() if (path / "main.py").is_file())
    (directory / "browser_app.py").write_text(textwrap.dedent(APP_MODULE).format(package=package))
    port = free_port()
    process = start_server(
        [str(BIN / "python"), "-m", "uvicorn", "browser_app:app", "--host", "127.0.0.1", "--port", str(port)],
        directory,
        {**os.environ, "PYTHONPATH": f"{project / 'src'}{os.pathsep}{directory}", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return Service(f"http://localhost:{port}", process)


@dataclass(frozen=True)
class Services:
    """`strict`: credentials, three methods, three request headers, one exposed header. `open`: no credentials, all
    methods and headers, nothing exposed. Both allow only the `allowed` page origin."""

    strict: str
    open: str


@pytest.fixture(scope="module")
def services(pages: Pages, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    answers = {
        "strict": {
            "project_name": "Browser Strict",
            "allow_origins": [pages.allowed],
            "allow_credentials": True,
            "allow_methods": ["GET", "POST", "PUT"],
            "allow_headers": ["Authorization", "Content-Type", "X-Request-Id"],
            "expose_headers": ["X-Request-Id"],
        },
        "open": {"project_name": "Browser Open", "allow_origins": [pages.allowed], "allow_credentials": False},
    }
    directories = {name: tmp_path_factory.mktemp(name) for name in answers}
    with ExitStack() as stack:
        running = {name: start_service(directories[name], answers[name]) for name in answers}
        for service in running.values():
            stack.callback(service.process.kill)  # the other one too, should one fail to start
        for service in running.values():
            stack.enter_context(answering(service.process, service.url.replace("localhost", "127.0.0.1") + "/home"))
        yield Services(running["strict"].url, running["open"].url)


# --- the tests ---------------------------------------------------------------------------------------------------


def test_simple_get_from_the_allowed_origin_reads_the_body(browser: Browser, pages: Pages, services: Services) -> None:
    outcome = browser.fetch(pages.allowed, services.strict + "/home")

    assert outcome.status == 200
    assert outcome.body == '"Hello World!"'


@pytest.mark.parametrize("page", ["other_host", "other_port"])
def test_simple_get_from_a_foreign_origin_is_a_cors_error(
    browser: Browser, pages: Pages, services: Services, page: str
) -> None:
    outcome = browser.fetch(getattr(pages, page), services.strict + "/home")

    assert outcome.blocked_by_cors, outcome
    assert "No 'Access-Control-Allow-Origin' header" in " ".join(outcome.console)


PREFLIGHTED = {
    "put": ("/items/box", {"method": "PUT", "body": '{"size": 3}'}, {"name": "box", "json": {"size": 3}}),
    "custom-header": ("/echo", {"headers": {"X-Request-Id": "req-7"}}, {"method": "GET", "request_id": "req-7"}),
    "json": (
        "/echo",
        {"method": "POST", "headers": {"Content-Type": "application/json"}, "body": "{}"},
        {"method": "POST", "request_id": None},
    ),
}


@pytest.mark.parametrize(("path", "init", "expected"), PREFLIGHTED.values(), ids=PREFLIGHTED.keys())
def test_a_preflighted_request_from_the_allowed_origin_succeeds(
    browser: Browser, pages: Pages, services: Services, path: str, init: dict[str, Any], expected: dict[str, Any]
) -> None:
    outcome = browser.fetch(pages.allowed, services.strict + path, init)

    assert outcome.status == 200, outcome
    assert json.loads(outcome.body or "") == expected


def test_preflight_refuses_a_method_that_is_not_allowed(browser: Browser, pages: Pages, services: Services) -> None:
    outcome = browser.fetch(pages.allowed, services.strict + "/items/box", {"method": "DELETE"})

    assert outcome.blocked_by_cors, outcome
    assert PREFLIGHT_REFUSED in " ".join(outcome.console)
    assert http_get(services.strict + "/deletions")[2] == "0", "the browser must not have sent the DELETE"


def test_preflight_refuses_a_header_that_is_not_allowed(browser: Browser, pages: Pages, services: Services) -> None:
    outcome = browser.fetch(pages.allowed, services.strict + "/home", {"headers": {"X-Not-Allowed": "1"}})

    assert outcome.blocked_by_cors, outcome
    assert PREFLIGHT_REFUSED in " ".join(outcome.console)


def test_credentials_carry_the_services_cookie_back(browser: Browser, pages: Pages, services: Services) -> None:
    include = {"credentials": "include"}

    set_cookie = browser.fetch(pages.allowed, services.strict + "/cookie", include)
    with_cookie = browser.fetch(pages.allowed, services.strict + "/whoami", include)
    without_credentials = browser.fetch(pages.allowed, services.strict + "/whoami", {"credentials": "omit"})

    assert set_cookie.status == 200, set_cookie
    assert with_cookie.body == '"s3cret"', with_cookie
    assert without_credentials.body == "null", without_credentials


def test_credentials_are_refused_when_not_allowed(browser: Browser, pages: Pages, services: Services) -> None:
    with_credentials = browser.fetch(pages.allowed, services.open + "/home", {"credentials": "include"})
    without_credentials = browser.fetch(pages.allowed, services.open + "/home")

    assert with_credentials.blocked_by_cors, with_credentials
    assert "Access-Control-Allow-Credentials" in " ".join(with_credentials.console)
    assert without_credentials.status == 200, without_credentials


def test_a_header_is_readable_only_when_exposed(browser: Browser, pages: Pages, services: Services) -> None:
    read = ("X-Request-Id", "X-Secret", "Content-Type")

    exposing = browser.fetch(pages.allowed, services.strict + "/headers", read=read)
    not_exposing = browser.fetch(pages.allowed, services.open + "/headers", read=read)

    assert http_get(services.open + "/headers")[1]["x-request-id"] == "req-1", "the server does send it"
    assert exposing.headers == {"X-Request-Id": "req-1", "X-Secret": None, "Content-Type": "text/plain; charset=utf-8"}
    assert not_exposing.headers == {"X-Request-Id": None, "X-Secret": None, "Content-Type": "text/plain; charset=utf-8"}


def test_an_unhandled_error_is_a_500_the_script_can_read(browser: Browser, pages: Pages, services: Services) -> None:
    outcome = browser.fetch(pages.allowed, services.strict + "/boom")

    assert outcome.status == 500, outcome
    assert outcome.body == "Internal Server Error"
    assert not any(CORS_ERROR in line for line in outcome.console)


def test_the_usual_recipe_turns_the_same_500_into_a_cors_error(
    browser: Browser, pages: Pages, services: Services
) -> None:
    """The control for the test above: with CORSMiddleware added the usual way the browser hides the 500."""
    outcome = browser.fetch(pages.allowed, services.strict + "/usual/boom")

    assert outcome.blocked_by_cors, outcome


def test_a_middleware_added_later_neither_blocks_preflights_nor_hides_its_401(
    browser: Browser, pages: Pages, services: Services
) -> None:
    with_token = browser.fetch(pages.allowed, services.strict + "/private", {"headers": {"Authorization": "Bearer t"}})
    without_token = browser.fetch(pages.allowed, services.strict + "/private")

    assert with_token.status == 200, with_token
    assert with_token.body == '"secret"'
    assert without_token.status == 401, without_token
    assert without_token.body == "no token"


def test_a_preflighted_request_to_a_redirecting_path_follows_the_redirect(
    browser: Browser, pages: Pages, services: Services
) -> None:
    """The preflight is answered where it lands; the PUT is redirected (307) to /slash/, preflighted again, sent."""
    init = {"method": "PUT", "headers": {"Content-Type": "application/json"}, "body": "{}"}

    outcome = browser.fetch(pages.allowed, services.strict + "/slash", init)

    assert outcome.status == 200, outcome
    assert outcome.body == '"reached /slash/"'
    assert outcome.redirected
    assert outcome.url == services.strict + "/slash/"


# --- what CORS does not stop: the cross-origin guard ------------------------------------------------------------


def transfers(services: Services) -> list[str]:
    return json.loads(http_get(services.strict + "/transfers")[2])


@pytest.mark.parametrize("page", ["other_host", "other_port"])
def test_a_form_posted_from_a_foreign_page_never_runs_the_route(
    browser: Browser, pages: Pages, services: Services, page: str
) -> None:
    before = transfers(services)

    status, shown = browser.submit_form(getattr(pages, page), services.strict + "/transfer", {"amount": "100"})

    assert status == 403
    assert "Cross-origin request refused" in shown
    assert transfers(services) == before


def test_a_text_plain_fetch_from_a_foreign_page_never_runs_the_route(
    browser: Browser, pages: Pages, services: Services
) -> None:
    """A simple request: no preflight, so without the guard the route runs and CORS only hides the answer (the
    usual recipe, the control)."""
    init = {"method": "POST", "headers": {"Content-Type": "text/plain"}, "body": "amount=100", "credentials": "include"}
    before = transfers(services)

    guarded = browser.fetch(pages.other_host, services.strict + "/transfer", init)
    usual = browser.fetch(pages.other_host, services.strict + "/usual/transfer", init)

    assert guarded.blocked_by_cors and usual.blocked_by_cors, (guarded, usual)
    assert transfers(services) == [*before, "usual"], (
        "the browser sent both; only the guard kept the route from running"
    )


def test_the_trusted_pages_credentialed_json_post_still_works(
    browser: Browser, pages: Pages, services: Services
) -> None:
    init = {
        "method": "POST",
        "headers": {"Content-Type": "application/json"},
        "body": '{"amount": 100}',
        "credentials": "include",
    }
    before = transfers(services)

    outcome = browser.fetch(pages.allowed, services.strict + "/transfer", init)

    assert outcome.status == 200, outcome
    assert outcome.body == '"transferred"'
    assert transfers(services) == [*before, "service"]


def test_a_websocket_opens_from_the_trusted_page_only(browser: Browser, pages: Pages, services: Services) -> None:
    url = services.strict.replace("http://", "ws://") + "/ws"

    trusted = browser.open_socket(pages.allowed, url)
    foreign = browser.open_socket(pages.other_port, url)

    assert trusted.body == "hello", trusted
    assert foreign.error, foreign
    assert any("403" in line for line in foreign.console), foreign.console
