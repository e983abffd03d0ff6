"""`check`, as the installed command, against hand-written services run as uvicorn processes on loopback: it reports
the forged form POST that ran and the WebSocket any site opens on the unguarded one, and both refused on the guarded
one; each service's count of transfers shows what really ran, and Chromium, from a page on the foreign origin, does
what check says."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx2
import pytest

from fastapi_cors_scaffold.fetch.chromium import Pages
from fastapi_cors_scaffold.fetch.verdict import Request
from tests.support.cli import run_cli
from tests.support.paths import BIN, REPOSITORY
from tests.support.servers import answering, free_port, start_server

FOREIGN = "https://evil.example"
# A foreign page Chromium can open without a Local Network Access prompt: loopback, and cross-site to 127.0.0.1.
FOREIGN_LOOPBACK = "http://localhost:9999"
OPEN_SOCKET = """
(url) => new Promise((resolve) => {
  const socket = new WebSocket(url);
  socket.onopen = () => { socket.close(); resolve("open"); };
  socket.onerror = () => resolve("error");
})
"""

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@contextmanager
def service(factory: str) -> Iterator[str]:
    port = free_port()
    command = [str(BIN / "python"), "-m", "uvicorn", "--factory", f"tests.support.forgery_apps:{factory}"]
    process = start_server([*command, "--host", "127.0.0.1", "--port", str(port)], REPOSITORY, os.environ)
    url = f"http://127.0.0.1:{port}"
    with answering(process, f"{url}/transfers"):
        yield url


def transfers(url: str) -> int:
    return int(httpx2.get(f"{url}/transfers").json()["transfers"])


def forge(
    url: str, cwd: Path, origin: str = FOREIGN, body: str = "application/x-www-form-urlencoded"
) -> tuple[dict[str, object], int, str]:
    """A page on a foreign site posts a form (or text) to the service, and opens its WebSocket: what check says."""
    post = run_cli(
        "check", f"{url}/transfer", "--origin", origin, "-m", "POST", "-H", f"Content-Type: {body}", "--json", cwd=cwd
    )
    assert post.returncode == 1, post.stdout + post.stderr
    socket = run_cli("check", f"{url.replace('http://', 'ws://')}/ws", "--origin", origin, cwd=cwd)
    assert socket.returncode in (0, 1), socket.stderr
    return json.loads(post.stdout)["effect"], socket.returncode, " ".join(socket.stdout.split())


@pytest.mark.parametrize("factory", ["unguarded", "guarded"])
def test_check_reports_what_reached_the_server(factory: str, tmp_path: Path) -> None:
    with service(factory) as url:
        before = transfers(url)
        effect, socket_code, socket = forge(url, tmp_path)
        ran = transfers(url) - before

    if factory == "unguarded":
        assert effect["ran"] is True and effect["status"] == 200 and ran == 1
        assert socket_code == 0 and "A page on https://evil.example can open this socket." in socket
    else:
        assert effect["ran"] is False and effect["status"] == 403 and ran == 0
        assert socket_code == 1 and "cannot open this socket: the server refused the handshake (403)" in socket


@pytest.mark.parametrize("factory", ["unguarded", "guarded"])
def test_chromium_does_what_check_says(factory: str, chromium_browser: Browser, tmp_path: Path) -> None:
    text_plain = (("Content-Type", "text/plain"),)
    with service(factory) as url:
        pages = Pages(chromium_browser)
        try:
            before = transfers(url)
            seen = pages.fetch(Request(f"{url}/transfer", FOREIGN_LOOPBACK, "POST", text_plain))
            ran_in_chromium = transfers(url) - before
            opened = pages.frames[FOREIGN_LOOPBACK].evaluate(OPEN_SOCKET, f"{url.replace('http://', 'ws://')}/ws")
        finally:
            pages.close()
        effect, socket_code, _ = forge(url, tmp_path, FOREIGN_LOOPBACK, "text/plain")

    assert seen.allowed is False, "CORS hides the answer from the page either way"
    assert effect["ran"] is (ran_in_chromium == 1)
    assert (socket_code == 0) is (opened == "open")
    assert (opened == "open") is (factory == "unguarded")
