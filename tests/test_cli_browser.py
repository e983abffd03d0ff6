"""The browser's algorithm behind `check`, on canned answers: what is simple, what is sent, what passes."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from fastapi_cors_scaffold.browser import (
    Headers,
    Request,
    Response,
    Verdict,
    fetch,
    grants,
    is_safelisted_header,
    needs_preflight,
    normalize_method,
    unsafe_header_names,
)

API = "http://api.test"
PAGE = "http://page.test"


class Server:
    """Answers by (method, path); records what the browser sent."""

    def __init__(self, answers: dict[tuple[str, str], Response]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, str, Headers]] = []

    def __call__(self, method: str, url: str, headers: Headers) -> Response:
        self.sent.append((method, url, headers))
        parts = urlsplit(url)
        return self.answers[(method, f"{parts.netloc}{parts.path}" if parts.netloc != "api.test" else parts.path)]


def allow(origin: str = PAGE, **extra: str) -> Headers:
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin", **extra}
    return tuple((name.replace("_", "-"), value) for name, value in headers.items())


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
