"""`check --browser`: the same request made by headless Chromium, driven by Playwright, from a page on ORIGIN.

Playwright is an optional extra (`fastapi-cors-scaffold[browser]`) and drives the Chromium or Chrome already installed;
it downloads nothing. The page on ORIGIN is served by intercepting its URL, so any origin, http or https, works without
a server or a certificate. `run` gives the request a fresh browser context (no cookies, no cached preflight); `Pages`
keeps one context for many requests, as the tests make. The browser's verdict is shown beside `check`'s strict one,
never instead of it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from fastapi_cors_scaffold.errors import BrowserUnavailable
from fastapi_cors_scaffold.fetch.verdict import Request

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame

EXECUTABLE_VARIABLE = "FASTAPI_CORS_SCAFFOLD_CHROMIUM"
EXECUTABLES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = (
    "--browser needs Chromium or Chrome installed (e.g. apt-get install chromium), or its path in "
    f"{EXECUTABLE_VARIABLE}."
)
NO_PLAYWRIGHT = (
    "--browser needs Playwright: pip install 'fastapi-cors-scaffold[browser]' (it uses the installed Chromium)."
)
PAGE = '<!doctype html><title>fastapi-cors-scaffold check</title><link rel="icon" href="data:,">'  # no favicon request
NULL_PARENT = "https://sandbox-parent.invalid"
LOCAL_NETWORK_MARK = "address space"
FETCH = """
async ([url, init, names, milliseconds]) => {
  try {
    const response = await fetch(url, {...init, signal: AbortSignal.timeout(milliseconds)});
    const headers = Object.fromEntries(names.map((name) => [name, response.headers.get(name)]));
    return {status: response.status, headers};
  } catch (error) {
    return {error: String(error)};
  }
}
"""


@dataclass(frozen=True)
class Seen:
    """What `fetch()` in the page got: the status, or the error the script saw; the console's error lines; each header
    the script tried to read (None: it could not)."""

    status: int | None
    error: str | None
    console: tuple[str, ...] = ()
    headers: dict[str, str | None] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return self.error is None and all(value is not None for value in self.headers.values())

    @property
    def local_network(self) -> str | None:
        """The console line when Chromium's Local Network Access, not CORS, stopped the request."""
        return next((line for line in self.console if LOCAL_NETWORK_MARK in line), None)

    @property
    def cors_message(self) -> str | None:
        return next((line for line in self.console if "CORS policy" in line), None)


def find_chromium() -> str:
    """The browser to drive: $FASTAPI_CORS_SCAFFOLD_CHROMIUM, else the first Chromium or Chrome on PATH."""
    configured = os.environ.get(EXECUTABLE_VARIABLE)
    if configured:
        if not os.access(configured, os.X_OK):
            raise BrowserUnavailable(f"{EXECUTABLE_VARIABLE}={configured} is not an executable browser.")
        return configured
    found = next((path for name in EXECUTABLES if (path := shutil.which(name))), None)
    if found is None:
        raise BrowserUnavailable(NO_BROWSER)
    return found


@contextmanager
def chromium(executable: str | None = None) -> Iterator[Browser]:
    """One headless browser for as many requests as needed (starting it is the slow part)."""
    path = executable or find_chromium()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise BrowserUnavailable(NO_PLAYWRIGHT) from None
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=path, headless=True)
        except Error as error:
            raise BrowserUnavailable(f"{path} did not start as a headless browser: {_first_line(error)}") from None
        try:
            yield browser
        except Error as error:
            raise BrowserUnavailable(f"Chromium failed: {_first_line(error)}") from None
        finally:
            browser.close()


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def run_once(request: Request) -> Seen:
    """The request in a headless Chromium started for it alone (`check --browser`)."""
    with chromium() as browser:
        return run(browser, request)


def run(browser: Browser, request: Request) -> Seen:
    """`fetch()` the request from a page on `request.origin` in a fresh context: no cookies, no cached preflight."""
    pages = Pages(browser)
    try:
        return pages.fetch(request)
    finally:
        pages.close()


class Pages:
    """Pages on any origin in one browser context, kept for further requests (opening a page is the slow part).
    The context caches preflights and keeps cookies, as a real browser does: vary the URL to avoid a cached one."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context()
        # As if the user allowed Local Network Access; an outright block still shows in the console. Older
        # Playwright or Chromium know no such permission, and then there is nothing to grant.
        with suppress(Exception):
            self.context.grant_permissions(["local-network-access"])
        self.frames: dict[str, Frame] = {}
        self.console: list[str] = []

    def fetch(self, request: Request) -> Seen:
        """`fetch()` the request as the page's own code would write it."""
        frame = self.frames.get(request.origin) or self._open(request.origin)
        self.console.clear()
        init: dict[str, Any] = {"method": request.method, "headers": [list(pair) for pair in request.headers]}
        if request.credentials:
            init["credentials"] = "include"
        result = frame.evaluate(FETCH, [request.url, init, list(request.read), int(request.timeout * 1000)])
        frame.page.evaluate("0")  # one more round trip: console messages sent before the answer have all arrived
        return Seen(result.get("status"), result.get("error"), tuple(self.console), result.get("headers") or {})

    def close(self) -> None:
        self.context.close()

    def _open(self, origin: str) -> Frame:
        """A page on `origin`, served by intercepting its URL; 'null' is the origin of a sandboxed iframe, here in a
        page of a secure origin as it usually is."""
        page = self.context.new_page()
        page.on("console", lambda message: self.console.append(message.text) if message.type == "error" else None)
        null = origin == "null"
        url = f"{NULL_PARENT if null else origin}/"
        body = f'{PAGE}<iframe sandbox="allow-scripts" srcdoc="{escape(PAGE)}"></iframe>' if null else PAGE
        page.route(url, lambda route: route.fulfill(content_type="text/html", body=body))
        page.goto(url)
        page.unroute_all()  # while a route is set, Playwright answers CORS preflights itself
        frame = page.frames[1] if null else page.main_frame
        self.frames[origin] = frame
        return frame
