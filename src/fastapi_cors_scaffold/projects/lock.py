"""A new project's lock file: `uv lock` run once after rendering, so that the first commit pins every dependency and
the generated Dockerfile and CI install exactly those versions.

The template never renders uv.lock. A rendered lock would conflict on every `copier update` once the owner adds a
dependency, and `uv lock` as a Copier task would need `--trust`. So the lock is the owner's file, written here once;
where uv or the package index cannot be reached, the person is told to run `uv lock` instead of `new` failing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

LOCK_FILE = "uv.lock"
# uv retries and times out each request itself; this only bounds a resolver that keeps going.
TIMEOUT = 600


def find_uv() -> str | None:
    """The uv the person runs (on PATH), else the binary the `uv` Python package installed beside this package."""
    if on_path := shutil.which("uv"):
        return on_path
    try:
        from uv import find_uv_bin
    except ImportError:
        return None
    try:
        return str(find_uv_bin())
    except FileNotFoundError:
        return None


def lock(project: Path) -> str | None:
    """Run `uv lock` in `project`: None once uv.lock is written, else one sentence on why not and what to run."""
    todo = f"run `uv lock` in {project} and commit {LOCK_FILE}"
    uv = find_uv()
    if uv is None:
        return f"uv was not found, so the dependencies are not locked: install uv, then {todo}."
    try:
        ran = subprocess.run(
            [uv, "lock"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"uv lock did not finish ({_reason(error)}): {todo}."
    if ran.returncode != 0 or not (project / LOCK_FILE).is_file():
        return f"uv lock failed ({_said(ran.stderr)}): {todo}."
    return None


def _said(stderr: str) -> str:
    """uv's error in one line: what failed (its `error:` line) and why (the innermost cause, e.g. a refused
    connection)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("error:").strip() for line in lines if line.startswith("error:")]
    causes = [line.removeprefix("cause:").strip() for line in lines if line.startswith("cause:")]
    said = ": ".join([*errors[:1], *causes[-1:]]) or (lines[-1] if lines else "no output")
    return said.rstrip(".")


def _reason(error: OSError | subprocess.TimeoutExpired) -> str:
    if isinstance(error, subprocess.TimeoutExpired):
        return f"no answer within {TIMEOUT} s"
    return error.strerror or str(error)
