"""The built wheel carries the template and its history: `new` and `update` work from a fresh venv, no checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from tests.support.cli import CANONICAL, CHECKOUT_VARIABLE, HOME_VARIABLE, committed_copy, only_local_git, run_cli
from tests.support.git import commit_all, git
from tests.support.paths import BIN

UV = BIN / "uv"


def uv(*args: str, cwd: Path) -> None:
    result = subprocess.run([str(UV), *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"uv {' '.join(args)}:\n{result.stdout}\n{result.stderr}"


@pytest.mark.skipif(not UV.exists(), reason="uv is a dev dependency; it builds and installs the wheel")
def test_the_wheel_renders_and_updates_from_a_fresh_venv_outside_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = committed_copy(tmp_path / "source")
    uv("build", "--quiet", "--out-dir", str(tmp_path / "dist"), cwd=source)  # sdist, then the wheel from the sdist
    wheel = next((tmp_path / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        ref = archive.read("fastapi_cors_scaffold/_template/ref").decode().strip()
    shipped = [name for name in names if name.startswith("fastapi_cors_scaffold/_template/")]
    assert "fastapi_cors_scaffold/_template/copier.yml" in shipped
    assert "fastapi_cors_scaffold/_template/history.bundle" in shipped
    assert not [name for name in shipped if "__pycache__" in name or ".ruff_cache" in name]

    uv("venv", "--quiet", "--python", sys.executable, str(tmp_path / "venv"), cwd=tmp_path)
    uv("pip", "install", "--quiet", "--python", str(tmp_path / "venv" / "bin" / "python"), str(wheel), cwd=tmp_path)
    command = str(tmp_path / "venv" / "bin" / "fastapi-cors-scaffold")
    env = {HOME_VARIABLE: str(tmp_path / "home"), "PYTHONPATH": ""}
    monkeypatch.delenv(CHECKOUT_VARIABLE, raising=False)
    only_local_git(monkeypatch)

    made = run_cli(
        "new",
        "service",
        "--defaults",
        "--quiet",
        "--origin",
        "https://app.example.com",
        cwd=tmp_path,
        env=env,
        command=command,
    )
    assert made.returncode == 0, made.stderr
    answers = yaml.safe_load((tmp_path / "service" / ".copier-answers.yml").read_text())
    assert answers["_commit"] == ref and Version(ref)
    assert answers["_src_path"] == CANONICAL, "offline, from the history in the wheel, yet the URL is recorded"
    assert answers["allow_origins"] == ["https://app.example.com"]

    git(tmp_path / "service", "init", "--quiet")
    commit_all(tmp_path / "service", "Generated")
    updated = run_cli("update", "--defaults", "--quiet", cwd=tmp_path / "service", env=env, command=command)
    assert updated.returncode == 0, updated.stderr
    assert not git(tmp_path / "service", "status", "--porcelain"), "re-applying the same version changes nothing"

    linted = run_cli("lint", "service", cwd=tmp_path, env=env, command=command)
    assert linted.returncode == 0, linted.stdout

    version = run_cli("--version", cwd=tmp_path, env=env, command=command)
    declared = tomllib.loads((source / "pyproject.toml").read_text())["project"]["version"]
    assert version.stdout == f"fastapi-cors-scaffold {declared}, template {ref}\n"

    (tmp_path / "a-file").write_text("")  # a home that cannot hold per-user data: the package's own history serves
    homeless = {HOME_VARIABLE: "", "HOME": str(tmp_path / "a-file"), "XDG_DATA_HOME": "", "COPIER_CACHE_DIR": ""}
    made = run_cli("new", "homeless", "--defaults", "--quiet", cwd=tmp_path, env=homeless, command=command)
    assert made.returncode == 0, made.stderr
    assert yaml.safe_load((tmp_path / "homeless" / ".copier-answers.yml").read_text())["_commit"] == ref

    # uv is not a dependency of the package: without it on PATH, `new` makes the project and says what to run.
    without_uv = {**env, "FASTAPI_CORS_SCAFFOLD_LOCK": "1", "PATH": os.pathsep.join(["/usr/bin", "/bin"])}
    assert shutil.which("uv", path=without_uv["PATH"]) is None
    made = run_cli("new", "unlocked", "--defaults", "--quiet", cwd=tmp_path, env=without_uv, command=command)
    assert made.returncode == 0, made.stderr
    assert made.stderr == (
        "warning: uv was not found, so the dependencies are not locked: install uv, then run `uv lock` in unlocked "
        "and commit uv.lock.\n"
    )
    assert "Next: cd unlocked && uv lock && git init" in made.stdout
    assert (tmp_path / "unlocked" / "pyproject.toml").is_file() and not (tmp_path / "unlocked" / "uv.lock").exists()
