"""What `update` did: one project's versions before and after, or a fleet's outcomes as one table for people or as
JSON for programs."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from fastapi_cors_scaffold.projects.fleet import Outcome
from fastapi_cors_scaffold.projects.render import Updated


def show_update(console: Console, target: Path, result: Updated | list[Outcome], *, as_json: bool) -> bool:
    """Say what `update` did; whether it all went well (no conflict, failure or skipped project)."""
    if isinstance(result, list):
        if as_json:
            console.out(json.dumps(outcomes_json(result), indent=2), highlight=False)
        else:
            print_outcomes(console, result)
        return all(outcome.ok for outcome in result)
    if result.before == result.after:
        console.print(f"{target} is at template {result.after}; re-applied it.", markup=False)
    else:
        console.print(f"Updated {target} from template {result.before} to {result.after}.", markup=False)
    if result.conflicts:
        sys.stderr.write(f"Resolve the conflicts in: {', '.join(result.conflicts)}\n")
    return not result.conflicts


def print_outcomes(console: Console, outcomes: Sequence[Outcome]) -> None:
    """One table: project, release from → to, recommendations that changed, conflicts, tests; then why not ok."""
    table = Table(box=None, pad_edge=False)
    table.add_column("project", overflow="fold")
    for column in ("status", "release"):
        table.add_column(column, no_wrap=True)
    for column in ("recommendations changed", "conflicts", "tests"):
        table.add_column(column)
    for outcome in outcomes:
        release = f"{outcome.before} → {outcome.after}" if outcome.before != outcome.after else str(outcome.after)
        tests = {None: "", True: "passed", False: "FAILED"}[outcome.tests_passed]
        table.add_row(
            outcome.project,
            outcome.status,
            release if outcome.before else "",
            "\n".join(outcome.changed),
            "\n".join(outcome.conflicts),
            tests,
        )
    console.print(table)
    for outcome in outcomes:
        if outcome.reason:
            console.print(f"{outcome.project}: {outcome.reason}")
    done = sum(outcome.ok for outcome in outcomes)
    console.print(f"{done} of {len(outcomes)} projects updated or current.")


def outcomes_json(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    return [{**dataclasses.asdict(outcome), "ok": outcome.ok} for outcome in outcomes]
