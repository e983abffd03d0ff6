"""Reading the CORS policy a project runs with from its files, without importing or running any of its code.

A generated project keeps its policy as the defaults of its Settings class (settings.py) and its choices in
.copier-answers.yml; other projects pass literals to `CORSMiddleware(...)` or `add_middleware(CORSMiddleware, ...)`.
Python is read with `ast`, so linting a project never executes it or needs its dependencies.
"""

from __future__ import annotations

import ast
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.answers import CORS_QUESTIONS, as_list, policy_from_answers
from fastapi_cors_scaffold.policy import Policy

ANSWERS_FILE = ".copier-answers.yml"
SETTINGS_PREFIX = "cors_"
POLICY_FIELDS = tuple(field.name for field in fields(Policy))
STARLETTE_DEFAULTS = Policy(
    allow_origins=(),
    allow_origin_regex=None,
    allow_credentials=False,
    allow_methods=("GET",),
    allow_headers=(),
    expose_headers=(),
    max_age=600,
)


class ConfigurationError(Exception):
    """The path holds no CORS configuration this tool can read."""


@dataclass(frozen=True)
class Configuration:
    """A policy, the file it came from, settings that were not literals, and allow_origins given as one string."""

    policy: Policy
    source: str
    unread: tuple[str, ...] = ()
    origins_text: str | None = None


def read_configuration(path: Path, recommended: Policy) -> Configuration:
    """The policy at `path`: a project directory, a settings or app module, an answers file, or a YAML/JSON/TOML file.

    Answers left out of an answers file take `recommended` (the template's), as `copier update` would; settings
    left out of a `CORSMiddleware(...)` call take Starlette's defaults.
    """
    if path.is_dir():
        return _read_directory(path, recommended)
    if not path.is_file():
        raise ConfigurationError(f"{path} does not exist.")
    if path.suffix == ".py":
        return _read_python(path)
    return _read_mapping(path, _load_mapping(path), recommended)


def _read_directory(directory: Path, recommended: Policy) -> Configuration:
    candidates = [*sorted(directory.glob("src/*/settings.py")), *sorted(directory.glob("*/settings.py"))]
    for candidate in [*candidates, directory / "settings.py"]:
        if candidate.is_file():
            found = _settings_class(candidate)
            if found is not None:
                return found
    answers = directory / ANSWERS_FILE
    if answers.is_file():
        return _read_mapping(answers, _load_mapping(answers), recommended)
    for candidate in sorted(directory.glob("src/**/*.py")) + sorted(directory.glob("*.py")):
        found = _middleware_call(candidate)
        if found is not None:
            return found
    raise ConfigurationError(
        f"{directory} has no CORS configuration: no settings.py with cors_* fields, no {ANSWERS_FILE}, and no "
        "CORSMiddleware(...) call with literal arguments."
    )


def _read_python(path: Path) -> Configuration:
    found = _settings_class(path) or _middleware_call(path)
    if found is None:
        raise ConfigurationError(f"{path} has neither a class with cors_* fields nor a CORSMiddleware(...) call.")
    return found


def _read_mapping(path: Path, data: Mapping[str, Any], recommended: Policy) -> Configuration:
    if any(question in data for question in CORS_QUESTIONS) or path.name == ANSWERS_FILE:
        return Configuration(policy_from_answers(data, recommended), str(path))
    given = {name: data[name] for name in POLICY_FIELDS if name in data}
    if not given:
        raise ConfigurationError(f"{path} has none of the settings {', '.join(POLICY_FIELDS)}.")
    return _from_keywords(str(path), given, ())


def _load_mapping(path: Path) -> Mapping[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".json":
            data: Any = json.loads(text)
        elif path.suffix == ".toml":
            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (ValueError, ImportError) as error:
        raise ConfigurationError(f"{path} cannot be parsed: {error}") from None
    except Exception as error:  # yaml.YAMLError, without importing yaml for the other formats
        raise ConfigurationError(f"{path} cannot be parsed: {' '.join(str(error).split())}") from None
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"{path} does not hold a mapping of settings.")
    return data


def _settings_class(path: Path) -> Configuration | None:
    """The defaults of the first class with `cors_*` fields, as a generated project's Settings has."""
    for node in ast.walk(_parse(path)):
        if not isinstance(node, ast.ClassDef):
            continue
        values: dict[str, Any] = {}
        unread: list[str] = []
        for statement in node.body:
            if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
                continue
            name = statement.target.id.removeprefix(SETTINGS_PREFIX)
            if statement.target.id.startswith(SETTINGS_PREFIX) and name in POLICY_FIELDS and statement.value:
                _literal(statement.value, name, values, unread)
        if values or unread:
            return _from_keywords(f"{path} (class {node.name})", values, tuple(unread))
    return None


def _middleware_call(path: Path) -> Configuration | None:
    """The literal keyword arguments of the first `CORSMiddleware(...)` or `add_middleware(CORSMiddleware, ...)`."""
    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.Call) and (_names_cors(node.func) or _adds_cors(node)):
            values: dict[str, Any] = {}
            unread: list[str] = []
            for keyword in node.keywords:
                if keyword.arg in POLICY_FIELDS:
                    _literal(keyword.value, keyword.arg, values, unread)
            return _from_keywords(f"{path} (line {node.lineno})", values, tuple(unread))
    return None


def _from_keywords(source: str, values: Mapping[str, Any], unread: tuple[str, ...]) -> Configuration:
    """Starlette's keyword arguments as it takes them; a string for allow_origins is kept as the string it is."""
    origins = values.get("allow_origins")
    text = origins if isinstance(origins, str) else None
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name == "allow_origin_regex":
            changes[name] = value or None
        elif name in ("allow_credentials",):
            changes[name] = bool(value)
        elif name == "max_age":
            changes[name] = int(value)
        elif isinstance(value, str):
            changes[name] = (value,)
        else:
            changes[name] = as_list(list(value))
    merged = {field: getattr(STARLETTE_DEFAULTS, field) for field in POLICY_FIELDS} | changes
    return Configuration(Policy(**merged), source, unread, text)


def _literal(node: ast.expr, name: str, values: dict[str, Any], unread: list[str]) -> None:
    try:
        values[name] = ast.literal_eval(node)
    except ValueError:
        unread.append(name)


def _parse(path: Path) -> ast.Module:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"{path} is not valid Python: {error}") from None


def _names_cors(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "CORSMiddleware") or (
        isinstance(func, ast.Attribute) and func.attr == "CORSMiddleware"
    )


def _adds_cors(call: ast.Call) -> bool:
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "add_middleware"
        and bool(call.args)
        and _names_cors(call.args[0])
    )
