"""`check` against real servers on loopback ports: Starlette under uvicorn, hand-written http.server answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.cli_support import invoke, run_cli, serve_asgi, serve_handler

PAGE = "http://localhost:5173"
TRUSTED = "https://app.example.com"


async def items(request: Request) -> JSONResponse:
    return JSONResponse({"method": request.method})


async def boom(request: Request) -> JSONResponse:
    raise RuntimeError("unhandled")


def starlette_app() -> Starlette:
    """CORS added the usual way, so Starlette's outermost error middleware answers 500s without CORS headers."""
    return Starlette(
        routes=[Route("/items/", items, methods=["GET", "POST", "DELETE"]), Route("/boom", boom)],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=[PAGE],
                allow_origin_regex=r"https://app\.example\.com.*",
                allow_credentials=True,
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"],
            )
        ],
    )


@pytest.fixture(scope="module")
def starlette_url() -> Iterator[str]:
    with serve_asgi(starlette_app()) as url:
        yield url


class HandWritten(BaseHTTPRequestHandler):
    """Answers by path with headers written by hand, the way a misconfigured proxy or framework might."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.answer()

    def do_DELETE(self) -> None:
        self.answer()

    def do_OPTIONS(self) -> None:
        self.answer()

    def answer(self) -> None:
        origin = self.headers.get("Origin", "")
        path = self.path
        if path == "/hangup":
            self.close_connection = True
            self.connection.close()
            return
        if path == "/items":
            self.send(307, {"Location": "/items/", "Access-Control-Allow-Origin": origin})
        elif path == "/slash":
            self.send(200, {"Access-Control-Allow-Origin": f"{origin}/"})
        elif path == "/reflect":
            self.send(
                204 if self.command == "OPTIONS" else 200,
                {
                    "Access-Control-Allow-Origin": origin,
                    "Access-Control-Allow-Credentials": "true",
                    "Access-Control-Allow-Methods": "GET, DELETE",
                    "Vary": "Origin",
                },
            )
        elif path == "/wildcard":
            self.send(
                204 if self.command == "OPTIONS" else 200,
                {
                    "Access-Control-Allow-Origin": "*",
                    "Access-Control-Allow-Headers": "*",
                    "Access-Control-Max-Age": "60",
                },
            )
        else:
            self.send(500, {})

    def send(self, status: int, headers: dict[str, str]) -> None:
        body = b"{}"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def handwritten_url() -> Iterator[str]:
    with serve_handler(HandWritten) as url:
        yield url


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = invoke("check", *args, "--json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


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
    assert {"arbitrary", "null", "prefix", "suffix", "unescaped-dot", "http", "subdomain"} <= kinds


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
        (["--origin", PAGE, "--method", "GET POST"], "not an HTTP method"),
        (["--origin", PAGE, "--header", "Bad Name: x"], "not 'Name: value'"),
    ],
)
def test_bad_input_is_exit_2_before_any_request(args: list[str], fragment: str) -> None:
    result = invoke("check", "http://127.0.0.1:9/", *args)

    assert result.exit_code == 2
    assert fragment in result.stderr


def test_check_as_a_subprocess(starlette_url: str, tmp_path: Any) -> None:
    allowed = run_cli("check", f"{starlette_url}/items/", "--origin", PAGE, "--json", cwd=tmp_path)
    blocked = run_cli("check", f"{starlette_url}/items/", "--origin", "https://else.example.com", cwd=tmp_path)

    assert allowed.returncode == 0 and json.loads(allowed.stdout)["allowed"] is True
    assert blocked.returncode == 1 and "Blocked" in blocked.stdout and "Fix" in blocked.stdout
