"""Once: a generated project installed into a fresh virtual environment with its own README's commands."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.support.paths import BIN
from tests.support.rendering import render, run


def test_generated_project_installs_and_passes_with_uv(tmp_path: Path) -> None:
    """Made by plain Copier, which writes no uv.lock: the README's `uv lock`, then CI's `uv sync --locked`."""
    project = render(tmp_path / "service", {"project_name": "Fresh Install"})
    readme = " ".join((project / "README.md").read_text().split())
    assert "plain `copier copy`" in readme and "run `uv lock` and commit `uv.lock`" in readme
    assert "uv run pytest" in readme
    assert not (project / "uv.lock").exists()
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": "",
        "UV_PROJECT_ENVIRONMENT": str(project / ".venv"),
        "UV_PYTHON": "3.11",
    }

    locked = run([str(BIN / "uv"), "lock", "--quiet"], project, env)
    assert locked.returncode == 0, locked.stderr
    synced = run([str(BIN / "uv"), "sync", "--locked", "--quiet"], project, env)
    assert synced.returncode == 0, synced.stderr
    tested = run([str(BIN / "uv"), "run", "pytest", "-q"], project, env)

    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert re.search(r"\d+ passed", tested.stdout)
    assert (project / ".venv" / "bin" / "uvicorn").exists()
    assert (project / ".venv" / "bin" / "fastapi").exists(), "the README's `fastapi dev` needs fastapi-cli"
