"""One generated service under uvicorn on a loopback port, answering real HTTP requests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.support.paths import BIN
from tests.support.rendering import project_env, render
from tests.support.servers import answering, free_port, start_server

ALLOWED = "https://app.example.com"


def serve(project: Path, package: str, extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = start_server(
        [str(BIN / "python"), "-m", "uvicorn", f"{package}.main:app", "--host", "127.0.0.1", "--port", str(port)],
        project,
        {**project_env(project), "PATH": str(BIN), **(extra_env or {})},
    )
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = {"project_name": "Served", "allow_origins": [ALLOWED], "expose_headers": ["X-Request-Id"]}
    return render(tmp_path_factory.mktemp("served") / "service", data)


@pytest.fixture(scope="module")
def service(project: Path) -> Iterator[str]:
    process, url = serve(project, "served")
    with answering(process, url + "/home"):
        yield url


def test_allowed_origin_is_granted_over_http(service: str) -> None:
    response = httpx2.get(service + "/home", headers={"Origin": ALLOWED})

    assert response.status_code == 200
    assert response.json() == "Hello World!"
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == "X-Request-Id"
    assert "Origin" in response.headers["vary"]


def test_foreign_origin_is_not_granted_over_http(service: str) -> None:
    response = httpx2.get(service + "/home", headers={"Origin": "https://app.example.com.evil.net"})

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_preflight_over_http(service: str) -> None:
    allowed = httpx2.options(
        service + "/home",
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-a"},
    )
    foreign = httpx2.options(service + "/home", headers={"Origin": "null", "Access-Control-Request-Method": "PUT"})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert allowed.headers["access-control-max-age"] == "600"
    assert foreign.status_code == 400
    assert "access-control-allow-origin" not in foreign.headers


def test_environment_overrides_the_answers(project: Path) -> None:
    process, url = serve(project, "served", {"SERVED_CORS_ALLOW_ORIGINS": "http://localhost:5173"})
    with answering(process, url + "/home"):
        moved = httpx2.get(url + "/home", headers={"Origin": "http://localhost:5173"})
        old = httpx2.get(url + "/home", headers={"Origin": ALLOWED})

    assert moved.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "access-control-allow-origin" not in old.headers


def test_bad_environment_stops_the_service_before_it_serves(project: Path) -> None:
    process, _ = serve(project, "served", {"SERVED_CORS_ALLOW_ORIGINS": "http://localhost:5173/"})
    output, _ = process.communicate(timeout=20)

    assert process.returncode != 0
    assert "SERVED_CORS_ALLOW_ORIGINS" in output
    assert "drop the trailing slash" in output
    assert "Traceback" not in output


def test_fastapi_cli_finds_and_serves_the_app(project: Path) -> None:
    port = free_port()
    process = start_server(
        [str(BIN / "fastapi"), "run", "src/served/main.py", "--host", "127.0.0.1", "--port", str(port)],
        project,
        {**project_env(project), "PATH": str(BIN)},
    )
    with answering(process, f"http://127.0.0.1:{port}/home") as response:
        granted = httpx2.get(f"http://127.0.0.1:{port}/home", headers={"Origin": ALLOWED})

    assert response.json() == "Hello World!"
    assert granted.headers["access-control-allow-origin"] == ALLOWED
