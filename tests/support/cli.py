"""Shared pieces of the CLI tests: running the command in-process and as a subprocess, and its per-test homes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from plumbum import local
from typer.testing import CliRunner, Result

from fastapi_cors_scaffold.cli import app
from fastapi_cors_scaffold.projects import history
from tests.support.git import commit_all, git
from tests.support.paths import BIN, REPOSITORY

COMMAND = str(BIN / "fastapi-cors-scaffold")
TEMPLATE_PATHS = history.TEMPLATE_PATHS
HOME_VARIABLE = "FASTAPI_CORS_SCAFFOLD_HOME"
CHECKOUT_VARIABLE = "FASTAPI_CORS_SCAFFOLD_CHECKOUT"
TEMPLATE_VARIABLE = "FASTAPI_CORS_SCAFFOLD_TEMPLATE"
CANONICAL = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


# Git may fetch local repositories and bundles only: a run that tried the real network would fail, not send traffic.
LOCAL_GIT_ONLY = ("GIT_ALLOW_PROTOCOL", "file")


def only_local_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """LOCAL_GIT_ONLY for subprocesses and for in-process Copier (plumbum keeps its own copy of the environment)."""
    monkeypatch.setenv(*LOCAL_GIT_ONLY)
    monkeypatch.setitem(local.env, *LOCAL_GIT_ONLY)


@contextmanager
def in_process_git(variables: Mapping[str, str]) -> Iterator[None]:
    """Environment variables for the git that in-process Copier runs."""
    with local.env(**variables):
        yield


def network(served: Path) -> dict[str, str]:
    """Environment in which git fetches the canonical URL from `served`: the tests' stand-in for the network."""
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{served}.insteadOf",
        "GIT_CONFIG_VALUE_0": CANONICAL,
    }


def published(checkout: Path, destination: Path) -> Path:
    """The template's repository as its public server would hold it: a bare clone with the release tags."""
    git(checkout.parent, "clone", "--quiet", "--bare", str(checkout), str(destination))
    return destination


def invoke(*args: str, env: Mapping[str, str] | None = None) -> Result:
    """The command in-process through Typer's runner; stdin is not a terminal there."""
    return CliRunner().invoke(app, list(args), env=dict(env or {}), catch_exceptions=False)


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    """`check ARGS --json` in-process: its exit status (0 or 1, never a refusal) and its report."""
    result = invoke("check", *args, "--json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def run_cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, command: str = COMMAND
) -> subprocess.CompletedProcess[str]:
    """The installed console script in a subprocess, as a person runs it."""
    return subprocess.run(
        [command, *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def committed_copy(destination: Path, *paths: str) -> Path:
    """A fresh one-commit repository holding `paths` (default: everything) as committed at this repository's HEAD.

    Independent of how this repository was cloned (a shallow CI checkout has no history to bundle) and of anyone's
    uncommitted edits.
    """
    destination.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD", *paths], cwd=REPOSITORY, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    git(destination, "init", "--quiet")
    commit_all(destination, "Template as committed")
    return destination


def released_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: str = "home", cache: str = "copier-cache"
) -> Path:
    """A clone of this repository whose template is released as 1.0.0, used by the CLI as its checkout, with a
    per-test user home and Copier cache and only local git transports."""
    clone = committed_copy(tmp_path / "template", *TEMPLATE_PATHS)
    git(clone, "tag", "1.0.0")
    monkeypatch.setenv(CHECKOUT_VARIABLE, str(clone))
    monkeypatch.setenv(HOME_VARIABLE, str(tmp_path / home))
    monkeypatch.setenv("COPIER_CACHE_DIR", str(tmp_path / cache))
    only_local_git(monkeypatch)
    return clone
