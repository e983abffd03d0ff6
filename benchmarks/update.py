"""`copier update` from v1.0.0 to v1.1.0 (a changed README) on a committed project, against `copier copy` of v1.1.0.

An update renders the project twice (old and new release) and merges: what it costs beyond one copy.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.harness import Options, Row, alternate, ratio_row, timed, tool
from benchmarks.templates import committed_project, copier_copy, is_updated, next_release


def update(work: Path, template: Path, copy_seconds: float | None, options: Options) -> list[Row]:
    projects = [committed_project(template, work / f"to-update-{i}", "v1.0.0") for i in range(-1, options.runs)]
    next_release(template)
    command = [tool("copier"), "update", "--defaults"]
    timed(command, projects[0])
    if not is_updated(projects[0]):
        raise RuntimeError("copier update did not bring v1.1.0 into the project")
    updates = iter(projects[1:])
    runs, copies = alternate(
        [lambda _: timed(command, next(updates)), lambda i: timed(copier_copy(template, work / f"copy-v1.1-{i}"))],
        options.runs,
        warmup=0,
    )
    row = ratio_row("update", "copier update --defaults, v1.0.0 → v1.1.0", runs, "copier copy --defaults", copies, "s")
    if copy_seconds:
        row.note += f"; copy of v1.0.0 in the generation figure: {copy_seconds:.3f} s"
    return [row]
