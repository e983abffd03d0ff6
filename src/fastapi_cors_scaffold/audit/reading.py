"""Every CORS configuration in files and trees, in path order; no code is run.

Three readers feed one shape (`model`): `python_source` (middleware calls and settings classes, with `ast`),
`data_files` (Starlette keyword files and Copier answers files), and `tree` (which files of a tree to read, and which
belong to a project this template generated).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.audit.data_files import DATA_SUFFIXES, read_data_file
from fastapi_cors_scaffold.audit.model import Configuration, Reading
from fastapi_cors_scaffold.audit.python_reading import PythonReading
from fastapi_cors_scaffold.audit.tree import candidate_files, wired_to_settings
from fastapi_cors_scaffold.errors import ConfigurationError
from fastapi_cors_scaffold.rules.policy import Policy


def read_for_lint(paths: Sequence[Path], given: Mapping[str, Any], recommended: Callable[[], Policy]) -> Reading:
    """What `lint` judges: the configurations in `paths` (the current directory when there is none); with values
    given on the command line and no path, those values on top of the template's recommendation."""
    if not paths and given:
        on_top = Configuration(Path("."), None, "the command line, on the template's recommendation", (), recommended())
        return Reading([on_top], [])
    return read_configurations(paths or [Path(".")], recommended)


def read_configurations(paths: Iterable[Path], recommended: Callable[[], Policy]) -> Reading:
    """Every configuration in `paths` (files or directories), in path order; `recommended` is asked only when a
    Copier answers file needs the template's recommendation for what it leaves out."""
    found: dict[tuple[Path, int | None, str], Configuration] = {}
    notes: list[str] = []
    python = PythonReading()
    for path in paths:
        if path.is_dir():
            files = list(candidate_files(path))
        elif path.is_file():
            files = [path]
        else:
            what = "is not a regular file or a directory" if path.exists() else "does not exist"
            raise ConfigurationError(f"{path} {what}: give project directories or Python/YAML/JSON/TOML files.")
        explicit = path.is_file()
        for file in files:
            try:
                read = _read_file(file, recommended, python, explicit)
            except ConfigurationError as error:
                if explicit:
                    raise
                notes.append(f"Skipped: {error}")
                continue
            if explicit and not read:
                notes.append(f"{file} holds no CORS configuration.")
            for configuration in read:
                found.setdefault((configuration.file.resolve(), configuration.line, configuration.kind), configuration)
    configurations = wired_to_settings(python.link(list(found.values())))
    if not configurations:
        shown = ", ".join(str(path) for path in paths)
        skipped = [note for note in notes if note.startswith("Skipped: ")]
        unread = f" {skipped[0]}" if skipped else ""
        unread += f" (and {len(skipped) - 1} more files)" if len(skipped) > 1 else ""
        raise ConfigurationError(
            f"{shown}: no CORS configuration found (no CORSMiddleware in add_middleware(), Middleware() or a call, "
            f"no settings class with CORS fields, no Starlette keyword file or Copier answers file).{unread}"
        )
    return Reading(configurations, notes)


def _read_file(
    file: Path, recommended: Callable[[], Policy], python: PythonReading, explicit: bool
) -> list[Configuration]:
    if file.suffix == ".py":
        return python.read(file, explicit=explicit)
    if file.suffix in DATA_SUFFIXES or file.name.startswith(".copier-answers"):
        return read_data_file(file, recommended, explicit=explicit)
    if explicit:
        raise ConfigurationError(f"{file} is not a Python, YAML, JSON or TOML file.")
    return []
