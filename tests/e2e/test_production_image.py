"""The container of a generated project, and its production and development profiles, run for real.

No Docker engine runs here, so the Dockerfile is checked twice: by hadolint (tests/rendering/test_production_files.py),
and here by replaying its build stage on a project made by `new`, which locked its dependencies with uv: its COPY
instructions from the context .dockerignore lets through into an empty build directory, its `uv sync --locked`
commands into a fresh virtual environment. Then its exact CMD and HEALTHCHECK run against the result on a loopback
port.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from tests.support.paths import BIN
from tests.support.production import PACKAGE, PREFIX, Stage, docker_context, locked_production
from tests.support.servers import answering, free_port, start_server

SITE = "https://app.example.com"
UV = str(BIN / "uv")


@dataclass
class Image:
    """The Dockerfile's build replayed into a virtual environment: the runtime environment and the commands."""

    project: Path
    venv: Path
    workdir: Path
    env: dict[str, str]
    cmd: list[str]
    healthcheck: list[str]

    def start(self, **env: str) -> tuple[subprocess.Popen[str], str]:
        port = str(free_port())
        process = start_server(
            self.cmd, self.workdir, {**self.env, "UVICORN_HOST": "127.0.0.1", "UVICORN_PORT": port, **env}
        )
        return process, f"http://127.0.0.1:{port}"


def replay_build(stage: Stage, context: Path, build: Path, env: dict[str, str]) -> None:
    """What `docker build` does in the stage's WORKDIR: copy from the context, run, in the Dockerfile's order."""
    build.mkdir()
    for instruction, arguments in stage.steps:
        if instruction == "COPY":
            *sources, target = shlex.split(arguments)
            for source in sources:
                copied = build / target / source if target.endswith("/") else build / target
                if (context / source).is_dir():
                    shutil.copytree(context / source, copied)
                else:
                    shutil.copy2(context / source, copied)
            continue
        result = subprocess.run(
            ["/bin/sh", "-c", arguments], cwd=build, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"RUN {arguments} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    """The build stage replayed with uv into a fresh venv (the stage's $UV_PROJECT_ENVIRONMENT), as `docker build`
    would in its WORKDIR."""
    project, stages = locked_production(tmp_path_factory.mktemp("production"))
    build = next(stage for stage in stages if stage.name == "build")
    runtime = stages[-1]
    venv = tmp_path_factory.mktemp("image") / "venv"
    # uv finds this interpreter first on PATH, as it finds the base image's python.
    steering = {"UV_PYTHON", "UV_PROJECT_ENVIRONMENT", "UV_SYSTEM_PYTHON", "VIRTUAL_ENV"}
    build_env = {key: value for key, value in os.environ.items() if key not in steering}
    build_env |= {**build.env, "UV_PROJECT_ENVIRONMENT": str(venv), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    context = docker_context(project, tmp_path_factory.mktemp("docker") / "context")
    replay_build(build, context, tmp_path_factory.mktemp("docker") / "build", build_env)
    assert runtime.env["PATH"] == f"{build.env['UV_PROJECT_ENVIRONMENT']}/bin:$PATH"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV", PREFIX))}
    env |= {**runtime.env, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    workdir = tmp_path_factory.mktemp("workdir")
    return Image(project, venv, workdir, env, runtime.cmd, runtime.healthcheck)


def test_new_locks_the_dependencies_and_ci_installs_from_the_lock(image: Image) -> None:
    """`uv lock --check` is what `uv sync --locked` checks first; the workflow's own command accepts the lock too."""
    workflow = (image.project / ".github" / "workflows" / "ci.yml").read_text()
    [sync] = [line.split("run: ", 1)[1] for line in workflow.splitlines() if "run: uv sync" in line]
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(image.project / ".venv"), "VIRTUAL_ENV": ""}

    checked = subprocess.run([UV, "lock", "--check"], cwd=image.project, env=env, capture_output=True, text=True)
    planned = subprocess.run(
        [UV, *shlex.split(sync)[1:], "--dry-run"], cwd=image.project, env=env, capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stderr
    assert sync == "uv sync --locked"
    assert planned.returncode == 0, planned.stderr


def test_the_image_holds_exactly_the_locked_runtime_dependencies(image: Image) -> None:
    locked = {
        package["name"]: package["version"]
        for package in tomllib.loads((image.project / "uv.lock").read_text())["package"]
    }
    listed = subprocess.run(
        [UV, "pip", "list", "--format", "json", "--python", str(image.venv / "bin" / "python")],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {package["name"]: package["version"] for package in json.loads(listed.stdout)}

    assert {name: locked.get(name) for name in installed} == installed
    assert {"fastapi", "uvicorn", "pydantic-settings", "prod-check"} <= installed.keys()
    assert not {"pytest", "mypy", "ruff"} & installed.keys(), "--no-dev leaves the development tools out"


@pytest.fixture(scope="module")
def production(image: Image) -> Iterator[str]:
    """The image's CMD with its production environment and a valid allowlist, on a loopback port."""
    process, url = image.start(**{f"{PREFIX}CORS_ALLOW_ORIGINS": SITE})
    with answering(process, url + "/health"):
        yield url


def test_image_commands_install_the_app_into_the_venv(image: Image) -> None:
    where = subprocess.run(
        ["python", "-c", f"import {PACKAGE}.main as m; print(m.__file__, type(m.app).__name__)"],
        cwd=image.workdir,
        env=image.env | {f"{PREFIX}ENVIRONMENT": "development"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert where.returncode == 0, where.stderr
    module_file, app_type = where.stdout.split()
    assert Path(module_file).is_relative_to(image.venv)
    assert app_type == "Service"


def test_production_service_answers_health_and_cross_origin_requests(production: str) -> None:
    url = production
    health = httpx2.get(url + "/health")
    granted = httpx2.get(url + "/home", headers={"Origin": SITE})
    foreign = httpx2.get(url + "/home", headers={"Origin": "http://localhost:5173"})
    preflight = httpx2.options(
        url + "/home",
        headers={"Origin": SITE, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-a"},
    )

    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert granted.headers["access-control-allow-origin"] == SITE
    assert granted.headers["access-control-allow-credentials"] == "true"
    assert "access-control-allow-origin" not in foreign.headers
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SITE


def test_production_service_refuses_a_forged_post_before_routing(production: str) -> None:
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    forged = httpx2.post(production + "/home", headers={**cross_site, "Origin": "https://evil.example"})
    trusted = httpx2.post(production + "/home", headers={**cross_site, "Origin": SITE})

    assert forged.status_code == 403, "refused by the guard, before routing could answer 405"
    assert forged.json()["detail"].startswith("Cross-origin request refused")
    assert trusted.status_code == 405


def test_production_refuses_the_guard_off_while_credentials_are_on(image: Image) -> None:
    process, _ = image.start(**{f"{PREFIX}CORS_ALLOW_ORIGINS": SITE, f"{PREFIX}CROSS_ORIGIN_PROTECTION": "false"})
    try:
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()

    assert process.returncode != 0
    [line] = [line for line in output.splitlines() if "Invalid settings" in line]
    assert f"{PREFIX}CROSS_ORIGIN_PROTECTION: off lets other sites act as the user" in line
    assert "Traceback" not in output


def test_healthcheck_command_passes_while_the_service_is_up(image: Image, production: str) -> None:
    port = production.rsplit(":", 1)[1]
    up = subprocess.run(image.healthcheck, env=image.env | {"UVICORN_PORT": port}, capture_output=True, timeout=30)
    down = subprocess.run(
        image.healthcheck, env=image.env | {"UVICORN_PORT": str(free_port())}, capture_output=True, timeout=30
    )

    assert up.returncode == 0, up.stderr
    assert down.returncode != 0


@pytest.mark.parametrize("workers", ["1", "2"])
def test_production_refuses_a_local_origin_with_one_line(image: Image, workers: str) -> None:
    process, _ = image.start(**{f"{PREFIX}CORS_ALLOW_ORIGINS": "http://localhost:5173", "WEB_CONCURRENCY": workers})
    try:
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()

    refusals = [line for line in output.splitlines() if f"{PREFIX}CORS_ALLOW_ORIGINS" in line]
    assert 1 <= len(refusals) <= int(workers), output
    assert "a local origin, 'http://localhost:5173'" in refusals[0]
    assert f"list only the https:// origins of your deployed front ends, e.g. '{SITE}'" in refusals[0]
    assert "Traceback" not in output
    if workers == "1":
        assert process.returncode != 0


def test_development_starts_on_a_local_origin_and_warns(image: Image) -> None:
    origins = {f"{PREFIX}ENVIRONMENT": "development", f"{PREFIX}CORS_ALLOW_ORIGINS": "http://localhost:5173"}
    process, url = image.start(**origins)
    with answering(process, url + "/health") as health:
        granted = httpx2.get(url + "/home", headers={"Origin": "http://localhost:5173"})
    output, _ = process.communicate(timeout=10)

    assert health.status_code == 200
    assert granted.headers["access-control-allow-origin"] == "http://localhost:5173"
    warnings = [line for line in output.splitlines() if "refused when PROD_CHECK_ENVIRONMENT=production" in line]
    assert len(warnings) == 1, output
    assert "a local origin, 'http://localhost:5173'" in warnings[0]


SAMPLED_ROWS = [
    {"CORS_ALLOW_ORIGIN_REGEX": r"https://[a-z0-9-]+\.vercel\.app"},
    {"CORS_ALLOW_METHODS": "get,post"},
    {"CORS_EXPOSE_HEADERS": "*", "CORS_ALLOW_CREDENTIALS": "true"},
]


@pytest.mark.parametrize("row", SAMPLED_ROWS, ids=lambda row: ",".join(row))
def test_the_installed_service_refuses_a_sample_of_the_rules_table(image: Image, row: dict[str, str]) -> None:
    """A few rows of tests/data/cors_rules.toml through the real process; test_rules_table runs them all in process."""
    from fastapi_cors_scaffold.rules.checks import policy_problems, split_list

    process, _ = image.start(
        **{f"{PREFIX}CORS_ALLOW_ORIGINS": SITE, **{f"{PREFIX}{name}": value for name, value in row.items()}}
    )
    try:
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    settings = {name.removeprefix("CORS_").lower(): value for name, value in row.items()}
    problem = policy_problems(
        allow_origins=[SITE],
        allow_origin_regex=settings.get("allow_origin_regex"),
        allow_credentials=settings.get("allow_credentials") == "true",
        allow_methods=split_list(settings.get("allow_methods", "*")),
        expose_headers=split_list(settings.get("expose_headers", "")),
    )[0]

    assert process.returncode != 0
    [line] = [line for line in output.splitlines() if "Invalid settings" in line]
    assert problem.sentence(f"{PREFIX}CORS_{problem.setting.upper()}") in line
    assert "Traceback" not in output
