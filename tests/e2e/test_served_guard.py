"""The cross-origin guard of a default project from a fresh `copier copy`, with a POST and a WebSocket route added the
way users add them, under uvicorn: raw HTTP requests and WebSocket handshakes as browsers on other sites send them,
and what reached the routes."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from fastapi_cors_scaffold.rules.guard import CrossOriginGuard
from tests.support.cli import run_cli
from tests.support.paths import BIN, REPOSITORY
from tests.support.rendering import project_env, run
from tests.support.servers import answering, free_port, serve_asgi, start_server

TRUSTED = "http://localhost:8080"  # the default project's one allowed origin
FOREIGN = "https://evil.example"
# A user's routes, added inside create_app() as the default main.py invites.
ROUTES = """
    transfers: list[str] = []

    @app.post("/transfer")
    async def transfer() -> str:
        transfers.append("ran")
        return "transferred"

    @app.get("/transfer")
    async def count_transfers() -> int:
        return len(transfers)

    @app.websocket("/ws")
    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    return app
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    destination = tmp_path_factory.mktemp("guard") / "service"
    copied = run(
        [str(BIN / "copier"), "copy", "--defaults", "--quiet", "--vcs-ref=HEAD", str(REPOSITORY), str(destination)],
        REPOSITORY,
    )
    assert copied.returncode == 0, copied.stderr
    main = destination / "src" / "my_service" / "main.py"
    text = main.read_text()
    assert text.count("\n    return app\n") == 1
    text = text.replace("from fastapi import FastAPI\n", "from fastapi import FastAPI, WebSocket\n")
    main.write_text(text.replace("\n    return app\n", ROUTES))
    return destination


def start(project: Path, *options: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    command = [str(BIN / "python"), "-m", "uvicorn", "my_service.main:app", "--port", str(port), *options]
    process = start_server(command, project, {**project_env(project), "PATH": str(BIN)})
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module", params=["websockets", "websockets-sansio"])
def service(project: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The service on uvicorn's two WebSocket implementations that `uvicorn[standard]` brings."""
    process, url = start(project, "--ws", request.param)
    with answering(process, url + "/home"):
        yield url


def exchange(url: str, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send one raw HTTP/1.1 request (`head` without its blank line); the status, headers and body that came back."""
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        connection.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        received = b""
        while b"\r\n\r\n" not in received and (chunk := connection.recv(65536)):
            received += chunk
        lines, _, rest = received.partition(b"\r\n\r\n")
        status, *fields = lines.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (field.partition(":") for field in fields)}
        while len(rest) < int(headers.get("content-length", 0)) and (chunk := connection.recv(65536)):
            rest += chunk
    return int(status.split()[1]), headers, rest


def post(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    body = b"amount=100"
    lines = [f"{name}: {value}" for name, value in headers.items()]
    head = "\n".join(
        [
            "POST /transfer HTTP/1.1",
            f"Host: {urlsplit(url).netloc}",
            "Cookie: session=s3cret",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
            "Connection: close",
            *lines,
            "",
        ]
    )
    return exchange(url, head, body)


def handshake(url: str, origin: str | None) -> tuple[int, dict[str, str], bytes]:
    lines = [
        "GET /ws HTTP/1.1",
        f"Host: {urlsplit(url).netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        "Cookie: session=s3cret",
    ]
    return exchange(url, "\n".join([*lines, *([f"Origin: {origin}"] if origin else []), ""]))


def transfers(url: str) -> int:
    return int(httpx2.get(url + "/transfer").json())


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": FOREIGN, "Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://localhost:9999", "Sec-Fetch-Site": "same-site"},
        {"Origin": FOREIGN},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    ],
    ids=["cross-site", "same-site", "older-browser", "null"],
)
def test_a_forged_form_post_is_refused_and_never_runs(service: str, headers: dict[str, str]) -> None:
    before = transfers(service)

    status, response_headers, body = post(service, headers)

    assert status == 403
    assert response_headers["content-type"] == "application/json"
    assert json.loads(body)["detail"].startswith("Cross-origin request refused")
    assert transfers(service) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": TRUSTED, "Sec-Fetch-Site": "cross-site"},
        {"Origin": "OWN", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "OWN"},
        {"Sec-Fetch-Site": "none"},
        {},
    ],
    ids=["trusted-site", "own-page", "own-page-older-browser", "typed-url", "not-a-browser"],
)
def test_the_trusted_site_the_services_own_pages_and_other_clients_post(service: str, headers: dict[str, str]) -> None:
    before = transfers(service)
    sent = {name: service if value == "OWN" else value for name, value in headers.items()}

    status, _, body = post(service, sent)

    assert (status, body) == (200, b'"transferred"')
    assert transfers(service) == before + 1


def test_a_websocket_from_a_foreign_site_is_refused_before_it_opens(service: str) -> None:
    status, headers, body = handshake(service, FOREIGN)

    assert status == 403, "a 101 would be an open socket"
    assert "upgrade" not in headers
    assert json.loads(body)["detail"].startswith("Cross-origin WebSocket refused")


@pytest.mark.parametrize("origin", [TRUSTED, "OWN", None], ids=["trusted-site", "own-page", "not-a-browser"])
def test_a_websocket_from_the_trusted_site_or_the_service_opens(service: str, origin: str | None) -> None:
    status, headers, _ = handshake(service, service if origin == "OWN" else origin)

    assert status == 101
    assert headers["upgrade"].lower() == "websocket"


def test_a_refusal_is_one_warning_line_in_the_services_log(project: Path) -> None:
    process, url = start(project)
    with answering(process, url + "/home"):
        post(url, {"Origin": FOREIGN, "Sec-Fetch-Site": "cross-site"})
    output = process.stdout.read() if process.stdout else ""

    [line] = [line for line in output.splitlines() if "Refused cross-origin" in line]
    assert line == f"Refused cross-origin POST '/transfer' from Origin '{FOREIGN}'"


def test_lint_finds_nothing_to_fix_in_the_guarded_project(project: Path) -> None:
    result = run([str(BIN / "fastapi-cors-scaffold"), "lint", str(project), "--json"], project)
    report = json.loads(result.stdout)

    assert result.returncode == 0, report
    assert (report["errors"], report["warnings"]) == (0, 0), report


def test_check_reports_the_forged_post_and_the_foreign_socket_refused(service: str, tmp_path: Path) -> None:
    form = "Content-Type: application/x-www-form-urlencoded"
    post = run_cli(
        "check", f"{service}/transfer", "--origin", FOREIGN, "-m", "POST", "-H", form, "--json", cwd=tmp_path
    )
    socket = run_cli("check", f"{service.replace('http://', 'ws://')}/ws", "--origin", FOREIGN, cwd=tmp_path)

    effect = json.loads(post.stdout)["effect"]
    assert (effect["ran"], effect["status"]) == (False, 403), effect
    assert socket.returncode == 1
    assert "cannot open this socket: the server refused the handshake (403)" in " ".join(socket.stdout.split())


def test_uvicorn_answers_a_close_before_accept_with_403() -> None:
    """Where a server cannot send a denial response, the guard closes before accept: never a 101."""

    async def hello(websocket: WebSocket) -> None:
        await websocket.accept()

    guard = CrossOriginGuard(Starlette(routes=[WebSocketRoute("/ws", hello)]))

    async def without_denial_responses(scope: Scope, receive: Receive, send: Send) -> None:
        scope = {**scope, "extensions": {}} if scope["type"] == "websocket" else scope
        await guard(scope, receive, send)

    with serve_asgi(without_denial_responses) as url:
        refused = handshake(url, FOREIGN)
        opened = handshake(url, url)

    assert (refused[0], opened[0]) == (403, 101)
