"""`fastapi-cors-scaffold update ROOT` over 20 committed projects, v1.0.0 → v1.1.0, against a shell loop of plain
`copier update` over the same 20; each run starts from a fresh copy of the same generated fleet."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from benchmarks.harness import Options, Row, Timing, alternate, ratio_row, timed, tool
from benchmarks.templates import committed_project, is_updated, next_release, release_of_working_tree
from tests.support.paths import BIN

FLEET_SIZE = 20
LIMIT = 0.6
LOOP = 'for project in */; do (cd "$project" && copier update --defaults --quiet) || exit 1; done'


def fleet(work: Path, options: Options) -> list[Row]:
    template = release_of_working_tree(work / "fleet-template")
    generated = work / "fleet-generated"
    for i in range(FLEET_SIZE):
        committed_project(template, generated / f"service-{i:02d}", "v1.0.0")
    next_release(template)
    env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}

    def measured(name: str, command: Callable[[Path], list[str]]) -> Timing:
        root = work / name
        shutil.copytree(generated, root, symlinks=True)
        timing = timed(command(root), root, env)
        if stale := [project.name for project in root.iterdir() if not is_updated(project)]:
            raise RuntimeError(f"{len(stale)} projects not at v1.1.0 after the update, e.g. {stale[0]}")
        return timing

    def ours(root: Path) -> list[str]:
        return [tool("fastapi-cors-scaffold"), "update", str(root), "--defaults"]

    runs, loops = alternate(
        [
            lambda i: measured(f"fleet-ours-{i}", ours),
            lambda i: measured(f"fleet-loop-{i}", lambda _: ["bash", "-c", LOOP]),
        ],
        options.runs,
        warmup=0,
    )
    what = f"fastapi-cors-scaffold update ROOT, {FLEET_SIZE} projects"
    return [ratio_row("fleet", what, runs, "shell loop of copier update", loops, "s", limit=LIMIT)]
