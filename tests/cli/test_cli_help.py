"""The command starts fast: help and the pure commands never import Copier or the HTTP client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run_cli

PROBE = """
import sys
from typer.testing import CliRunner
from fastapi_cors_scaffold.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
assert result.exit_code in (0, 1), result.output
print(" ".join(sorted(name for name in ("copier", "httpx2") if name in sys.modules)))
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["new", "--help"], ["update", "--help"], ["check", "--help"], ["lint", "--origin", "*"]],
    ids=["help", "new", "update", "check", "lint"],
)
def test_no_heavy_import_without_need(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)

    assert result.returncode == 0
    for command in ("new", "update", "check", "lint", "template"):
        assert command in result.stdout
