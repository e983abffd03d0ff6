"""YAML, JSON and TOML files that configure CORS: Starlette keyword files and Copier answers files.

Starlette's keywords may be at the top or in sections named for CORS at any depth (`server: cors:` in an
application's config). Told apart by content, answers first: Copier writes `_src_path` and `_commit` into every
answers file, and one of the template's questions (`allow_origin_regex`) shares its name with a Starlette keyword.
Files are read through `loading`, within its limits; YAML gives lines, JSON and TOML findings point at the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.audit.loading import MAX_BYTES, MAX_DEPTH, load_text, read_text
from fastapi_cors_scaffold.audit.model import POLICY_FIELDS, Configuration, Setting
from fastapi_cors_scaffold.errors import ConfigurationError
from fastapi_cors_scaffold.rules.policy import Policy
from fastapi_cors_scaffold.rules.questions import FIELD_OF

DATA_SUFFIXES = (".yml", ".yaml", ".json", ".toml")
ANSWERS_MARKERS = ("_src_path", "_commit")
TEMPLATE_NAME = "fastapi-cors-scaffold"
COPIER_TEMPLATE_FILES = ("copier.yml", "copier.yaml")  # questions may share Starlette's names


def read_data_file(path: Path, recommended: Callable[[], Policy], *, explicit: bool) -> list[Configuration]:
    """The configurations in `path`; none when it holds none (a tree has many unrelated data files).

    An answers file given by name is this template's; in a tree walk it must say so (a CORS answer, or the
    template's name in `_src_path`), since other Copier templates write answers files too. A file past the reading
    limits is refused; in a tree, a large file (a lock file, a data dump) is passed over unread.
    """
    if path.name in COPIER_TEMPLATE_FILES:
        if explicit:
            raise ConfigurationError(f"{path} is a Copier template's questions, not a configuration: lint a project.")
        return []
    if not explicit and (path.stat().st_size > MAX_BYTES or not _mentions_cors(path)):
        return []  # unrelated files, some with custom tags or templating (mkdocs.yml, Helm charts), are not parsed
    text = read_text(path)
    loaded = load_text(text, path.suffix, str(path))
    data, lines = loaded.data, loaded.lines
    if not isinstance(data, Mapping):
        if explicit:
            raise ConfigurationError(f"{path} does not hold a mapping of settings.")
        return []
    if is_answers_file(path, data):
        questions = [question for question in FIELD_OF if question in data]
        if not explicit and not questions and TEMPLATE_NAME not in str(data.get("_src_path", "")):
            return []
        settings = tuple(Setting(FIELD_OF[q], data[q], lines.get(q)) for q in questions)
        return [Configuration(path, None, "Copier answers", settings, recommended(), answers=True)]
    found = [
        Configuration(path, None, f"Starlette keyword arguments{f' under {prefix}' if prefix else ''}", given)
        for prefix, section in keyword_sections(data)
        if (given := _given(section, prefix, lines))
    ]
    if not found and explicit:
        raise ConfigurationError(
            f"{path} has none of Starlette's settings ({', '.join(POLICY_FIELDS)}), at the top or in a section "
            f"named for CORS, and is not a Copier answers file (no {' or '.join(ANSWERS_MARKERS)})."
        )
    return found


def keyword_sections(data: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """Where Starlette's keywords are: the top of the file, else every section named for CORS (`cors:`, `CORS:`,
    `cors_settings:`) at any depth of an application's config, by dotted path, shallowest first."""
    if any(name in data for name in POLICY_FIELDS):
        return [("", data)]
    found: list[tuple[str, Mapping[str, Any]]] = []
    pending: list[tuple[str, Mapping[str, Any], int]] = [("", data, 0)]
    seen: set[int] = set()
    while pending:
        prefix, mapping, depth = pending.pop(0)
        if id(mapping) in seen or depth > MAX_DEPTH:
            continue
        seen.add(id(mapping))
        for key, value in mapping.items():
            if not isinstance(value, Mapping):
                continue
            path = f"{prefix}{key}"
            if "cors" in str(key).lower() and any(name in value for name in POLICY_FIELDS):
                found.append((path, value))
            else:
                pending.append((f"{path}.", value, depth + 1))
    return found


def _given(section: Mapping[str, Any], prefix: str, lines: Mapping[str, int]) -> tuple[Setting, ...]:
    dotted = f"{prefix}." if prefix else ""
    return tuple(Setting(name, section[name], lines.get(dotted + name)) for name in POLICY_FIELDS if name in section)


def _mentions_cors(path: Path) -> bool:
    """What a file must say to configure CORS: origins (without them CORSMiddleware allows nothing), or Copier's
    answers markers. Checked on the bytes, before anything is decoded or parsed."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError:
        return True  # read_text says why, in one line
    return any(sign in raw for sign in _SIGNS)


_SIGNS = (b"allow_origin", *(marker.encode() for marker in ANSWERS_MARKERS))


def is_answers_file(path: Path, data: Mapping[str, Any]) -> bool:
    return any(marker in data for marker in ANSWERS_MARKERS) or path.name.startswith(".copier-answers")
