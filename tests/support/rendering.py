"""Render the template from this working tree and run a generated project's own checks in this environment."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import copier
import yaml

from tests.support.paths import BIN, REPOSITORY


def render(
    destination: Path, data: Mapping[str, Any] | None = None, source: Path = REPOSITORY, vcs_ref: str = "HEAD"
) -> Path:
    """`copier copy --defaults` with `data`; at HEAD, from the working tree including uncommitted edits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(
            str(source), destination, data=dict(data or {}), defaults=True, vcs_ref=vcs_ref, unsafe=False, quiet=True
        )
    return destination


def answers_of(project: Path) -> dict[str, Any]:
    """The answers Copier recorded in the project's .copier-answers.yml."""
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(loaded, dict), loaded
    return loaded


def run(command: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command of this environment's bin directory; the result carries both outputs for assertion messages."""
    return subprocess.run(
        command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300, check=False
    )


def project_env(project: Path) -> dict[str, str]:
    """Import the generated package from its src/ without installing it into the shared environment."""
    return {"PYTHONPATH": str(project / "src"), "PYTHONDONTWRITEBYTECODE": "1"}


def check_project(project: Path, mypy_cache: Path) -> None:
    """The generated project's own gates: its test suite under -W error, ruff lint and format, mypy --strict."""
    env = project_env(project)
    commands = [
        [str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
        [str(BIN / "ruff"), "check", "--no-cache", "."],
        [str(BIN / "ruff"), "format", "--no-cache", "--check", "."],
        [str(BIN / "mypy"), "--cache-dir", str(mypy_cache), "src", "tests"],
    ]
    for command in commands:
        result = run(command, project, env)
        assert result.returncode == 0, f"{' '.join(command[:3])} failed in {project}:\n{result.stdout}\n{result.stderr}"


@contextmanager
def imported_settings(directory: Path, project_name: str) -> Iterator[ModuleType]:
    """A project rendered into `directory` with `project_name`, its settings module imported from its src/."""
    project = render(directory / "service", {"project_name": project_name})
    package = project_name.lower().replace(" ", "_")
    sys.path.insert(0, str(project / "src"))
    try:
        yield importlib.import_module(f"{package}.settings")
    finally:
        sys.path.remove(str(project / "src"))
        for name in [name for name in sys.modules if name.startswith(package)]:
            del sys.modules[name]
