"""The table and the JSON: the machine a run was taken on, each row's verdict against its target."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import Any

from benchmarks.harness import Row, version
from tests.support.git import git
from tests.support.paths import REPOSITORY


def machine() -> dict[str, Any]:
    """What a reader needs to compare two runs: cores, load, versions, and the commit measured."""
    wrk_version = "not installed"
    if shutil.which("wrk"):
        output = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        wrk_version = (output.stdout or output.stderr).split("[")[0].strip()
    dirty = git(REPOSITORY, "status", "--porcelain")
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            name: version(name) for name in ("copier", "fastapi", "starlette", "uvicorn", "typer", "pydantic-settings")
        },
        "wrk": wrk_version,
        "commit": git(REPOSITORY, "rev-parse", "HEAD") + ("+dirty" if dirty else ""),
    }


def verdict(row: Row) -> str:
    """ok or MISSED by the medians; a miss whose bound lies between the quartiles of the paired ratios is noise."""
    if row.met is None:
        return row.note if row.value is None else ""
    if row.met:
        return "ok"
    bound = re.search(r"[\d.]+", row.target)
    if row.spread and bound and row.spread[0] <= float(bound[0]) <= row.spread[1]:
        return "within noise"
    return "MISSED"


def show(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "req/s":
        return f"{value:,.0f}/s"
    return f"{value:g} {unit}"


def header(meta: Mapping[str, Any]) -> list[str]:
    versions = ", ".join(f"{name} {value}" for name, value in meta["versions"].items())
    options = meta["options"]
    return [
        f"{meta['cores']} cores (load {meta['load_average'][0]}), Python {meta['python']}, {versions}",
        f"wrk {meta['wrk']}; commit {meta['commit']}",
        *(
            f"{name} venv: " + ", ".join(f"{package} {value}" for package, value in packages.items())
            for name, packages in meta.get("environments", {}).items()
            if name != "benchmark"
        ),
        f"medians of {options['runs']} runs; wrk -t1 -c{options['connections']} -d{options['duration']}s, server and"
        " wrk pinned to one core each; wrk's req/s move with whatever else runs on the machine, the server's CPU time"
        " per request (lower is better) much less",
        "",
    ]


def cells(row: Row) -> tuple[str, ...]:
    ratio = ""
    if row.ratio is not None:
        ratio = f"{row.ratio:.2f}x" + (" [{:.2f}-{:.2f}]".format(*row.spread) if row.spread else "")
    base_unit = row.unit if row.unit != "µs/1000 origins" else "µs"
    return (
        row.figure,
        row.what,
        show(row.value, row.unit),
        row.baseline_what,
        show(row.baseline, base_unit) if row.baseline_what else "",
        ratio,
        row.target,
        verdict(row),
    )


def table(rows: Sequence[Row], meta: Mapping[str, Any]) -> str:
    lines: list[tuple[str, ...]] = [
        ("figure", "measured", "value", "baseline", "base", "ratio [paired quartiles]", "target", "")
    ]
    lines += [cells(row) for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in lines]
    text.insert(1, "  ".join("-" * width for width in widths))
    notes = [f"  {row.figure}: {row.note}" for row in rows if row.note and row.value is not None]
    return "\n".join(header(meta) + text + (["", "notes:", *notes] if notes else []))
