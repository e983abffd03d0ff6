"""Rendering and updating projects with Copier: the one module that imports it (about a third of a second).

Copier reports a bad answer as `ValueError: Validation error for question ...` under a traceback and other refusals
as its own exceptions; here each becomes a `ScaffoldError` carrying one line for the person, naming the flag.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import copier
import yaml
from copier.errors import CopierAnswersInterrupt, CopierError

from fastapi_cors_scaffold.answers import FLAGS
from fastapi_cors_scaffold.configuration import ANSWERS_FILE
from fastapi_cors_scaffold.shipped import USER_BUNDLE, InstalledTemplate, ScaffoldError, install_template

_VALIDATION = re.compile(
    r"(?:Validation error for question|Invalid choice for) '(?P<question>[^']+)': (?P<message>.*)", re.DOTALL
)


@dataclass(frozen=True)
class Updated:
    """The template version a project was at before an update and is at after it."""

    before: str
    after: str
    conflicts: tuple[str, ...]


def new_project(destination: Path, data: Mapping[str, Any], *, defaults: bool, quiet: bool) -> InstalledTemplate:
    """`copier copy` of the installed template's version into `destination`, with exactly `data` as answers."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise ScaffoldError(f"{destination} already exists and is not empty: choose a new directory.")
    template = install_template()
    with _copier_errors():
        copier.run_copy(
            str(template.source),
            destination,
            data=dict(data),
            defaults=defaults,
            vcs_ref=template.ref,
            unsafe=False,
            quiet=quiet,
        )
    return template


def update_project(
    destination: Path,
    data: Mapping[str, Any],
    *,
    defaults: bool,
    conflict: Literal["inline", "rej"],
    vcs_ref: str | None,
    quiet: bool,
) -> Updated:
    """`copier update` of `destination`; a project made by `new` goes to the version this package ships."""
    before = _recorded(destination)
    source = str(before.get("_src_path", ""))
    template = install_template()
    ours = _is_same_file(source, template.source)
    if not ours and Path(source).name == USER_BUNDLE and not Path(source).exists():
        raise ScaffoldError(
            f"{destination / ANSWERS_FILE} records _src_path {source}, another machine's copy of this template; "
            f"set it to {template.source}, commit, and run update again."
        )
    with _copier_errors():
        copier.run_update(
            destination,
            data=dict(data),
            defaults=defaults,
            overwrite=True,
            conflict=conflict,
            vcs_ref=vcs_ref or (template.ref if ours else None),
            unsafe=False,
            quiet=quiet,
        )
    after = _recorded(destination)
    return Updated(str(before.get("_commit")), str(after.get("_commit")), _conflicted(destination))


def _recorded(destination: Path) -> dict[str, Any]:
    answers = destination / ANSWERS_FILE
    if not answers.is_file():
        raise ScaffoldError(f"{destination} has no {ANSWERS_FILE}: it was not made by `new` or `copier copy`.")
    loaded = yaml.safe_load(answers.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


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
def _copier_errors() -> Iterator[None]:
    """Turn Copier's exceptions into one-line `ScaffoldError`s naming the flag, and keep its warnings quiet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        except CopierAnswersInterrupt:
            raise
        except (CopierError, ValueError) as error:
            match = _VALIDATION.search(str(error))
            if match is None:
                raise ScaffoldError(_one_line(str(error))) from None
            flag = FLAGS.get(match["question"], f"--data {match['question']}=...")
            raise ScaffoldError(f"{flag}: {_one_line(match['message'])}") from None


def _one_line(text: str) -> str:
    return " ".join(text.split())
