"""Each Fetch-standard scenario class against a real loopback server with hand-written headers, judged by `check`'s
probe and, where Chromium is installed, by Chromium itself from a page on the same origin: the two must agree, except
where Chromium is laxer than the standard (then `check` keeps the strict answer and the case says so)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from fastapi_cors_scaffold.browser import Request, Verdict
from fastapi_cors_scaffold.chromium import Pages
from fastapi_cors_scaffold.probe import check
from tests.support.fetch_scenarios import LONG_ACCEPT, PAGE, Quirky, Servers, quirky_servers

if TYPE_CHECKING:
    from playwright.sync_api import Browser


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


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with quirky_servers() as running:
        yield running


@pytest.fixture(scope="module")
def pages(chromium_browser: Browser) -> Iterator[Pages]:
    opened = Pages(chromium_browser)
    yield opened
    opened.close()


def request_for(case: Case, servers: Servers) -> Request:
    """The case's request; the query names the case, so no case meets a preflight another one left in the cache."""
    url = f"{servers.base}{case.path}?case={list(CASES.values()).index(case)}"
    return Request(url, case.origin, case.method, case.headers, case.credentials, case.read)


def said(verdict: Verdict) -> str:
    problem = verdict.problem
    return " ".join([*(verdict.all_notes), problem.message if problem else "", problem.fix if problem else ""])


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_check_judges_the_scenario_as_the_fetch_standard_does(case: Case, servers: Servers) -> None:
    verdict = check(request_for(case, servers), timeout=5)

    assert verdict.allowed is case.allowed, said(verdict)
    if case.fragment == "No preflight":
        assert not verdict.preflighted
    elif case.fragment:
        assert case.fragment in said(verdict)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_chromium_agrees_with_check(case: Case, servers: Servers, pages: Pages) -> None:
    seen = pages.fetch(request_for(case, servers), timeout=5)

    assert (seen.local_network is not None) is case.chromium_names_local_network, seen
    if case.chromium_laxer:
        assert seen.allowed and not case.allowed, f"Chromium is no longer laxer here: {seen}"
    else:
        assert seen.allowed is case.allowed, seen
    if not seen.allowed and not case.read:
        assert seen.cors_message is not None, seen  # blocked by CORS, not by a failed connection


def test_a_cross_origin_redirect_sends_origin_null_and_the_fix_does_not_trust_null(servers: Servers) -> None:
    Quirky.seen.clear()
    verdict = check(request_for(CASES["cross-origin-redirect-to-exact-origin"], servers), timeout=5)

    assert [headers["Origin"] for _, _, headers in Quirky.seen] == [PAGE, "null"]
    assert verdict.problem is not None
    assert "Add 'null'" not in verdict.problem.fix and "final URL" in verdict.problem.fix


def test_a_redirect_loop_gives_each_note_once(servers: Servers) -> None:
    verdict = check(request_for(CASES["redirect-loop"], servers), timeout=5)

    assert len(verdict.steps) == 21
    assert len(verdict.all_notes) == len(set(verdict.all_notes)) == 2  # the redirect, and the missing Vary: Origin


def test_the_request_after_a_204_with_a_body_is_read_cleanly(servers: Servers) -> None:
    Quirky.seen.clear()
    verdict = check(request_for(CASES["preflight-204-with-a-body"], servers), timeout=5)

    assert [step.response.status for step in verdict.steps] == [204, 200]
    assert [method for method, _, _ in Quirky.seen] == ["OPTIONS", "PUT"]


def test_a_latin_1_value_reaches_the_server_as_latin_1(servers: Servers) -> None:
    Quirky.seen.clear()
    check(request_for(CASES["latin-1-header-value"], servers), timeout=5)

    assert Quirky.seen[-1][2]["X-Uni"] == "héllo"  # http.server decodes headers as Latin-1


def test_local_network_access_is_a_finding_of_its_own(servers: Servers, pages: Pages) -> None:
    """A page on a public http origin calling loopback: CORS allows it, Chromium's Local Network Access does not."""
    request = Request(f"{servers.base}/star?case=local-network", "http://app.example.com")

    verdict = check(request, timeout=5)
    seen = pages.fetch(request, timeout=5)

    assert verdict.allowed
    assert any(note.startswith("Local Network Access, not CORS") for note in verdict.all_notes)
    assert not seen.allowed and seen.local_network is not None
    assert "not a secure context" in seen.local_network
