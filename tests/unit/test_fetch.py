"""The browser's algorithm behind `check`, on canned answers: what is simple, what is sent, what passes."""

from __future__ import annotations

import pytest

from fastapi_cors_scaffold.fetch.cors import exposure_problem
from fastapi_cors_scaffold.fetch.http import (
    Headers,
    Response,
    forbidden_method_reason,
    header_value_problem,
    is_safelisted_header,
    needs_preflight,
    normalize_method,
    readable_header,
    unsafe_header_names,
)
from fastapi_cors_scaffold.fetch.notes import local_network_note
from fastapi_cors_scaffold.fetch.verdict import Request, Verdict
from fastapi_cors_scaffold.fetch.walk import fetch, grants
from tests.support.canned import API, PAGE, Server, allow


def run(server: Server, method: str = "GET", headers: Headers = (), credentials: bool = False) -> Verdict:
    return fetch(Request(f"{API}/items", PAGE, method, headers, credentials), server)


def test_simple_get_needs_no_preflight_and_passes_with_the_exact_origin() -> None:
    server = Server({("GET", "/items"): Response(200, allow())})
    verdict = run(server)
    assert verdict.allowed and not verdict.preflighted
    assert [method for method, _, _ in server.sent] == ["GET"]
    assert ("Origin", PAGE) in server.sent[0][2]


def test_no_allow_origin_blocks_and_says_which_origin_to_add() -> None:
    verdict = run(Server({("GET", "/items"): Response(200, ())}))
    assert not verdict.allowed
    assert verdict.problem is not None
    assert f"Add '{PAGE}'" in verdict.problem.fix


def test_json_post_is_preflighted_with_the_method_and_lowercased_header_names() -> None:
    server = Server(
        {
            ("OPTIONS", "/items"): Response(
                200, allow(**{"Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "content-type"})
            ),
            ("POST", "/items"): Response(201, allow()),
        }
    )
    verdict = run(server, "POST", (("Content-Type", "application/json"), ("X-B", "1"), ("X-A", "2")))
    assert verdict.preflighted
    preflight = dict(server.sent[0][2])
    assert preflight["Access-Control-Request-Method"] == "POST"
    assert preflight["Access-Control-Request-Headers"] == "content-type,x-a,x-b"
    assert not verdict.allowed  # x-a and x-b are not allowed
    assert verdict.problem is not None and "x-a, x-b" in verdict.problem.message


@pytest.mark.parametrize(
    ("name", "value", "safelisted"),
    [
        ("Content-Type", "text/plain;charset=utf-8", True),
        ("content-type", "multipart/form-data; boundary=x", True),
        ("Content-Type", "application/json", False),
        ("Accept", "application/json", True),
        ("Accept", "a" * 129, False),
        ("Accept-Language", "en-US,en;q=0.9", True),
        ("Accept-Language", "en(US)", False),
        ("Range", "bytes=0-10", True),
        ("Range", "bytes=-5", False),
        ("Range", "bytes=5-1", False),
        ("Authorization", "Bearer x", False),
        ("X-Requested-With", "XMLHttpRequest", False),
    ],
)
def test_safelisted_request_headers_follow_the_fetch_standard(name: str, value: str, safelisted: bool) -> None:
    assert is_safelisted_header(name, value) is safelisted


def test_safelisted_values_over_1024_bytes_in_total_make_every_one_unsafe() -> None:
    headers = [("Accept", "a" * 100)] + [("Accept-Language", "b" * 120)] * 8
    assert unsafe_header_names(headers) == ["accept", "accept-language"]


def test_only_the_six_standard_methods_are_upper_cased() -> None:
    assert normalize_method("delete") == "DELETE"
    assert normalize_method("patch") == "patch"
    assert needs_preflight("GET", []) is False
    assert needs_preflight("patch", []) is True


def test_lower_case_patch_is_refused_against_upper_case_allow_methods() -> None:
    server = Server(
        {("OPTIONS", "/items"): Response(200, allow(**{"Access-Control-Allow-Methods": "GET, PATCH"}))},
    )
    verdict = run(server, "patch")
    assert dict(server.sent[0][2])["Access-Control-Request-Method"] == "patch"
    assert verdict.problem is not None and "case-sensitively" in verdict.problem.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (allow("*"), "'*', which browsers refuse for a credentialed request"),
        (allow(), "not exactly 'true'"),
        (allow(**{"Access-Control-Allow-Credentials": "True"}), "'True'"),
    ],
)
def test_credentialed_requests_need_the_exact_origin_and_credentials_true(answer: Headers, fragment: str) -> None:
    verdict = run(Server({("GET", "/items"): Response(200, answer)}), credentials=True)
    assert verdict.problem is not None and fragment in verdict.problem.message


def test_credentialed_request_passes_with_origin_and_credentials() -> None:
    answer = allow(**{"Access-Control-Allow-Credentials": "true"})
    assert run(Server({("GET", "/items"): Response(200, answer)}), credentials=True).allowed


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (f"{PAGE}/", "trailing slash"),
        ("HTTP://PAGE.TEST", "different case"),
        (f"{PAGE}:80", "not written the way browsers send it"),
        ("null", "opaque origin"),
        ("http://other.test", "another origin"),
    ],
)
def test_a_near_miss_allow_origin_is_named(value: str, fragment: str) -> None:
    verdict = run(Server({("GET", "/items"): Response(200, allow(value))}))
    assert verdict.problem is not None and fragment in verdict.problem.message


def test_two_allow_origin_values_block() -> None:
    answer = (("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Origin", "http://other.test"))
    verdict = run(Server({("GET", "/items"): Response(200, answer)}))
    assert verdict.problem is not None and "exactly one" in verdict.problem.message


def test_a_redirected_preflight_blocks_and_the_fix_names_the_final_path() -> None:
    server = Server({("OPTIONS", "/items"): Response(307, (("Location", f"{API}/items/"),))})
    verdict = run(server, "DELETE")
    assert verdict.problem is not None
    assert "never follow a redirect on a preflight" in verdict.problem.message
    assert verdict.problem.fix == "Request `/items/` not `/items`."


@pytest.mark.parametrize(
    ("status", "body", "fragment"),
    [
        (401, "", "authentication"),
        (405, "", "Add CORS middleware"),
        (400, "Disallowed CORS method", "Add DELETE to allow_methods"),
        (400, "Disallowed CORS origin, method", f"Add '{PAGE}' to allow_origins and add DELETE"),
        (500, "", "answer 200 or 204"),
    ],
)
def test_a_refused_preflight_says_why(status: int, body: str, fragment: str) -> None:
    verdict = run(Server({("OPTIONS", "/items"): Response(status, allow(), body)}), "DELETE")
    assert verdict.problem is not None and fragment in verdict.problem.fix


def test_wildcard_methods_count_only_without_credentials() -> None:
    answers = {
        ("OPTIONS", "/items"): Response(
            200, allow(**{"Access-Control-Allow-Methods": "*", "Access-Control-Allow-Credentials": "true"})
        ),
        ("PUT", "/items"): Response(200, allow(**{"Access-Control-Allow-Credentials": "true"})),
    }
    assert run(Server(answers), "PUT").allowed
    verdict = run(Server(answers), "PUT", credentials=True)
    assert verdict.problem is not None and "only a wildcard for requests without credentials" in verdict.problem.message


def test_wildcard_headers_never_cover_authorization_and_chromium_is_named() -> None:
    answers = {
        ("OPTIONS", "/items"): Response(200, allow(**{"Access-Control-Allow-Headers": "*"})),
        ("GET", "/items"): Response(200, allow()),
    }
    assert run(Server(answers), headers=(("X-Trace", "1"),)).allowed
    verdict = run(Server(answers), headers=(("Authorization", "Bearer t"),))
    assert verdict.problem is not None and "never covers Authorization" in verdict.problem.message
    assert any("Chromium" in note for step in verdict.steps for note in step.notes)


def test_a_500_without_cors_headers_points_at_the_middleware_order() -> None:
    verdict = run(Server({("GET", "/items"): Response(500, ())}))
    assert verdict.problem is not None and "ServerErrorMiddleware" in verdict.problem.fix


def test_a_500_with_cors_headers_is_readable() -> None:
    assert run(Server({("GET", "/items"): Response(500, allow())})).allowed


def test_missing_vary_origin_is_noted() -> None:
    verdict = run(Server({("GET", "/items"): Response(200, (("Access-Control-Allow-Origin", PAGE),))}))
    assert verdict.allowed
    assert any("Vary: Origin" in note for note in verdict.steps[0].notes)


def test_redirects_of_the_request_are_followed_and_each_hop_is_checked() -> None:
    server = Server(
        {
            ("GET", "/items"): Response(302, (*allow(), ("Location", "/items/"))),
            ("GET", "/items/"): Response(200, allow()),
        }
    )
    verdict = run(server)
    assert verdict.allowed
    assert [url for _, url, _ in server.sent] == [f"{API}/items", f"{API}/items/"]


def test_a_redirect_without_cors_headers_blocks() -> None:
    server = Server({("GET", "/items"): Response(307, (("Location", "/items/"),))})
    assert not run(server).allowed


def test_a_cross_origin_redirect_taints_the_origin_to_null() -> None:
    server = Server(
        {
            ("GET", "/items"): Response(302, (*allow(), ("Location", "http://elsewhere.test/items"))),
            ("GET", "elsewhere.test/items"): Response(200, allow("*")),
        }
    )
    verdict = run(server, headers=(("Accept", "text/plain"),))
    assert verdict.allowed
    assert dict(server.sent[1][2])["Origin"] == "null"


def test_303_turns_a_post_into_a_get_without_its_body_headers() -> None:
    server = Server(
        {
            ("POST", "/items"): Response(303, (*allow(), ("Location", "/items/1"))),
            ("GET", "/items/1"): Response(200, allow()),
        }
    )
    verdict = run(server, "POST", (("Content-Type", "text/plain"),))
    assert verdict.allowed
    assert server.sent[1][0] == "GET" and "Content-Type" not in dict(server.sent[1][2])


def test_headers_page_code_cannot_set_are_left_out() -> None:
    server = Server({("GET", "/items"): Response(200, allow())})
    verdict = run(server, headers=(("Cookie", "a=b"),))
    assert "Cookie" not in dict(server.sent[0][2])
    assert any("Cookie" in note for note in verdict.notes)


def test_grants_reads_one_answer_for_both_credential_modes() -> None:
    assert grants(PAGE, Response(200, allow())) == (True, False)
    assert grants(PAGE, Response(200, allow(**{"Access-Control-Allow-Credentials": "true"}))) == (True, True)
    assert grants(PAGE, Response(200, allow("*"))) == (True, False)
    assert grants(PAGE, Response(200, ())) == (False, False)


def test_allow_lists_parse_as_tokens_with_whitespace_trimmed_and_empty_items_dropped() -> None:
    assert Response(200, (("Access-Control-Allow-Methods", " PUT ,,\tDELETE "),)).tokens(
        "Access-Control-Allow-Methods"
    ) == ["PUT", "DELETE"]
    assert (
        Response(200, (("Access-Control-Allow-Methods", "PUT, BAD METHOD"),)).tokens("Access-Control-Allow-Methods")
        is None
    )
    assert Response(200, ()).tokens("Access-Control-Allow-Methods") == []


def test_a_malformed_allow_methods_fails_even_when_the_method_needs_no_listing() -> None:
    answer = allow(**{"Access-Control-Allow-Methods": "GET, BAD METHOD", "Access-Control-Allow-Headers": "x-token"})
    verdict = run(Server({("OPTIONS", "/items"): Response(204, answer)}), headers=(("X-Token", "1"),))
    assert verdict.problem is not None and "'BAD METHOD' is not a token" in verdict.problem.message


def test_a_malformed_allow_headers_names_the_bad_item() -> None:
    answer = allow(**{"Access-Control-Allow-Headers": "x-token, bad header"})
    verdict = run(Server({("OPTIONS", "/items"): Response(204, answer)}), headers=(("X-Token", "1"),))
    assert verdict.problem is not None and "'bad header' is not a token" in verdict.problem.message
    assert "allow_headers" in verdict.problem.fix


def test_allow_origin_and_credentials_are_single_fields_trimmed_of_whitespace() -> None:
    assert run(Server({("GET", "/items"): Response(200, (("Access-Control-Allow-Origin", f" {PAGE}\t"),))})).allowed
    spaced = (*allow(), ("Access-Control-Allow-Credentials", "true\t"))
    assert run(Server({("GET", "/items"): Response(200, spaced)}), credentials=True).allowed
    twice = (*allow(), ("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Credentials", "true"))
    verdict = run(Server({("GET", "/items"): Response(200, twice)}), credentials=True)
    assert verdict.problem is not None and "2 header fields" in verdict.problem.message


EXPOSING = (
    ("Content-Type", "text/csv"),
    ("X-Total-Count", "3"),
    ("X-Other", "o"),
    ("Set-Cookie", "a=b"),
    ("Access-Control-Expose-Headers", "x-total-count, Set-Cookie"),
)


@pytest.mark.parametrize(
    ("name", "headers", "credentials", "readable"),
    [
        ("content-type", EXPOSING, True, "text/csv"),
        ("X-Total-Count", EXPOSING, True, "3"),
        ("X-Other", EXPOSING, False, None),
        ("Set-Cookie", EXPOSING, False, None),
        ("X-Other", (("X-Other", "o"), ("Access-Control-Expose-Headers", "*")), False, "o"),
        ("X-Other", (("X-Other", "o"), ("Access-Control-Expose-Headers", "*")), True, None),
        ("Set-Cookie", (("Set-Cookie", "a=b"), ("Access-Control-Expose-Headers", "*")), False, None),
        ("X-Other", (("X-Other", "o"), ("Access-Control-Expose-Headers", "X-Other, bad name")), False, None),
        ("X-Missing", EXPOSING, False, None),
    ],
)
def test_readable_response_headers_follow_the_fetch_standard(
    name: str, headers: Headers, credentials: bool, readable: str | None
) -> None:
    assert readable_header(name, credentials, Response(200, headers)) == readable


@pytest.mark.parametrize(
    ("name", "headers", "credentials", "fragment"),
    [
        ("X-Other", EXPOSING, False, "Add 'X-Other' to expose_headers"),
        ("X-Other", (("X-Other", "o"), ("Access-Control-Expose-Headers", "*")), True, "instead of '*'"),
        ("X-Other", (("X-Other", "o"), ("Access-Control-Expose-Headers", "X-Other, bad name")), False, "expose_"),
        ("Set-Cookie", EXPOSING, True, "Let the browser keep the cookie"),
        ("X-Missing", EXPOSING, False, "Make the server send X-Missing"),
    ],
)
def test_an_unreadable_header_comes_with_its_fix(name: str, headers: Headers, credentials: bool, fragment: str) -> None:
    problem = exposure_problem(name, credentials, Response(200, headers))
    assert problem is not None and fragment in problem.fix


def test_read_header_blocks_the_verdict_but_keeps_what_is_readable() -> None:
    server = Server({("GET", "/items"): Response(200, (*allow(), *EXPOSING))})
    verdict = fetch(Request(f"{API}/items", PAGE, read=("X-Other", "Content-Type")), server)
    assert not verdict.allowed
    assert verdict.readable == {"X-Other": None, "Content-Type": "text/csv"}


@pytest.mark.parametrize(
    ("origin", "url", "fragment"),
    [
        ("https://app.example.com", "http://127.0.0.1:8000/", "asks the user's permission"),
        ("http://app.example.com", "http://192.168.1.5/", "blocks it outright"),
        ("https://app.example.com", "http://[::1]:8000/", "loopback address"),
        ("http://10.0.0.2:3000", "http://localhost:8000/", "(local address) calling a loopback"),
        ("http://localhost:5173", "http://127.0.0.1:8000/", None),
        ("https://app.example.com", "https://api.example.com/", None),
        ("null", "http://127.0.0.1:8000/", None),
    ],
)
def test_local_network_access_is_its_own_note(origin: str, url: str, fragment: str | None) -> None:
    note = local_network_note(origin, url)
    assert (note is None) if fragment is None else (note is not None and fragment in note)


def test_header_values_are_latin_1_and_methods_not_forbidden() -> None:
    assert header_value_problem("héllo") is None
    assert "outside Latin-1" in (header_value_problem("\u2603") or "")
    assert "line break" in (header_value_problem("a\nb") or "")
    assert forbidden_method_reason("get") is None
    assert all(forbidden_method_reason(method) for method in ("TRACE", "connect", "Track"))


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (None, "5 s only"),
        ("abc", "not a number of seconds"),
        ("0", "before every such request"),
        ("300", "for 300 s."),
        ("86400", "Chromium 7200 s, Firefox 86400 s, WebKit 600 s"),
    ],
)
def test_the_preflight_cache_is_given_per_browser(value: str | None, fragment: str) -> None:
    extra = {"Access-Control-Allow-Methods": "PUT"} | ({"Access-Control-Max-Age": value} if value else {})
    answers = {("OPTIONS", "/items"): Response(204, allow(**extra)), ("PUT", "/items"): Response(200, allow())}
    verdict = run(Server(answers), "PUT")
    assert any(fragment in note for note in verdict.all_notes), verdict.all_notes


def test_null_is_never_the_fix() -> None:
    missing = fetch(Request(f"{API}/items", "null"), Server({("GET", "/items"): Response(200, ())}))
    star = fetch(
        Request(f"{API}/items", "null", credentials=True), Server({("GET", "/items"): Response(200, allow("*"))})
    )
    refused = fetch(
        Request(f"{API}/items", "null", "DELETE"),
        Server({("OPTIONS", "/items"): Response(400, (), "Disallowed CORS origin")}),
    )
    for verdict in (missing, star, refused):
        assert verdict.problem is not None
        assert "'null'" in verdict.problem.fix and "Add 'null'" not in verdict.problem.fix, verdict.problem.fix
        assert "not trust 'null'" in verdict.problem.fix


def test_after_a_cross_origin_redirect_the_fix_is_the_final_url_not_null() -> None:
    server = Server(
        {
            ("GET", "/items"): Response(302, (*allow(), ("Location", "http://elsewhere.test/items"))),
            ("GET", "elsewhere.test/items"): Response(200, ()),
        }
    )
    verdict = run(server)
    assert verdict.problem is not None
    assert "'Origin: null'" in verdict.problem.fix and "final URL directly" in verdict.problem.fix


@pytest.mark.parametrize(
    ("answer", "body", "fragment"),
    [
        (
            allow(**{"Access-Control-Allow-Methods": "GET, PATCH"}),
            "",
            "Write the method as 'PATCH' in the page's fetch()",
        ),
        (allow(**{"Access-Control-Allow-Methods": "GET"}), "", "Write 'PATCH' in the page's fetch() call"),
        ((), "Disallowed CORS method", "in the page's fetch() call: browsers upper-case only"),
    ],
)
def test_lower_case_patch_is_fixed_in_fetch(answer: Headers, body: str, fragment: str) -> None:
    status = 400 if body else 204
    verdict = run(Server({("OPTIONS", "/items"): Response(status, answer, body)}), "patch")
    assert verdict.problem is not None and fragment in verdict.problem.fix, verdict.problem


def test_a_redirect_loop_repeats_no_note() -> None:
    server = Server({("GET", "/items"): Response(302, (("Access-Control-Allow-Origin", PAGE), ("Location", "/items")))})
    verdict = run(server)
    assert len(verdict.steps) == 21 and not verdict.allowed
    assert len(verdict.all_notes) == 2
