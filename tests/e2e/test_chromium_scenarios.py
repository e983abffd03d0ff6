"""Each Fetch-standard scenario class against a real loopback server with hand-written headers, judged by Chromium
itself from a page on the same origin: it must agree with `check`'s probe (tests/unit/test_probe_scenarios.py), except
where Chromium is laxer than the standard (then `check` keeps the strict answer and the case says so)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from fastapi_cors_scaffold.fetch.chromium import Pages
from fastapi_cors_scaffold.fetch.probe import check
from fastapi_cors_scaffold.fetch.verdict import Request
from tests.support.fetch_scenarios import CASES, Case, Servers, quirky_servers, request_for

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with quirky_servers() as running:
        yield running


@pytest.fixture(scope="module")
def pages(chromium_browser: Browser) -> Iterator[Pages]:
    opened = Pages(chromium_browser)
    yield opened
    opened.close()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_chromium_agrees_with_check(case: Case, servers: Servers, pages: Pages) -> None:
    seen = pages.fetch(request_for(case, servers))

    assert (seen.local_network is not None) is case.chromium_names_local_network, seen
    if case.chromium_laxer:
        assert seen.allowed and not case.allowed, f"Chromium is no longer laxer here: {seen}"
    else:
        assert seen.allowed is case.allowed, seen
    if not seen.allowed and not case.read:
        assert seen.cors_message is not None, seen  # blocked by CORS, not by a failed connection


def test_local_network_access_is_a_finding_of_its_own(servers: Servers, pages: Pages) -> None:
    """A page on a public http origin calling loopback: CORS allows it, Chromium's Local Network Access does not."""
    request = Request(f"{servers.base}/star?case=local-network", "http://app.example.com", timeout=5)

    verdict = check(request)
    seen = pages.fetch(request)

    assert verdict.allowed
    assert any(note.startswith("Local Network Access, not CORS") for note in verdict.all_notes)
    assert not seen.allowed and seen.local_network is not None
    assert "not a secure context" in seen.local_network
