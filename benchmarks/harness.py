"""What every figure shares: running a command and timing it, runs taken in turn, and a row set against its baseline.

A figure is never an absolute time: it is a median over runs alternated with a baseline measured in the same run on
the same machine, so that the load of whatever else runs here hits both alike.
"""

from __future__ import annotations

import importlib.metadata
import math
import os
import resource
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.git import GIT_IDENTITY
from tests.support.paths import BIN


@dataclass
class Row:
    """One line of the table: a measured value, its baseline, and the target it is judged against."""

    figure: str
    what: str
    value: float | None
    unit: str
    baseline_what: str = ""
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    cpu: float | None = None
    baseline_cpu: float | None = None
    spread: list[float] = field(default_factory=list)
    runs: list[float] = field(default_factory=list)
    baseline_runs: list[float] = field(default_factory=list)


@dataclass
class Options:
    runs: int
    duration: int
    warmup: int
    connections: int
    only: tuple[str, ...]


class Unavailable(Exception):
    """A figure that cannot be measured here; the message says why."""


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without the variables that would leak our imports into another venv, with a git identity."""
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}}
    return {**env, **GIT_IDENTITY, **(extra or {})}


def run(
    command: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None, ok: Sequence[int] = (0,)
) -> str:
    """Run a command to completion; raise with the end of its output when it exits with a status not in `ok`."""
    result = subprocess.run(
        list(command), cwd=cwd, env=clean_env(env), capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode not in ok:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(map(str, command[:4]))} exited {result.returncode}: {' / '.join(tail)}")
    return result.stdout


class Timing(float):
    """Wall time in seconds, carrying the CPU time (user + system) the command and its children used."""

    cpu: float

    def __new__(cls, wall: float, cpu: float = math.nan) -> Timing:
        timing = super().__new__(cls, wall)
        timing.cpu = cpu
        return timing

    def __getnewargs__(self) -> tuple[float, float]:  # type: ignore[override]
        return float(self), self.cpu


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    command: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None, ok: Sequence[int] = (0,)
) -> Timing:
    """Wall time of one run of a command, with its CPU time: the CPU time hardly moves when the machine is busy."""
    cpu, start = children_cpu(), time.perf_counter()
    run(command, cwd, env, ok)
    return Timing(time.perf_counter() - start, children_cpu() - cpu)


def alternate(measures: Sequence[Callable[[int], float]], runs: int, warmup: int = 1) -> list[list[float]]:
    """Run each `measure(i)` `warmup` times unrecorded, then `runs` times, the measures taken in turn so that drift
    on the machine hits them all alike; one list of results per measure."""
    for i in range(warmup):
        for measure in measures:
            measure(-1 - i)
    results: list[list[float]] = [[] for _ in measures]
    for i in range(runs):
        for result, measure in zip(results, measures, strict=True):
            result.append(measure(i))
    return results


def tool(name: str) -> str:
    """A program of this environment's bin directory, else of PATH."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise Unavailable(f"`{name}` is not installed")
    return found


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def rounded(values: Sequence[float]) -> list[float]:
    return [round(float(value), 4) for value in values]


def fit_slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of ys over xs."""
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)


def cpu_median(runs: Sequence[float]) -> float:
    """The median CPU time of Timings (NaN for plain numbers)."""
    return median([getattr(run, "cpu", math.nan) for run in runs])


def ratio_row(
    figure: str,
    what: str,
    runs: list[float],
    baseline_what: str,
    baseline_runs: list[float],
    unit: str,
    limit: float | None = None,
    floor: float | None = None,
) -> Row:
    """`limit`: the value may be at most limit x the baseline (times); `floor`: at least floor x (rates)."""
    value, baseline = median(runs), median(baseline_runs)
    ratio = value / baseline
    target, met = "report", None
    if limit is not None:
        target, met = f"≤ {limit}x", ratio <= limit
    if floor is not None:
        target, met = f"≥ {floor}x", ratio >= floor
    precision = 0 if unit == "req/s" else 3
    row = Row(
        figure,
        what,
        round(value, precision),
        unit,
        baseline_what,
        round(baseline, precision),
        round(ratio, 3),
        target,
        met,
        spread=paired_spread(runs, baseline_runs),
        runs=rounded(runs),
        baseline_runs=rounded(baseline_runs),
    )
    if all(isinstance(run, Timing) for run in [*runs, *baseline_runs]):
        row.cpu, row.baseline_cpu = round(cpu_median(runs), 3), round(cpu_median(baseline_runs), 3)
        row.note = f"CPU time {row.cpu:.3f} s vs {row.baseline_cpu:.3f} s ({row.cpu / row.baseline_cpu:.2f}x)"
    return row


def paired_spread(runs: Sequence[float], baseline_runs: Sequence[float]) -> list[float]:
    """Quartiles of the ratios of runs taken in the same round (interleaved), when there are enough of them."""
    if len(runs) != len(baseline_runs) or len(runs) < 3:
        return []
    ratios = [run / base for run, base in zip(runs, baseline_runs, strict=True)]
    first, _, third = statistics.quantiles(ratios, n=4, method="inclusive")
    return [round(first, 3), round(third, 3)]
