"""Which Starlette a project runs, as far as its own requirements say: the order of CORSMiddleware's parameters.

Starlette 0.51 put `allow_private_network` between `allow_origin_regex` and `expose_headers`, so positional arguments
past the fifth mean different things before and after it. They are read in today's order unless the project's
requirements (pyproject.toml, requirements*.txt, uv.lock, poetry.lock, Pipfile.lock) pin an older Starlette, or a
FastAPI release that caps Starlette below 0.51. Only the files of the project folder (the nearest one above the
source that has such a file) are read, each within the reading limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from fastapi_cors_scaffold.audit.loading import read_text
from fastapi_cors_scaffold.errors import ConfigurationError

# The first release of each that can run a Starlette with `allow_private_network`: FastAPI capped Starlette below
# 0.51 until its range was widened to `<1.0.0`, after 0.124.
FIRST_CURRENT = {"starlette": "0.51", "fastapi": "0.125"}
_LATER = ("0.99", "1.0", "1.99", "2.0", "99.0")  # versions a range open above the first current one would allow
REQUIREMENT_FILES = ("pyproject.toml", "uv.lock", "poetry.lock", "Pipfile.lock", "Pipfile")
# `starlette==0.46.2`, `fastapi[standard]>=0.110,<0.120`, `"starlette~=0.45"`: a name and its version specifiers.
_PIN = re.compile(
    r"(?i)(?<![\w-])(starlette|fastapi)(?:\[[^\]]*\])?\s*((?:[=~<>!]=?|===)\s*[\w.*+!-]+(?:\s*,\s*(?:[=~<>!]=?|===)\s*[\w.*+!-]+)*)"
)
# uv.lock and poetry.lock: `name = "starlette"` followed by `version = "0.46.2"`.
_LOCKED = re.compile(r'(?im)^name\s*=\s*"(starlette|fastapi)"\s*\nversion\s*=\s*"(\d+(?:\.\d+)+)"')
# Pipfile.lock: `"starlette": {"hashes": [...], "version": "==0.46.2"}`.
_PIPFILE_LOCKED = re.compile(r'(?i)"(starlette|fastapi)"\s*:\s*\{[^{}]*?"version"\s*:\s*"==(\d+(?:\.\d+)+)"')


@dataclass(frozen=True)
class ParameterOrder:
    """CORSMiddleware's parameters after `app`, in order, and the sentence that says which Starlette they are."""

    parameters: tuple[str, ...]
    said: str

    @property
    def before_private_network(self) -> bool:
        return "allow_private_network" not in self.parameters


_OLD = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_origin_regex",
    "expose_headers",
    "max_age",
)
CURRENT = ParameterOrder((*_OLD[:5], "allow_private_network", *_OLD[5:]), "Starlette 0.51 or later")


def parameter_order(source: Path) -> ParameterOrder:
    """The order positional arguments in `source` are read in, by the requirements of its project."""
    return _order_for(source.resolve().parent)


@cache
def _order_for(directory: Path) -> ParameterOrder:
    for folder in (directory, *directory.parents):
        files = [folder / name for name in REQUIREMENT_FILES] + sorted(folder.glob("requirements*.txt"))
        present = [path for path in files if path.is_file()]
        if present:
            return _pinned(present) or CURRENT
    return CURRENT


def _pinned(files: list[Path]) -> ParameterOrder | None:
    for path in files:
        try:
            text = read_text(path)
        except ConfigurationError:
            continue
        locked = _LOCKED.findall(text) + _PIPFILE_LOCKED.findall(text)
        pins = [(name, f"=={version}") for name, version in locked] + _PIN.findall(text)
        for name, specifiers in pins:
            if _caps_below(specifiers, FIRST_CURRENT[name.lower()]):
                said = f"{name.lower()}{specifiers.replace(' ', '')}"
                return ParameterOrder(_OLD, f"Starlette before 0.51, as {path.name} pins {said}")
    return None


def _caps_below(specifiers: str, first: str) -> bool:
    """Whether the specifiers allow no version from `first` on: `==0.46.2`, `<0.51`, `>=0.110,<0.120`, `~=0.50.0`."""
    try:
        allowed = SpecifierSet(specifiers)
    except InvalidSpecifier:
        return False
    return not any(allowed.contains(version, prereleases=True) for version in (first, *_LATER))
