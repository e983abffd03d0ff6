"""What reached the server, on canned answers: an unsafe simple request the page cannot read says whether it ran;
safe, preflighted and readable requests get no remark. And what every request says of its site (Fetch Metadata)."""

from __future__ import annotations

import pytest

from fastapi_cors_scaffold.fetch.effect import Effect, effect_of
from fastapi_cors_scaffold.fetch.http import Headers, Response, fetch_site
from fastapi_cors_scaffold.fetch.verdict import Request
from fastapi_cors_scaffold.fetch.walk import fetch
from tests.support.canned import API, PAGE, Server, allow

FORM = (("Content-Type", "application/x-www-form-urlencoded"),)


def effect(answers: dict[tuple[str, str], Response], method: str = "POST", headers: Headers = FORM) -> Effect | None:
    server = Server(answers)
    return effect_of(fetch(Request(f"{API}/items", PAGE, method, headers), server))


@pytest.mark.parametrize(
    ("status", "ran"),
    [(200, True), (201, True), (204, True), (303, True), (403, False), (401, None), (422, None), (500, None)],
)
def test_the_status_of_a_forged_post_says_whether_it_ran(status: int, ran: bool | None) -> None:
    found = effect({("POST", "/items"): Response(status, (("Location", "/done"),) if status == 303 else ())})

    assert found is not None
    assert found.ran is ran and found.status == status
    assert (found.fix is not None) is (ran is True)


def test_a_post_that_ran_says_so_in_the_words_of_the_issue() -> None:
    found = effect({("POST", "/items"): Response(200)}, headers=())

    assert found is not None
    assert found.summary == (
        f"The browser hides the answer, but the request ran (200): a page on {PAGE} can still cause its effects."
    )


def test_a_redirect_the_browser_refuses_to_follow_did_not_reach_its_target() -> None:
    found = effect({("POST", "/items"): Response(307, (("Location", "/items/"),))})

    assert found is not None and found.ran is None
    assert "redirected it (307)" in found.summary


def test_a_followed_307_is_judged_by_the_answer_of_its_target() -> None:
    found = effect(
        {
            ("POST", "/items"): Response(307, (*allow(), ("Location", "/items/"))),
            ("POST", "/items/"): Response(201),
        }
    )

    assert found is not None and found.ran is True and found.status == 201


@pytest.mark.parametrize(
    ("method", "headers", "answers"),
    [
        ("GET", (), {("GET", "/items"): Response(200)}),
        ("HEAD", (), {("HEAD", "/items"): Response(200)}),
        ("POST", (("Content-Type", "application/json"),), {("OPTIONS", "/items"): Response(400)}),
        ("DELETE", (), {("OPTIONS", "/items"): Response(200)}),
        ("POST", FORM, {("POST", "/items"): Response(200, allow())}),
    ],
    ids=["get", "head", "json-post-preflighted", "delete-preflighted", "readable"],
)
def test_safe_preflighted_or_readable_requests_get_no_remark(
    method: str, headers: Headers, answers: dict[tuple[str, str], Response]
) -> None:
    assert effect(answers, method, headers) is None


@pytest.mark.parametrize(
    ("initiator", "url", "before", "site"),
    [
        ("http://page.test", "http://page.test/x", "same-origin", "same-origin"),
        ("https://app.example.com", "https://api.example.com/x", "same-origin", "same-site"),
        ("http://app.example.com", "https://api.example.com/x", "same-origin", "cross-site"),
        ("http://localhost:5173", "http://127.0.0.1:8000/x", "same-origin", "cross-site"),
        ("null", "http://page.test/x", "same-origin", "cross-site"),
        ("http://page.test", "http://page.test/x", "same-site", "same-site"),
        ("http://page.test", "http://page.test/x", "cross-site", "cross-site"),
    ],
)
def test_sec_fetch_site_is_the_farthest_relation_along_the_redirects(
    initiator: str, url: str, before: str, site: str
) -> None:
    assert fetch_site(initiator, url, before) == site


def test_every_request_carries_fetch_metadata_as_browsers_send_it() -> None:
    server = Server(
        {
            ("OPTIONS", "/items"): Response(200, allow(Access_Control_Allow_Methods="PUT")),
            ("PUT", "/items"): Response(200, allow()),
        }
    )
    fetch(Request(f"{API}/items", PAGE, "PUT"), server)

    for _, _, sent in server.sent:
        assert dict(sent)["Sec-Fetch-Site"] == "cross-site"
        assert dict(sent)["Sec-Fetch-Mode"] == "cors" and dict(sent)["Sec-Fetch-Dest"] == "empty"
