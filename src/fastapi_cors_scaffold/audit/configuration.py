"""Every CORS configuration in files and trees, each with the place its values come from; no code is run.

Three readers feed one shape: `python_source` (middleware calls and settings classes, with `ast`), `data_files`
(Starlette keyword files and Copier answers files), and `project_tree` (which files of a tree to read). A value the
readers cannot work out statically is an `Unknown` that says where it comes from, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.errors import ConfigurationError
from fastapi_cors_scaffold.rules.policy import Policy
from fastapi_cors_scaffold.rules.questions import FIELD_OF

ANSWERS_FILE = ".copier-answers.yml"
POLICY_FIELDS = tuple(FIELD_OF.values())
STARLETTE_DEFAULTS = Policy()


@dataclass(frozen=True)
class Unknown:
    """A value not read statically: `comes_from` says what it depends on (settings, environment, an import...).

    `known` holds the items that were read of a list whose other items were not, so they can still be judged.
    """

    comes_from: str
    known: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Setting:
    """One value as written: `name` is Starlette's keyword (or a settings field), `value` a Python value or Unknown."""

    name: str
    value: Any
    line: int | None = None
    expression: str | None = None


@dataclass(frozen=True)
class Configuration:
    """One CORS configuration: where it is, how it is written, the settings it gives and what the others default to.

    `informational` marks a settings class whose defaults the environment may replace: shown, never judged.
    `answers` marks a Copier answers file, whose lists are read the way the template reads them.
    `environment_overrides` marks values that are defaults the environment replaces (a generated Settings class), so
    values given on the command line replace them too.
    """

    file: Path
    line: int | None
    kind: str
    settings: tuple[Setting, ...]
    defaults: Policy = STARLETTE_DEFAULTS
    informational: bool = False
    answers: bool = False
    environment_overrides: bool = False

    @property
    def source(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where} ({self.kind})"


@dataclass(frozen=True)
class Reading:
    """What a run read: the configurations, and notes on files that were skipped."""

    configurations: list[Configuration]
    notes: list[str]


def read_configurations(paths: Iterable[Path], recommended: Callable[[], Policy]) -> Reading:
    """Every configuration in `paths` (files or directories), in path order; `recommended` is asked only when a
    Copier answers file needs the template's recommendation for what it leaves out."""
    from fastapi_cors_scaffold.audit.tree import candidate_files, generated_root, wired_to_settings

    found: dict[tuple[Path, int | None, str], Configuration] = {}
    notes: list[str] = []
    for path in paths:
        if path.is_dir():
            files = list(candidate_files(path))
        elif path.is_file():
            files = [path]
        else:
            raise ConfigurationError(f"{path} does not exist: give project directories or Python/YAML/JSON/TOML files.")
        explicit = path.is_file()
        for file in files:
            try:
                read = _read_file(file, recommended, generated_root(file), explicit)
            except ConfigurationError as error:
                if explicit:
                    raise
                notes.append(f"Skipped: {error}")
                continue
            if explicit and not read:
                notes.append(f"{file} holds no CORS configuration.")
            for configuration in read:
                found.setdefault((configuration.file.resolve(), configuration.line, configuration.kind), configuration)
    configurations = wired_to_settings(list(found.values()))
    if not configurations:
        shown = ", ".join(str(path) for path in paths)
        raise ConfigurationError(
            f"{shown}: no CORS configuration found (no CORSMiddleware in add_middleware(), Middleware() or a call, "
            "no settings class with CORS fields, no Starlette keyword file or Copier answers file)."
        )
    return Reading(configurations, notes)


def _read_file(
    file: Path, recommended: Callable[[], Policy], generated: Path | None, explicit: bool
) -> list[Configuration]:
    from fastapi_cors_scaffold.audit.data_files import DATA_SUFFIXES, read_data_file
    from fastapi_cors_scaffold.audit.python_source import read_python

    if file.suffix == ".py":
        return read_python(file, generated_project=generated is not None)
    if file.suffix in DATA_SUFFIXES or file.name.startswith(".copier-answers"):
        found = read_data_file(file, recommended, explicit=explicit)
        return [found] if found else []
    if explicit:
        raise ConfigurationError(f"{file} is not a Python, YAML, JSON or TOML file.")
    return []
