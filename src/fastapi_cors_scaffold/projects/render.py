"""Rendering and updating projects with Copier: the one module that imports it (about a third of a second).

Copier reports a bad answer as `ValueError: Validation error for question ...` under a traceback and other refusals
as its own exceptions; here each becomes a `ScaffoldError` carrying one line for the person, naming the flag.
A project records the source it was made from; when that is the canonical URL and this installation has the
versions needed, Copier runs with the URL served from the local history (see `shipped`), so no network is needed.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import copier
from copier.errors import CopierAnswersInterrupt, CopierError
from plumbum import local
from plumbum.commands.processes import ProcessExecutionError

from fastapi_cors_scaffold.errors import ScaffoldError
from fastapi_cors_scaffold.projects.answers import read_answers, stored_answer_errors, typed_data
from fastapi_cors_scaffold.projects.history import bundle_heads, release_names
from fastapi_cors_scaffold.projects.template import (
    USER_BUNDLE,
    InstalledTemplate,
    Template,
    canonical_source,
    chosen_source,
    process_scratch,
    same_source,
)
from fastapi_cors_scaffold.rules.questions import ANSWERS_FILE, FLAGS

_VALIDATION = re.compile(
    r"(?:Validation error for question|Invalid choice for) '(?P<question>[^']+)': (?P<message>.*)", re.DOTALL
)


@dataclass(frozen=True)
class Updated:
    """The template version a project was at before an update and is at after it."""

    before: str
    after: str
    conflicts: tuple[str, ...]


@dataclass(frozen=True)
class Created:
    """Where a new project says it comes from, and the template version it was rendered from."""

    source: str
    ref: str


def new_project(
    destination: Path,
    data: Mapping[str, Any],
    template: Template,
    *,
    defaults: bool,
    quiet: bool,
    source: str | None = None,
) -> Created:
    """`copier copy` into `destination` with exactly `data` as answers, recording the chosen source.

    The canonical source is rendered at the version this package ships, from its own history; any other source
    as Copier would use it.
    """
    _need_terminal_unless(defaults)
    _writable_destination(destination)
    recorded = chosen_source(source)
    served = template.install() if same_source(recorded, canonical_source()) else None
    created = not destination.exists()
    try:
        with _copier_errors(), _served(served):
            copier.run_copy(
                recorded,
                destination,
                data=dict(data),
                defaults=defaults,
                vcs_ref=served.ref if served else None,
                unsafe=False,
                quiet=quiet,
            )
    except BaseException:
        if created and destination.exists():
            shutil.rmtree(destination, ignore_errors=True)
        raise
    return Created(recorded, str(_recorded(destination).get("_commit")))


def update_project(
    destination: Path,
    data: Mapping[str, Any],
    template: Template,
    *,
    defaults: bool,
    conflict: Literal["inline", "rej"],
    vcs_ref: str | None,
    quiet: bool,
) -> Updated:
    """`copier update` of `destination` from the source it recorded.

    A project from the canonical source (or from an older per-user bundle) goes to the version this package ships,
    served from the local history when it holds both ends; otherwise Copier fetches the source as usual. A stored
    answer this release refuses is refused here, naming the `--data` that replaces it, before Copier runs.
    """
    before = _recorded(destination)
    if refused := stored_answer_errors({**before, **typed_data(data)}, template.recommendation):
        raise ScaffoldError(refused[0])
    _need_terminal_unless(defaults)
    source = str(before.get("_src_path", ""))
    commit = str(before.get("_commit", ""))
    served: InstalledTemplate | None = None
    not_shipped = ""  # the releases this package ships, when --vcs-ref asks for another
    ref = vcs_ref
    if same_source(source, canonical_source()):
        installed = template.install()
        known = {name.removeprefix("refs/tags/") for name in bundle_heads(installed.history)}
        ref = vcs_ref or installed.ref
        if ref in known and (commit in known or "+git-g" in commit):
            served = installed
        elif vcs_ref and vcs_ref not in known:
            not_shipped = ", ".join(release_names(known)) or "none"
    elif Path(source).name == USER_BUNDLE:
        installed = template.install()
        if _is_same_file(source, installed.history):
            ref = vcs_ref or installed.ref
        elif not Path(source).exists():
            raise ScaffoldError(
                f"{destination / ANSWERS_FILE} records _src_path {source}, another machine's copy of this template; "
                f"set it to {installed.canonical}, commit, and run update again."
            )
    try:
        with _copier_errors(flags={}), _served(served):
            copier.run_update(
                destination,
                data=dict(data),
                defaults=defaults,
                overwrite=True,
                conflict=conflict,
                vcs_ref=ref,
                unsafe=False,
                quiet=quiet,
            )
    except ScaffoldError as error:
        if not_shipped:
            raise ScaffoldError(
                f"--vcs-ref {vcs_ref} is not a release this package ships ({not_shipped}): {error}"
            ) from None
        raise
    after = _recorded(destination)
    return Updated(str(before.get("_commit")), str(after.get("_commit")), _conflicted(destination))


@contextmanager
def _served(template: InstalledTemplate | None) -> Iterator[None]:
    """Serve the canonical URL from the local history for this process's git runs; give Copier a cache it can write.

    A served run keeps Copier's mirror of the URL in this process's scratch directory, apart from the user's cache
    of the real remote.
    """
    variables = template.serving() if template else {}
    if template:
        variables["COPIER_CACHE_DIR"] = str(Path(process_scratch()) / "copier-cache")
    elif not _cache_writable():
        variables["COPIER_CACHE_DIR"] = tempfile.mkdtemp(prefix="fastapi-cors-scaffold-copier-")
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        with local.env(**variables):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _cache_writable() -> bool:
    """Whether Copier's mirror cache ($COPIER_CACHE_DIR or the per-user cache) can be created and written."""
    override = os.environ.get("COPIER_CACHE_DIR")
    try:
        if override:
            cache = Path(override)
        else:
            from platformdirs import user_cache_dir

            if not os.environ.get("HOME") and not os.environ.get("XDG_CACHE_HOME"):
                return False
            cache = Path(user_cache_dir("copier", appauthor=False)) / "git"
        cache.mkdir(parents=True, exist_ok=True)
        return os.access(cache, os.W_OK | os.X_OK)
    except (OSError, RuntimeError):
        return False


def _writable_destination(destination: Path) -> None:
    """Refuse, before anything is written, a destination in the way or under a directory that cannot be written."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise ScaffoldError(f"{destination} already exists and is not empty: choose a new directory.")
    ancestor = destination.absolute()
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise ScaffoldError(f"{destination} cannot be created: {ancestor} is not a writable directory.")


def _recorded(destination: Path) -> dict[str, Any]:
    if not (destination / ANSWERS_FILE).is_file():
        raise ScaffoldError(f"{destination} has no {ANSWERS_FILE}: it was not made by `new` or `copier copy`.")
    return read_answers(destination)


def _need_terminal_unless(defaults: bool) -> None:
    """Copier asks the questions no answer covers, which needs a person at a terminal."""
    if not defaults and not sys.stdin.isatty():
        raise ScaffoldError(
            "Questions without a flag need a terminal to be asked: pass --defaults to take the recommendations."
        )


def _is_same_file(recorded: str, installed: Path) -> bool:
    try:
        return bool(recorded) and Path(recorded).resolve() == installed.resolve()
    except OSError:
        return False


def _conflicted(destination: Path) -> tuple[str, ...]:
    """Files where Copier left inline conflict markers or a .rej file."""
    found = []
    for path in sorted(destination.rglob("*")):
        if ".git" in path.relative_to(destination).parts or not path.is_file():
            continue
        if path.suffix == ".rej":
            found.append(str(path.relative_to(destination)))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if "<<<<<<< before updating" in text:
            found.append(str(path.relative_to(destination)))
    return tuple(found)


@contextmanager
def _copier_errors(flags: Mapping[str, str] = FLAGS) -> Iterator[None]:
    """Turn Copier's exceptions into one-line `ScaffoldError`s naming the flag (of `flags`, else `--data`), and keep
    its warnings quiet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        except CopierAnswersInterrupt:
            raise
        except ProcessExecutionError as error:
            said = [line for line in str(error.stderr).splitlines() if line.strip()]
            command = " ".join(str(part) for part in error.argv[1:3])
            raise ScaffoldError(
                f"git {command} failed: {_one_line(said[-1] if said else str(error.retcode))}"
            ) from None
        except OSError as error:
            where = error.filename or "a file"
            raise ScaffoldError(_one_line(f"{where} cannot be written: {error.strerror}")) from None
        except (CopierError, ValueError) as error:
            match = _VALIDATION.search(str(error))
            if match is None:
                raise ScaffoldError(_one_line(str(error))) from None
            flag = flags.get(match["question"], f"--data {match['question']}=...")
            raise ScaffoldError(f"{flag}: {_one_line(match['message'])}") from None


def _one_line(text: str) -> str:
    return " ".join(text.split())
