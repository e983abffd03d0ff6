"""The README's demo command, taken from the README and run as written in a fresh virtual environment, twice: each
run makes a project in a new temporary directory and serves it, and the second run deletes nothing of the first.

Only where things go is chosen here: `TMPDIR` (where `mktemp -d` makes the directory), `UVICORN_PORT` (a free port
instead of 8000, which something else may hold) and the per-user data directory. The server is stopped, with
everything the command started, by killing its process group once `GET /home` answers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from tests.support.cli import CANONICAL, CHECKOUT_VARIABLE, HOME_VARIABLE, LOCAL_GIT_ONLY, TEMPLATE_VARIABLE
from tests.support.docs import demo_command
from tests.support.paths import BIN, REPOSITORY
from tests.support.rendering import answers_of
from tests.support.servers import free_port

# How long one run may take before it counts as hung: it installs two packages, so it waits on pip's index.
PATIENCE = 300


def activated(venv: Path, tmp: Path, home: Path, port: int) -> dict[str, str]:
    """The environment of a shell that has just activated `venv`: nothing of the test suite's own environment on
    PATH, so the demo finds only what it installed itself."""
    inherited = [entry for entry in os.environ["PATH"].split(os.pathsep) if Path(entry).resolve() != BIN.resolve()]
    dropped = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", CHECKOUT_VARIABLE, TEMPLATE_VARIABLE}
    return {
        **{name: value for name, value in os.environ.items() if name not in dropped},
        "PATH": os.pathsep.join([str(venv / "bin"), *inherited]),
        "VIRTUAL_ENV": str(venv),
        "TMPDIR": str(tmp),
        "UVICORN_PORT": str(port),
        HOME_VARIABLE: str(home),
        LOCAL_GIT_ONLY[0]: LOCAL_GIT_ONLY[1],
    }


def stop(group: subprocess.Popen[bytes]) -> None:
    """Terminate the command's whole process group (the shell, pip or uvicorn), and kill what outlives that."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group.pid, signal.SIGTERM)
    try:
        group.wait(timeout=15)
    finally:
        deadline = time.monotonic() + 15
        with contextlib.suppress(ProcessLookupError):
            while time.monotonic() < deadline:
                os.killpg(group.pid, 0)
                time.sleep(0.1)
            os.killpg(group.pid, signal.SIGKILL)
        if group.poll() is None:
            group.wait()


def serve(command: str, env: dict[str, str], log: Path) -> httpx2.Response:
    """Run `command` from the checkout in a process group of its own until `GET /home` answers; return the answer."""
    url = f"http://127.0.0.1:{env['UVICORN_PORT']}/home"
    with log.open("wb") as output:
        group = subprocess.Popen(
            ["sh", "-c", command],
            cwd=REPOSITORY,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            assert group.poll() is None, f"the demo exited ({group.returncode}) before serving:\n{log.read_text()}"
            with contextlib.suppress(httpx2.TransportError):
                return httpx2.get(url, timeout=2)
            time.sleep(0.2)
        raise AssertionError(f"{url} did not answer within {PATIENCE} s:\n{log.read_text()}")
    finally:
        stop(group)


def snapshot(project: Path) -> dict[str, str]:
    """Every file of a project by its path, with a digest of its content (Python's bytecode caches aside)."""
    return {
        str(path.relative_to(project)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(project.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def projects(tmp: Path) -> list[Path]:
    return sorted(answers.parent for answers in tmp.rglob(".copier-answers.yml"))


def test_the_readmes_demo_serves_a_new_service_each_time_it_runs(tmp_path: Path) -> None:
    command = demo_command()
    venv, tmp, home = tmp_path / "venv", tmp_path / "tmp", tmp_path / "home"
    tmp.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120, capture_output=True)

    first = serve(command, activated(venv, tmp, home, free_port()), tmp_path / "first.log")
    assert (first.status_code, first.json()) == (200, "Hello World!")
    [demo] = projects(tmp)
    before = snapshot(demo)

    second = serve(command, activated(venv, tmp, home, free_port()), tmp_path / "second.log")
    assert (second.status_code, second.json()) == (200, "Hello World!")

    made = projects(tmp)
    assert len(made) == 2 and demo in made, "each run makes a new directory under $TMPDIR"
    assert snapshot(demo) == before, "the second run leaves the first demo as it was"
    assert all(answers_of(project)["_src_path"] == CANONICAL for project in made)
