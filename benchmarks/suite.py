"""The generated project's own test suite against a one-test FastAPI suite, both run by the same venv's pytest.

What start-up, imports and fixtures the generated tests add beyond the least any FastAPI suite pays.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.baselines import copied
from benchmarks.environments import Installed
from benchmarks.harness import Options, Row, alternate, ratio_row, timed

LIMIT = 1.5


def suite(work: Path, installed: Installed, options: Options) -> list[Row]:
    baseline = copied("one_test_suite", work)
    pytest = [str(installed.python), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    ours, floor = alternate(
        [lambda _: timed(pytest, installed.project, installed.env), lambda _: timed(pytest, baseline, installed.env)],
        options.runs,
    )
    row = ratio_row("tests", "generated project's pytest", ours, "one-test FastAPI suite", floor, "s", limit=LIMIT)
    row.note += f"; both in the generated project's venv, installed with {installed.how}"
    return [row]
