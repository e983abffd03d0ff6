"""`check` against real servers on loopback ports: Starlette under uvicorn, hand-written http.server answers."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from fastapi_cors_scaffold.fetch.chromium import EXECUTABLE_VARIABLE
from fastapi_cors_scaffold.rules.checks import MESSAGES
from tests.support.check_servers import HandWritten, starlette_app
from tests.support.cli import check_json, invoke, run_cli
from tests.support.fetch_scenarios import PAGE
from tests.support.paths import BIN
from tests.support.servers import serve_asgi, serve_handler

TRUSTED = "https://app.example.com"


@pytest.fixture(scope="module")
def starlette_url() -> Iterator[str]:
    with serve_asgi(starlette_app()) as url:
        yield url


@pytest.fixture(scope="module")
def handwritten_url() -> Iterator[str]:
    with serve_handler(HandWritten) as url:
        yield url


def test_a_simple_get_from_an_allowed_origin_is_allowed(starlette_url: str) -> None:
    result = invoke("check", f"{starlette_url}/items/", "--origin", PAGE)

    assert result.exit_code == 0, result.output
    assert "Allowed" in result.stdout
    assert "No preflight" in result.stdout


def test_a_json_post_is_preflighted_and_allowed(starlette_url: str) -> None:
    code, report = check_json(
        f"{starlette_url}/items/", "--origin", PAGE, "-m", "POST", "-H", "Content-Type: application/json"
    )

    assert code == 0
    assert [step["kind"] for step in report["steps"]] == ["preflight", "request"]
    assert report["steps"][0]["sent"]["Access-Control-Request-Headers"] == "content-type"
    assert report["steps"][1]["status"] == 200


def test_a_method_starlette_refuses_is_blocked_with_the_fix(starlette_url: str) -> None:
    code, report = check_json(f"{starlette_url}/items/", "--origin", PAGE, "--method", "delete")

    assert code == 1
    assert report["steps"][0]["sent"]["Access-Control-Request-Method"] == "DELETE"
    assert "Disallowed CORS method" in report["problem"]
    assert report["fix"] == "Add DELETE to allow_methods."


def test_an_unknown_origin_is_blocked(starlette_url: str) -> None:
    code, report = check_json(f"{starlette_url}/items/", "--origin", "https://other.example.com")

    assert code == 1
    assert "no Access-Control-Allow-Origin" in report["problem"]
    assert "https://other.example.com" in report["fix"]


def test_a_redirect_of_the_request_is_followed_like_a_browser(starlette_url: str) -> None:
    code, report = check_json(f"{starlette_url}/items", "--origin", PAGE, "--credentials")

    assert code == 0
    assert [step["status"] for step in report["steps"]] == [307, 200]


def test_a_500_from_starlettes_error_middleware_has_no_cors_headers(starlette_url: str) -> None:
    code, report = check_json(f"{starlette_url}/boom", "--origin", PAGE)

    assert code == 1
    assert report["steps"][0]["status"] == 500
    assert "ServerErrorMiddleware" in report["fix"]


def test_scan_reports_the_attacker_origins_a_loose_regex_trusts(starlette_url: str) -> None:
    code, report = check_json(f"{starlette_url}/items/", "--origin", TRUSTED, "--scan")

    assert code == 1
    assert report["allowed"] is True
    trusted = {entry["origin"]: entry for entry in report["scan"] if entry["trusted"]}
    assert "https://app.example.com.evil.net" in trusted
    assert "https://app.example.com_.evil.net" in trusted
    assert trusted["https://app.example.com.evil.net"]["readable_with_credentials"] is True
    assert "https://evil.example" not in trusted and "null" not in trusted


def test_scan_of_a_server_reflecting_every_origin_lists_each_attack(handwritten_url: str) -> None:
    result = invoke("check", f"{handwritten_url}/reflect", "--origin", TRUSTED, "--scan")

    assert result.exit_code == 1
    assert "Trusted attacker origins" in result.stdout
    _, report = check_json(f"{handwritten_url}/reflect", "--origin", TRUSTED, "--scan")
    kinds = {entry["kind"] for entry in report["scan"] if entry["trusted"]}
    strangers = {"arbitrary", "null", "prefix", "suffix", "substring", "unescaped-dot", "http", "http-subdomain"}
    assert strangers | {"special-character", "third-party"} == kinds
    own = [entry for entry in report["scan"] if entry["own"]]
    assert {entry["origin"] for entry in own} == {"https://evil.app.example.com", "https://evilapp.example.com"}
    assert all(entry["let_in"] and not entry["trusted"] and entry["fix"] is None for entry in own)
    assert "Note: The server also lets in other https hosts of your own site" in result.stdout


def test_a_trailing_slash_in_the_allowed_origin_is_named(handwritten_url: str) -> None:
    code, report = check_json(f"{handwritten_url}/slash", "--origin", PAGE)

    assert code == 1
    assert "trailing slash" in report["problem"]


def test_a_redirected_preflight_names_the_url_to_request(handwritten_url: str) -> None:
    result = invoke("check", f"{handwritten_url}/items", "--origin", PAGE, "--method", "DELETE")

    assert result.exit_code == 1
    assert "never follow a redirect on a preflight" in result.stdout
    assert "Request `/items/` not `/items`." in result.stdout


def test_wildcard_headers_do_not_cover_authorization_and_chromium_is_named(handwritten_url: str) -> None:
    code, report = check_json(f"{handwritten_url}/wildcard", "--origin", PAGE, "-H", "Authorization: Bearer t")

    assert code == 1
    assert "never covers Authorization" in report["problem"]
    assert any("Chromium" in note for note in report["notes"])


def test_a_server_that_hangs_up_is_one_line_and_exit_2(handwritten_url: str) -> None:
    result = invoke("check", f"{handwritten_url}/hangup", "--origin", PAGE)

    assert result.exit_code == 2
    assert result.stderr.startswith("error: GET ") and result.stderr.count("\n") == 1


def test_a_closed_port_is_one_line_and_exit_2() -> None:
    result = invoke("check", "http://127.0.0.1:9/", "--origin", PAGE, "--timeout", "2")

    assert result.exit_code == 2
    assert result.stderr.startswith("error: GET http://127.0.0.1:9/ failed")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--origin", "http://localhost:5173/"], "trailing slash"),
        (["--origin", "localhost:5173"], "'null' is accepted too"),
        (["--origin", PAGE, "--method", "GET POST"], "not an HTTP method"),
        (["--origin", PAGE, "--method", "TRACE"], "forbidden methods"),
        (["--origin", PAGE, "--method", "connect"], "forbidden methods"),
        (["--origin", PAGE, "--method", "Track"], "forbidden methods"),
        (["--origin", PAGE, "--header", "Bad Name: x"], "not 'Name: value'"),
        (["--origin", PAGE, "--header", "X-Snow: \u2603"], "outside Latin-1"),
        (["--origin", PAGE, "--timeout", "0"], "not a number of seconds above 0"),
        (["--origin", PAGE, "--timeout", "-5"], "not a number of seconds above 0"),
        (["--origin", PAGE, "--timeout", "1e308"], "up to 3600"),
        (["--origin", PAGE, "--read-header", "X Total"], "not a header name"),
    ],
)
def test_bad_input_is_exit_2_before_any_request(args: list[str], fragment: str) -> None:
    result = invoke("check", "http://127.0.0.1:9/", *args)

    assert result.exit_code == 2
    assert fragment in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("url", ["http://[::1", "ws://[::1/ws", "http://localhost:99999/"])
def test_a_url_that_cannot_be_split_is_exit_2_before_any_request(url: str) -> None:
    result = invoke("check", url, "--origin", PAGE)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {url!r} is not a URL (") and result.stderr.count("\n") == 1


def test_a_latin_1_header_value_is_sent(handwritten_url: str) -> None:
    code, report = check_json(f"{handwritten_url}/wildcard", "--origin", PAGE, "-H", "X-Uni: héllo")

    assert code == 0
    assert report["steps"][1]["sent"]["X-Uni"] == "héllo"


def test_the_null_origin_is_never_suggested_for_trust(starlette_url: str) -> None:
    code, report = check_json(f"{starlette_url}/items/", "--origin", "null")

    assert code == 1
    assert "Add 'null'" not in report["fix"] and "not trust 'null'" in report["fix"]


def test_lower_case_patch_is_fixed_in_the_pages_fetch_call(starlette_url: str) -> None:
    code, report = check_json(f"{starlette_url}/items/", "--origin", PAGE, "-m", "patch")

    assert code == 1
    assert report["steps"][0]["sent"]["Access-Control-Request-Method"] == "patch"
    assert "Write the method as 'PATCH' in the page's fetch() call" in report["fix"]


@pytest.mark.parametrize(
    ("name", "credentials", "readable", "fragment"),
    [
        ("X-Total-Count", True, "0", None),
        ("content-type", False, "application/json", None),
        ("X-Secret", False, None, "Add 'X-Secret' to expose_headers"),
        ("Set-Cookie", True, None, "never read Set-Cookie"),
    ],
)
def test_read_header_asks_whether_page_code_can_read_a_response_header(
    starlette_url: str, name: str, credentials: bool, readable: str | None, fragment: str | None
) -> None:
    extra = ["--credentials"] if credentials else []
    code, report = check_json(f"{starlette_url}/counted", "--origin", PAGE, "--read-header", name, *extra)

    assert report["read_headers"] == {name: readable}
    assert code == (0 if readable else 1)
    assert fragment is None or fragment in f"{report['problem']} {report['fix']}"


def test_scan_gives_a_fix_for_each_kind_of_trusted_attacker_origin(starlette_url: str) -> None:
    result = invoke("check", f"{starlette_url}/items/", "--origin", TRUSTED, "--scan")
    _, report = check_json(f"{starlette_url}/items/", "--origin", TRUSTED, "--scan")

    trusted = [entry for entry in report["scan"] if entry["trusted"]]
    assert trusted and all(entry["fix"] for entry in trusted)
    assert all(entry["fix"] is None for entry in report["scan"] if not entry["trusted"])
    assert MESSAGES["regex.post_domain"]["fix"] in next(e["fix"] for e in trusted if e["kind"] == "prefix")
    kinds = {entry["kind"] for entry in trusted}
    assert result.stdout.count("Fix (") == len(kinds) > 1
    assert f"Trusted attacker origins: {len(trusted)} " in result.stdout


def test_browser_without_a_browser_is_one_line_and_exit_2(starlette_url: str) -> None:
    result = invoke("check", f"{starlette_url}/items/", "--origin", PAGE, "--browser", env={"PATH": str(BIN)})

    assert result.exit_code == 2
    assert "apt-get install chromium" in result.stderr and result.stderr.count("\n") == 1


def test_browser_without_playwright_says_which_extra_to_install(
    starlette_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # what importing it does where it is not installed
    result = invoke(
        "check", f"{starlette_url}/items/", "--origin", PAGE, "--browser", env={EXECUTABLE_VARIABLE: sys.executable}
    )

    assert result.exit_code == 2
    assert "pip install 'fastapi-cors-scaffold[browser]'" in result.stderr and result.stderr.count("\n") == 1


def test_check_as_a_subprocess(starlette_url: str, tmp_path: Any) -> None:
    allowed = run_cli("check", f"{starlette_url}/items/", "--origin", PAGE, "--json", cwd=tmp_path)
    blocked = run_cli("check", f"{starlette_url}/items/", "--origin", "https://else.example.com", cwd=tmp_path)

    assert allowed.returncode == 0 and json.loads(allowed.stdout)["allowed"] is True
    assert blocked.returncode == 1 and "Blocked" in blocked.stdout and "Fix" in blocked.stdout
