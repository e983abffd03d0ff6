"""The template this installation renders, and the per-user copy of its history that projects record.

From a wheel, the template's files and history bundle sit in the package (`_template/`, put there by
hatch_build.py). From a checkout (an editable install), the bundle is built from the checkout's git history plus
its uncommitted template edits. Either way it is merged into one bundle per user, at a path that does not change
when the package is upgraded: that path is the `_src_path` Copier records, so `copier update` keeps working.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.answers import recommended_policy
from fastapi_cors_scaffold.history import BUNDLE_NAME, REF_NAME, build_bundle, install_bundle
from fastapi_cors_scaffold.policy import Policy

HOME_VARIABLE = "FASTAPI_CORS_SCAFFOLD_HOME"
CHECKOUT_VARIABLE = "FASTAPI_CORS_SCAFFOLD_CHECKOUT"
APP_NAME = "fastapi-cors-scaffold"
USER_BUNDLE = "template.bundle"

PACKAGED = Path(__file__).resolve().parent / "_template"
SOURCE_CHECKOUT = Path(__file__).resolve().parents[2]


class ScaffoldError(Exception):
    """A refusal worth one line on stderr: bad answers, a destination in the way, a project that cannot update."""


class TemplateMissingError(ScaffoldError):
    """Neither a packaged template nor a checkout with its git history was found."""


@dataclass(frozen=True)
class InstalledTemplate:
    """`source` is the per-user bundle Copier records as `_src_path`; `ref` the version this package ships."""

    source: Path
    ref: str


def template_files() -> Path:
    """The directory holding copier.yml, includes/ and template/ as plain files (no git needed to read them)."""
    checkout = _checkout()
    if checkout is not None:
        return checkout
    if (PACKAGED / "copier.yml").is_file():
        return PACKAGED
    raise TemplateMissingError(
        f"No template found: the package has no {PACKAGED.name}/ and {SOURCE_CHECKOUT} is not a checkout of "
        f"{APP_NAME}; reinstall the package from a wheel."
    )


def install_template() -> InstalledTemplate:
    """Merge the versions this installation knows into the per-user bundle, and name the one it ships."""
    target = user_home() / USER_BUNDLE
    checkout = _checkout()
    if checkout is None:
        template_files()
        ref = (PACKAGED / REF_NAME).read_text().strip()
        install_bundle(PACKAGED / BUNDLE_NAME, target)
        return InstalledTemplate(target, ref)
    with tempfile.TemporaryDirectory(prefix=f"{APP_NAME}-") as scratch:
        built = Path(scratch) / BUNDLE_NAME
        ref = build_bundle(checkout, built)
        install_bundle(built, target)
    return InstalledTemplate(target, ref)


def user_home() -> Path:
    """Where per-user data lives: $FASTAPI_CORS_SCAFFOLD_HOME, else the platform's user data directory."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override).expanduser().resolve()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return (base / APP_NAME).resolve()


def recommendation() -> Policy:
    """The CORS policy the shipped template recommends (the defaults in its copier.yml)."""
    import yaml

    questions: Any = yaml.safe_load((template_files() / "copier.yml").read_text(encoding="utf-8"))
    return recommended_policy(questions if isinstance(questions, dict) else {})


def _checkout() -> Path | None:
    """A git checkout to take the template from: $FASTAPI_CORS_SCAFFOLD_CHECKOUT, or the one this code runs from."""
    override = os.environ.get(CHECKOUT_VARIABLE)
    candidate = Path(override).expanduser().resolve() if override else SOURCE_CHECKOUT
    if (candidate / "copier.yml").is_file() and (candidate / ".git").exists():
        return candidate
    if override:
        raise TemplateMissingError(f"${CHECKOUT_VARIABLE} is {override}, which is not a git checkout with copier.yml.")
    return None
