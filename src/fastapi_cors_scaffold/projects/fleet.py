"""`update` over many projects: find them, update each from its own source, one outcome each, never stop early.

Copier's update works on a repository's index and changes the process's working directory, so projects inside one
git repository are updated one after another, and separate repositories in separate worker processes. Each worker
keeps one Copier mirror cache for its whole life, so a template is cloned once per worker, not once per project.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal

from fastapi_cors_scaffold.audit.model import Unknown
from fastapi_cors_scaffold.audit.reading import read_configurations
from fastapi_cors_scaffold.audit.tree import walk
from fastapi_cors_scaffold.errors import ConfigurationError, FleetError, Refusal
from fastapi_cors_scaffold.projects.answers import read_answers
from fastapi_cors_scaffold.projects.render import Updated, update_project
from fastapi_cors_scaffold.projects.template import Template
from fastapi_cors_scaffold.rules.policy import Policy
from fastapi_cors_scaffold.rules.questions import ANSWERS_FILE, FIELD_OF

# Questions every release of this template stores, which together tell its answers files from other templates'.
IDENTIFYING = frozenset({"project_name", "project_slug", "package_name", "customize"})
TEST_TIMEOUT = 900


@dataclass(frozen=True)
class Options:
    """What applies to every project of a fleet update."""

    data: Mapping[str, Any]
    defaults: bool
    conflict: Literal["inline", "rej"]
    vcs_ref: str | None
    template: Template
    test: bool = False

    def update(self, project: Path, *, quiet: bool) -> Updated:
        return update_project(
            project,
            self.data,
            self.template,
            defaults=self.defaults,
            conflict=self.conflict,
            vcs_ref=self.vcs_ref,
            quiet=quiet,
        )


@dataclass(frozen=True)
class Outcome:
    """One project's update: `status` is updated, current, conflicted, failed or skipped; `reason` says why not ok."""

    project: str
    status: str
    before: str | None = None
    after: str | None = None
    changed: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    reason: str = ""
    tests_passed: bool | None = None

    @property
    def ok(self) -> bool:
        return self.status in {"updated", "current"} and self.tests_passed is not False


def update(targets: Sequence[Path], options: Options, *, table: bool, quiet: bool) -> Updated | list[Outcome]:
    """Update the one project `targets` names in place, or every project of this template they name or hold.

    A single project is updated as `copier update` would (asking what no answer covers, unless `defaults`), unless
    `table` asks for the fleet's table of outcomes. Anything else is a fleet, which asks nothing, so it needs
    `defaults`.
    """
    only = targets[0] if len(targets) == 1 else None
    if only is not None and (only / ANSWERS_FILE).is_file() and not table:
        return options.update(only, quiet=quiet)
    if only is not None and not only.exists():
        raise FleetError(f"{only} does not exist: give the folder of a project made by `new` or `copier copy`.")
    if only is not None and not only.is_dir():
        raise FleetError(f"{only} is not a folder: give the folder of a project made by `new` or `copier copy`.")
    if not options.defaults:
        if only is not None and not (only / ANSWERS_FILE).is_file():
            raise FleetError(
                f"{only} has no {ANSWERS_FILE}: run update in a project, or pass --defaults to update every project "
                "of this template below it."
            )
        raise FleetError(
            "Updating several projects asks nothing: pass --defaults (and --data to change an answer in all)."
        )
    return update_fleet(find_projects(targets, options.template.question_names), options)


def find_projects(paths: Sequence[Path], questions: Iterable[str]) -> list[Path]:
    """Each path that is a project (has an answers file), and every project of this template below each directory."""
    known = frozenset(questions)
    found: dict[Path, None] = {}
    for path in paths:
        if (path / ANSWERS_FILE).is_file():
            found[path.resolve()] = None
            continue
        if not path.is_dir():
            raise FleetError(f"{path} is neither a project nor a directory: give projects or a folder holding them.")
        below = [project for project in _walk(path) if _may_be_ours(project, known)]
        if not below:
            raise FleetError(f"No project made from this template below {path} (none has a matching {ANSWERS_FILE}).")
        found.update(dict.fromkeys(below))
    return list(found)


def is_ours(answers: Mapping[str, Any], questions: frozenset[str]) -> bool:
    """Answers from this template: they hold its identifying questions and no question it never asked."""
    asked = {key for key in answers if not key.startswith("_")}
    return asked >= IDENTIFYING and asked <= questions


def _may_be_ours(project: Path, questions: frozenset[str]) -> bool:
    """Ours by its answers; an answers file that cannot be read (past the reading limits, not a mapping) is kept, to
    be that project's failure."""
    try:
        return is_ours(read_answers(project), questions)
    except ConfigurationError:
        return True


def update_fleet(projects: Sequence[Path], options: Options, *, workers: int | None = None) -> list[Outcome]:
    """Update every project; separate repositories concurrently, one repository's projects in turn."""
    groups: dict[Path, list[Path]] = {}
    for project in projects:
        groups.setdefault(_repository(project) or project, []).append(project)
    count = min(workers or os.cpu_count() or 1, len(groups))
    if count <= 1:
        outcomes = [outcome for group in groups.values() for outcome in update_group(group, options)]
    else:
        context = get_context("spawn")
        with ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker) as pool:
            results = list(pool.map(update_group, groups.values(), [options] * len(groups)))
        outcomes = [outcome for result in results for outcome in result]
    order = {project: index for index, project in enumerate(projects)}
    return sorted(outcomes, key=lambda outcome: order[Path(outcome.project)])


def update_group(projects: Sequence[Path], options: Options) -> list[Outcome]:
    return [update_one(project, options) for project in projects]


def update_one(project: Path, options: Options) -> Outcome:
    """Update one project, or say why it was skipped or failed; never raises for the project's own problems."""
    name = str(project)
    if _repository(project) is None:
        return Outcome(name, "skipped", reason="not a git repository: commit the project first")
    status = _git(project, "status", "--porcelain", "--", ".")
    if status.stdout.strip():
        return Outcome(name, "skipped", reason="uncommitted changes: commit or stash them first")
    before = _policy(project)
    try:
        updated = options.update(project, quiet=True)
    except Refusal as error:
        return Outcome(name, "failed", reason=str(error))
    except Exception as error:  # a fleet keeps going: one project's surprise is that project's failure
        return Outcome(name, "failed", reason=f"{type(error).__name__}: {' '.join(str(error).split())}")
    changed = _changed_recommendations(project, before, _policy(project))
    if updated.conflicts:
        outcome = Outcome(name, "conflicted", updated.before, updated.after, changed, updated.conflicts)
    else:
        status_name = "current" if updated.before == updated.after else "updated"
        outcome = Outcome(name, status_name, updated.before, updated.after, changed)
    if options.test and not updated.conflicts:
        passed, reason = run_project_tests(project)
        outcome = dataclasses.replace(outcome, tests_passed=passed, reason=reason)
    return outcome


def readme_test_command(project: Path) -> str:
    """The test command a generated project's README gives (the first line of a code block that runs pytest)."""
    readme = project / "README.md"
    text = readme.read_text(encoding="utf-8", errors="replace") if readme.is_file() else ""
    in_block = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        command = line.split("#", 1)[0].strip()
        if in_block and "pytest" in command:
            return command
    return "python -m pytest"


def run_project_tests(project: Path) -> tuple[bool, str]:
    """Run the project's own test command in it; (passed, why not)."""
    command = readme_test_command(project)
    try:
        result = subprocess.run(
            shlex.split(command), cwd=project, capture_output=True, text=True, timeout=TEST_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"`{command}` could not run: {error}"
    if result.returncode == 0:
        return True, ""
    lines = (result.stdout + result.stderr).strip().splitlines()
    return False, f"`{command}` failed: {lines[-1] if lines else result.returncode}"


def _start_worker() -> None:
    """A worker's own Copier mirror cache, shared by the projects it updates, gone with the worker's temp files."""
    os.environ["COPIER_CACHE_DIR"] = tempfile.mkdtemp(prefix="fastapi-cors-scaffold-fleet-")


def _walk(root: Path) -> list[Path]:
    return [directory.resolve() for directory, files in walk(root) if ANSWERS_FILE in files]


def _repository(project: Path) -> Path | None:
    result = _git(project, "rev-parse", "--show-toplevel")
    return Path(result.stdout.strip()).resolve() if result.returncode == 0 else None


def _git(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)


def _policy(project: Path) -> dict[str, Any]:
    """The project's CORS settings as its settings.py holds them (empty when it cannot be read, e.g. mid-conflict)."""
    fields = {field.name for field in dataclasses.fields(Policy)}
    try:
        reading = read_configurations([project / "src"], Policy)
    except (ConfigurationError, OSError, SyntaxError, ValueError):
        return {}
    settings = next((c for c in reading.configurations if c.environment_overrides), None)
    if settings is None:
        return {}
    return {s.name: s.value for s in settings.settings if s.name in fields and not isinstance(s.value, Unknown)}


def _changed_recommendations(project: Path, before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    """Settings the project follows (not stored in its answers) whose value the update changed: `name old → new`."""
    if not before or not after:
        return ()
    pinned = {FIELD_OF[key] for key in read_answers(project) if key in FIELD_OF}
    return tuple(
        f"{field} {_shown(before.get(field, '(none)'))} → {_shown(after[field])}"
        for field in after
        if field not in pinned and before.get(field) != after[field]
    )


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)
