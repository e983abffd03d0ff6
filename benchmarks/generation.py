"""`copier copy --defaults` of this template against the one-file template: what our questions and files cost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from benchmarks.baselines import one_file_template
from benchmarks.harness import Options, Row, alternate, median, ratio_row, rounded, timed, tool
from benchmarks.templates import copier_copy, file_count

LIMIT = 1.3


def generation(work: Path, template: Path, options: Options) -> list[Row]:
    baseline = one_file_template(work)

    def copy(source: Path, name: str) -> Callable[[int], float]:
        return lambda i: timed(copier_copy(source, work / f"{name}-{i}"))

    ours, floor, startup = alternate(
        [copy(template, "copy"), copy(baseline, "copy-one-file"), lambda _: timed([tool("copier"), "--version"])],
        options.runs,
    )
    what = f"copier copy --defaults, this template ({file_count(work / 'copy-0')} files)"
    return [
        ratio_row("generation", what, ours, "one-file template", floor, "s", limit=LIMIT),
        Row(
            "generation", "copier --version (Copier's start-up)", round(median(startup), 3), "s", runs=rounded(startup)
        ),
    ]
