"""The command line: choose figures and run counts, measure, print the table and write the JSON.

    python -m benchmarks                 # from the repository root; a few minutes
    python -m benchmarks --quick         # one short run of everything, to check that it works
    python -m benchmarks --only generation,tests --runs 7 --json /tmp/results.json

Needs: this repository installed with its dev extras in the running Python, git, and wrk (Debian package `wrk`); the
lint figure needs the bench extra too (Semgrep): `pip install -e ".[dev,bench]"`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import benchmarks
from benchmarks.cli import cli
from benchmarks.environments import ENVIRONMENTS, Installed, install
from benchmarks.fleet import fleet
from benchmarks.generation import generation
from benchmarks.harness import Options, Row, Unavailable, run
from benchmarks.lint import lint
from benchmarks.origins import origins
from benchmarks.report import machine, table, verdict
from benchmarks.service import service
from benchmarks.suite import suite
from benchmarks.templates import copier_copy, release_of_working_tree
from benchmarks.update import update

FIGURES = ("generation", "cli", "tests", "service", "origins", "update", "fleet", "lint")
RESULTS = Path(__file__).resolve().parent / "results.json"


def measure(options: Options) -> list[Row]:
    """Every chosen figure in turn, in one work folder; a figure that fails is reported and the others still run."""
    rows: list[Row] = []

    def figure(name: str, compute: Callable[[], list[Row]]) -> list[Row]:
        if name not in options.only:
            return []
        print(f"measuring {name} …", file=sys.stderr, flush=True)
        try:
            measured = compute()
        except Unavailable as reason:
            measured = [Row(name, "unavailable", None, "", note=str(reason))]
        except Exception as error:
            measured = [Row(name, "failed", None, "", note=f"{type(error).__name__}: {error}")]
        rows.extend(measured)
        return measured

    with tempfile.TemporaryDirectory(prefix="fastapi-cors-scaffold-bench-") as temporary:
        work = Path(temporary)
        template = release_of_working_tree(work / "template")
        installed: list[Installed] = []

        def prepared() -> Installed:
            """The default project generated and installed once, for the figures that run it."""
            if not installed:
                run(copier_copy(template, work / "service"))
                installed.append(install(work / "service", work / "venv"))
            return installed[0]

        copied = figure("generation", lambda: generation(work, template, options))
        figure("cli", lambda: cli(work, options))
        figure("tests", lambda: suite(work, prepared(), options))
        figure("service", lambda: service(work, prepared(), options))
        figure("origins", lambda: origins(prepared(), options))
        copy_seconds = copied[0].value if copied and copied[0].unit == "s" else None
        figure("update", lambda: update(work, template, copy_seconds, options))
        figure("fleet", lambda: fleet(work, options))
        figure("lint", lambda: lint(work, options))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=(benchmarks.__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--runs", type=int, default=5, help="measured runs per figure (default 5)")
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--quick", action="store_true", help="one run of everything, 1 s per wrk run")
    parser.add_argument("--only", default=",".join(FIGURES), help=f"comma-separated figures among {','.join(FIGURES)}")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    arguments = parser.parse_args(argv)
    only = tuple(name.strip() for name in arguments.only.split(",") if name.strip())
    if unknown := set(only) - set(FIGURES):
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    options = Options(
        runs=1 if arguments.quick else max(arguments.runs, 1),
        duration=1 if arguments.quick else max(arguments.duration, 1),
        warmup=1,
        connections=arguments.connections,
        only=only,
    )
    meta = machine()
    meta["options"] = asdict(options)
    started = time.perf_counter()
    rows = measure(options)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    meta["environments"] = {"benchmark": meta["versions"], **ENVIRONMENTS}
    print(table(rows, meta))
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    results = {"meta": meta, "rows": [{**asdict(row), "verdict": verdict(row)} for row in rows]}
    arguments.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {arguments.json} in {meta['seconds']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
