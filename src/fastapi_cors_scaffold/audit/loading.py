"""The one reader of YAML, JSON and TOML for the whole package: `lint`'s inputs and the answers files of `update` and
the fleet. Bounded, because these files come from other people's repositories and run in CI and pre-commit.

A file is read only up to `MAX_BYTES`; its nesting is cut at `MAX_DEPTH` before the parser's own recursion can fail;
YAML aliases are never expanded, but the value they stand for is counted as if it were, and past `MAX_NODES` the
file is refused (a few hundred bytes of nested anchors stand for billions of values). A file past a limit is one
`DataLimitError` sentence, never a traceback, and costs the same memory and time whatever its size. Line numbers of
keys come from the YAML parser; `json` and `tomllib` give none.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.errors import ConfigurationError, DataLimitError

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_NODES = 100_000


@dataclass(frozen=True)
class Loaded:
    """A file's value and, for YAML, the line of each mapping key by its dotted path (`server.cors.allow_origins`)."""

    data: Any
    lines: dict[str, int] = field(default_factory=dict)


def read_bytes(path: Path, limit: int, kind: str) -> bytes:
    """The file's bytes, refused past `limit` without reading the rest; `kind` names what such a file is.

    Plain `os` calls: a tree walk reads thousands of files, and this is most of what it costs."""
    chunks: list[bytes] = []
    total = 0
    try:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            while total <= limit and (chunk := os.read(descriptor, limit + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise ConfigurationError(f"{path} cannot be read: {error.strerror or error}") from None
    if total > limit:
        raise DataLimitError(f"{path} is larger than {limit:,} bytes, the most a {kind} is read to.")
    return b"".join(chunks)


def read_text(path: Path) -> str:
    """The file's text, refused past `MAX_BYTES`."""
    raw = read_bytes(path, MAX_BYTES, "configuration file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigurationError(f"{path} cannot be read: it is not UTF-8 ({error.reason}).") from None


def load_file(path: Path) -> Loaded:
    """The value of a YAML, JSON or TOML file (by its suffix; anything else is read as YAML), within the limits."""
    return load_text(read_text(path), path.suffix, str(path))


def load_text(text: str, suffix: str, name: str) -> Loaded:
    """The value of `text` written in the format of `suffix`; `name` says where it comes from in a refusal."""
    try:
        if suffix == ".json":
            loaded = Loaded(json.loads(text))
        elif suffix == ".toml":
            loaded = Loaded(tomllib.loads(text))
        else:
            loaded = _load_yaml(text, name)
    except RecursionError:
        raise _too_deep(name) from None
    except ValueError as error:  # json.JSONDecodeError, tomllib.TOMLDecodeError and yaml's errors, made ValueErrors
        raise ConfigurationError(f"{name} cannot be parsed: {' '.join(str(error).split())}") from None
    if _depth_over(loaded.data, MAX_DEPTH):
        raise _too_deep(name)
    return loaded


def _too_deep(name: str) -> DataLimitError:
    return DataLimitError(f"{name} is nested more than {MAX_DEPTH} levels deep, deeper than any configuration.")


def _depth_over(data: Any, limit: int) -> bool:
    """Whether lists and mappings nest deeper than `limit` (walked without recursion)."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, Mapping) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, Mapping | list):
                if depth + 1 > limit:
                    return True
                pending.append((child, depth + 1))
    return False


def _load_yaml(text: str, name: str) -> Loaded:
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        """PyYAML's safe loader that refuses nesting past `MAX_DEPTH` while composing, before Python's own limit."""

        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.depth >= MAX_DEPTH:
                raise _too_deep(name)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    loader = BoundedLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Loaded(None)
        if _expanded_size(root) > MAX_NODES:
            raise DataLimitError(
                f"{name} uses aliases that stand for more than {MAX_NODES:,} values (nested anchors multiply): refused."
            )
        data = loader.construct_document(root)
    except yaml.YAMLError as error:
        raise ValueError(str(error)) from None
    finally:
        loader.dispose()
    return Loaded(data, _key_lines(root))


def _expanded_size(root: Any) -> float:
    """How many values the node stands for with every alias expanded, counted once per distinct node (so the count
    costs what the file's own nodes cost); a node that contains itself stands for infinitely many."""
    import yaml

    sizes: dict[int, float] = {}
    open_nodes: set[int] = set()
    pending: list[tuple[Any, bool]] = [(root, False)]
    while pending:
        node, children_done = pending.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node, yaml)
        if children_done:
            open_nodes.discard(key)
            sizes[key] = min(1 + sum(sizes[id(child)] for child in children), MAX_NODES + 1.0)
            continue
        if key in open_nodes:
            return float("inf")
        open_nodes.add(key)
        pending.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                return float("inf")
            if id(child) not in sizes:
                pending.append((child, False))
    return sizes[id(root)]


def _children(node: Any, yaml: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _key_lines(root: Any) -> dict[str, int]:
    """The line of each scalar key of nested mappings, by dotted path; the first occurrence of a path wins."""
    import yaml

    lines: dict[str, int] = {}
    pending: list[tuple[Any, str]] = [(root, "")]
    seen: set[int] = set()
    while pending and len(lines) < MAX_NODES:
        node, prefix = pending.pop()
        if not isinstance(node, yaml.MappingNode) or id(node) in seen:
            continue
        seen.add(id(node))
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                path = f"{prefix}{key.value}"
                lines.setdefault(path, key.start_mark.line + 1)
                pending.append((value, f"{path}."))
    return lines
