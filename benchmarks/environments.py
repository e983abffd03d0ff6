"""The venvs the generated project and the recipe run in, installed as their READMEs say, from the package index."""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.harness import Unavailable, run, tool

PROGRAMS = Path(__file__).resolve().parent / "programs"

ENVIRONMENTS: dict[str, dict[str, str]] = {}
"""Versions of the main packages in each venv the benchmarks create, for the table and the JSON."""


@dataclass(frozen=True)
class Installed:
    """A generated project and the environment it runs in: its venv's python and the variables to run it with."""

    project: Path
    python: Path
    env: dict[str, str] = field(default_factory=dict)
    how: str = ""


def fresh_venv(venv: Path, requirements: Sequence[str], name: str) -> Path:
    """A venv holding only `requirements` (uv, from the package index or uv's cache), compiled like pip does."""
    run([tool("uv"), "venv", "-q", "--python", sys.executable, str(venv)])
    python = venv / "bin" / "python"
    run([tool("uv"), "pip", "install", "-q", "--compile-bytecode", "--python", str(python), *requirements])
    ENVIRONMENTS[name] = json.loads(run([str(python), str(PROGRAMS / "package_versions.py")]))
    return python


def install(project: Path, venv: Path) -> Installed:
    """Install the generated project as its README says (`pip install -e ".[dev]"`) into a venv of its own.

    Without a package index, fall back to a venv that sees this environment's packages, with the project added.
    """
    with contextlib.suppress(RuntimeError, Unavailable):
        python = fresh_venv(venv, ["-e", f"{project}[dev]"], "generated")
        return Installed(project, python, {}, "its own venv (uv pip install -e .[dev])")
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip())
    parent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_benchmark_parent.pth").write_text("\n".join(sorted(parent)) + "\n")
    with contextlib.suppress(RuntimeError, Unavailable):
        run([tool("uv"), "pip", "install", "--python", str(python), "--no-deps", "-e", str(project)])
        return Installed(project, python, {}, "this environment's packages + uv pip install --no-deps -e (no index)")
    return Installed(project, python, {"PYTHONPATH": str(project / "src")}, "this environment's packages + PYTHONPATH")


def single_package(project: Path) -> str:
    """The import name of the generated project's one package under src/."""
    packages = [path.name for path in (project / "src").iterdir() if path.is_dir() and not path.name.endswith("info")]
    if len(packages) != 1:
        raise RuntimeError(f"expected one package in {project / 'src'}, found {packages}")
    return packages[0]
