"""YAML, JSON and TOML files that configure CORS: Starlette keyword files and Copier answers files.

Starlette's keywords may be at the top or in a section named for CORS (`cors:` in an application's config). Told
apart by content, answers first: Copier writes `_src_path` and `_commit` into every answers file, and one of the
template's questions (`allow_origin_regex`) shares its name with a Starlette keyword. Line numbers come from the YAML
parser; `json` and `tomllib` give none, so findings there point at the file.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.audit.model import POLICY_FIELDS, Configuration, Setting
from fastapi_cors_scaffold.errors import ConfigurationError
from fastapi_cors_scaffold.rules.policy import Policy
from fastapi_cors_scaffold.rules.questions import FIELD_OF

DATA_SUFFIXES = (".yml", ".yaml", ".json", ".toml")
ANSWERS_MARKERS = ("_src_path", "_commit")
TEMPLATE_NAME = "fastapi-cors-scaffold"
MAX_SIZE = 1_000_000
COPIER_TEMPLATE_FILES = ("copier.yml", "copier.yaml")  # questions may share Starlette's names


def read_data_file(path: Path, recommended: Callable[[], Policy], *, explicit: bool) -> Configuration | None:
    """The configuration in `path`, or None when it holds none (a tree has many unrelated data files).

    An answers file given by name is this template's; in a tree walk it must say so (a CORS answer, or the
    template's name in `_src_path`), since other Copier templates write answers files too.
    """
    if path.name in COPIER_TEMPLATE_FILES:
        if explicit:
            raise ConfigurationError(f"{path} is a Copier template's questions, not a configuration: lint a project.")
        return None
    if path.stat().st_size > MAX_SIZE and not explicit:
        return None
    try:
        data, lines = _load(path)
    except ConfigurationError:
        if explicit or _mentions_cors(path):
            raise
        return None  # an unrelated file with custom tags or templating, as mkdocs.yml and Helm charts have
    if data is None:
        if explicit:
            raise ConfigurationError(f"{path} does not hold a mapping of settings.")
        return None
    if is_answers_file(path, data):
        questions = [question for question in FIELD_OF if question in data]
        if not explicit and not questions and TEMPLATE_NAME not in str(data.get("_src_path", "")):
            return None
        settings = tuple(Setting(FIELD_OF[q], data[q], lines.get(q)) for q in questions)
        return Configuration(path, None, "Copier answers", settings, recommended(), answers=True)
    section, prefix = _keyword_section(data)
    given = tuple(Setting(name, section[name], lines.get(prefix + name)) for name in POLICY_FIELDS if name in section)
    if not given:
        if explicit:
            raise ConfigurationError(
                f"{path} has none of Starlette's settings ({', '.join(POLICY_FIELDS)}) and is not a Copier answers "
                f"file (no {' or '.join(ANSWERS_MARKERS)})."
            )
        return None
    under = f" under {prefix.removesuffix('.')}" if prefix else ""
    return Configuration(path, None, f"Starlette keyword arguments{under}", given)


def _keyword_section(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """Starlette's keywords at the top, or in a section of an application's config named for CORS (`cors:`)."""
    if any(name in data for name in POLICY_FIELDS):
        return data, ""
    for key, value in data.items():
        if "cors" in str(key).lower() and isinstance(value, Mapping) and any(name in value for name in POLICY_FIELDS):
            return value, f"{key}."
    return data, ""


def _mentions_cors(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    return any(name in text for name in (*POLICY_FIELDS, *FIELD_OF, *ANSWERS_MARKERS))


def is_answers_file(path: Path, data: Mapping[str, Any]) -> bool:
    return any(marker in data for marker in ANSWERS_MARKERS) or path.name.startswith(".copier-answers")


def _load(path: Path) -> tuple[Mapping[str, Any] | None, dict[str, int]]:
    """The file's top-level mapping (None if it is not one) and the line of each top-level key where known."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"{path} cannot be read: {error}") from None
    lines: dict[str, int] = {}
    try:
        if path.suffix == ".json":
            data: Any = json.loads(text)
        elif path.suffix == ".toml":
            data = tomllib.loads(text)
        else:
            data, lines = _load_yaml(text)
    except ValueError as error:
        raise ConfigurationError(f"{path} cannot be parsed: {error}") from None
    return (data if isinstance(data, Mapping) else None), lines


def _load_yaml(text: str) -> tuple[Any, dict[str, int]]:
    import yaml

    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise ValueError(" ".join(str(error).split())) from None
    lines: dict[str, int] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode):
                lines.setdefault(str(key.value), key.start_mark.line + 1)
                if isinstance(value, yaml.MappingNode):
                    for inner, _ in value.value:
                        if isinstance(inner, yaml.ScalarNode):
                            lines.setdefault(f"{key.value}.{inner.value}", inner.start_mark.line + 1)
    return data, lines
