"""`check --browser` beside the headless Chromium it drives: the browser's verdict is shown next to the strict one."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from fastapi_cors_scaffold.fetch.chromium import EXECUTABLES
from tests.support.check_servers import HandWritten, starlette_app
from tests.support.cli import run_cli
from tests.support.fetch_scenarios import PAGE
from tests.support.servers import serve_asgi, serve_handler


@pytest.fixture(scope="module")
def urls() -> Iterator[tuple[str, str]]:
    """The Starlette app's and the hand-written server's base URLs."""
    with ExitStack() as stack:
        yield stack.enter_context(serve_asgi(starlette_app())), stack.enter_context(serve_handler(HandWritten))


@pytest.mark.skipif(not any(map(shutil.which, EXECUTABLES)), reason="needs Chromium (apt-get install chromium)")
def test_browser_shows_chromiums_verdict_beside_checks(urls: tuple[str, str], tmp_path: Path) -> None:
    """As the installed script: Playwright's sync API refuses to start inside a process already running it, as this
    worker may be for the session's Chromium."""
    starlette_url, handwritten_url = urls
    agreeing = run_cli(
        "check", f"{starlette_url}/items/", "--origin", "https://other.example.com", "--browser", cwd=tmp_path
    )
    differing = run_cli(
        "check",
        f"{handwritten_url}/wildcard",
        "--origin",
        PAGE,
        "-H",
        "Authorization: Bearer t",
        "--browser",
        "--json",
        cwd=tmp_path,
    )

    assert agreeing.returncode == 1, agreeing.stdout + agreeing.stderr
    assert "Chromium: blocked" in agreeing.stdout and "Chromium console: Access to fetch" in agreeing.stdout
    assert "Chromium agrees with check." in agreeing.stdout
    report = json.loads(differing.stdout)
    assert differing.returncode == 1, "the exit status follows the strict verdict"
    assert report["allowed"] is False and report["browser"]["allowed"] is True
    assert report["browser"]["agrees"] is False and "Chromium allows" in report["browser"]["summary"]
