"""Each Fetch-standard scenario class against a real loopback server with hand-written headers (in a thread), judged
by `check`'s probe as the standard does; tests/e2e/test_chromium_scenarios.py asks Chromium the same."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fastapi_cors_scaffold.fetch.probe import check
from tests.support.fetch_scenarios import CASES, PAGE, Case, Quirky, Servers, quirky_servers, request_for, said


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with quirky_servers() as running:
        yield running


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_check_judges_the_scenario_as_the_fetch_standard_does(case: Case, servers: Servers) -> None:
    verdict = check(request_for(case, servers))

    assert verdict.allowed is case.allowed, said(verdict)
    if case.fragment == "No preflight":
        assert not verdict.preflighted
    elif case.fragment:
        assert case.fragment in said(verdict)


def test_a_cross_origin_redirect_sends_origin_null_and_the_fix_does_not_trust_null(servers: Servers) -> None:
    Quirky.seen.clear()
    verdict = check(request_for(CASES["cross-origin-redirect-to-exact-origin"], servers))

    assert [headers["Origin"] for _, _, headers in Quirky.seen] == [PAGE, "null"]
    assert verdict.problem is not None
    assert "Add 'null'" not in verdict.problem.fix and "final URL" in verdict.problem.fix


def test_a_redirect_loop_gives_each_note_once(servers: Servers) -> None:
    verdict = check(request_for(CASES["redirect-loop"], servers))

    assert len(verdict.steps) == 21
    assert len(verdict.all_notes) == len(set(verdict.all_notes)) == 2  # the redirect, and the missing Vary: Origin


def test_the_request_after_a_204_with_a_body_is_read_cleanly(servers: Servers) -> None:
    Quirky.seen.clear()
    verdict = check(request_for(CASES["preflight-204-with-a-body"], servers))

    assert [step.response.status for step in verdict.steps] == [204, 200]
    assert [method for method, _, _ in Quirky.seen] == ["OPTIONS", "PUT"]


def test_a_latin_1_value_reaches_the_server_as_latin_1(servers: Servers) -> None:
    Quirky.seen.clear()
    check(request_for(CASES["latin-1-header-value"], servers))

    assert Quirky.seen[-1][2]["X-Uni"] == "héllo"  # http.server decodes headers as Latin-1
