"""The end-to-end tests' expensive shared pieces: one headless Chromium and one mypy cache for the session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every generated project checked in a test session: the projects share most modules."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session, driven by Playwright (starting it is the slow part); the tests
    that need it are skipped where no Chromium is installed."""
    from fastapi_cors_scaffold.errors import BrowserUnavailable
    from fastapi_cors_scaffold.fetch.chromium import chromium

    with ExitStack() as stack:
        try:
            browser = stack.enter_context(chromium())
        except BrowserUnavailable as error:
            pytest.skip(f"{error} (.ci/run installs chromium)")
        yield browser
