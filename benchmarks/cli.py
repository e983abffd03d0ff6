"""`fastapi-cors-scaffold --help` against a bare Typer app with the same command names: what our imports cost."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.baselines import TYPER_APP
from benchmarks.environments import PROGRAMS
from benchmarks.harness import Options, Row, alternate, clean_env, median, ratio_row, rounded, run, timed, tool

LIMIT = 1.1


def cli(work: Path, options: Options) -> list[Row]:
    names = json.loads(run([sys.executable, str(PROGRAMS / "command_names.py")]))
    baseline_env = {"BASELINE_COMMANDS": json.dumps(names)}
    ours_command = [tool("fastapi-cors-scaffold"), "--help"]
    baseline_command = [sys.executable, str(TYPER_APP), "--help"]
    ours, floor, bare = alternate(
        [
            lambda _: timed(ours_command),
            lambda _: timed(baseline_command, env=baseline_env),
            lambda _: timed([sys.executable, "-c", "pass"]),
        ],
        max(options.runs * 2, 3),
    )
    baseline_what = f"Typer app with the same commands ({', '.join(names) or 'one command'})"
    row = ratio_row("cli", "fastapi-cors-scaffold --help", ours, baseline_what, floor, "s", limit=LIMIT)
    extra = extra_imports(ours_command, baseline_command, baseline_env)
    row.note += "; imports beyond the baseline: " + (", ".join(extra) or "none")
    return [
        row,
        Row("cli", "python -c pass (the interpreter's start-up)", round(median(bare), 3), "s", runs=rounded(bare)),
    ]


def imported(command: Sequence[str], env: dict[str, str] | None = None) -> dict[str, int]:
    """Self time in µs of every module `command` imports (-X importtime), `command` being a Python script."""
    program = command[0] if command[0] != sys.executable else None
    argv = [sys.executable, "-X", "importtime", *([program] if program else []), *command[1:]]
    result = subprocess.run(argv, env=clean_env(env), capture_output=True, text=True, timeout=120, check=False)
    found = re.finditer(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", result.stderr)
    return {match[2]: int(match[1]) for match in found}


def extra_imports(ours: Sequence[str], baseline: Sequence[str], env: dict[str, str], top: int = 6) -> list[str]:
    """Packages the real CLI imports for --help and the baseline does not, heaviest first."""
    theirs = imported(baseline, env)
    costs: dict[str, int] = {}
    for name, micros in imported(ours).items():
        if name not in theirs:
            package = name.split(".")[0]
            costs[package] = costs.get(package, 0) + micros
    return [f"{name} {micros / 1000:.1f} ms" for name, micros in sorted(costs.items(), key=lambda item: -item[1])[:top]]
