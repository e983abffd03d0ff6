"""Once: a generated project installed into a fresh virtual environment with its own README's commands."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.support.paths import BIN
from tests.support.rendering import render, run


def test_generated_project_installs_and_passes_with_uv(tmp_path: Path) -> None:
    project = render(tmp_path / "service", {"project_name": "Fresh Install"})
    readme = (project / "README.md").read_text()
    assert "uv sync" in readme and "uv run pytest" in readme
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": "",
        "UV_PROJECT_ENVIRONMENT": str(project / ".venv"),
        "UV_PYTHON": "3.11",
    }

    synced = run([str(BIN / "uv"), "sync", "--quiet"], project, env)
    assert synced.returncode == 0, synced.stderr
    tested = run([str(BIN / "uv"), "run", "pytest", "-q"], project, env)

    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert re.search(r"\d+ passed", tested.stdout)
    assert (project / ".venv" / "bin" / "uvicorn").exists()
    assert (project / ".venv" / "bin" / "fastapi").exists(), "the README's `fastapi dev` needs fastapi-cli"
    assert (project / "uv.lock").exists()
