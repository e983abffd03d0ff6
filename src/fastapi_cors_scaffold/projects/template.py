"""The template this installation renders, where projects say it comes from, and the local copy of its history.

Projects record the template's canonical repository URL (`[project.urls] Repository`), which teammates, CI and
Renovate can all reach. The CLI itself needs no network for the versions it knows: from a wheel, the template's files
and history bundle sit in the package (`_template/`, put there by hatch_build.py); from a checkout, the bundle is
built from the checkout's git history plus its uncommitted template edits. A checkout is read only when asked for:
$FASTAPI_CORS_SCAFFOLD_CHECKOUT names one, or the package is an editable install (`pip install -e`), whose PEP 610
marker (`direct_url.json`) names the directory it was installed from. The bundle is merged
into one per user, which keeps every version it was given, and the CLI's own Copier runs fetch the canonical URL from
it through git's `url.<bundle>.insteadOf`, set for that run only: no machine path reaches the project, no git
configuration file changes. Where the per-user directory cannot be written, the package's own bundle serves.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from fastapi_cors_scaffold.errors import ScaffoldError, TemplateMissingError
from fastapi_cors_scaffold.projects.answers import recommended_policy
from fastapi_cors_scaffold.projects.history import (
    BUNDLE_NAME,
    REF_NAME,
    build_bundle,
    checkout_state,
    install_bundle,
    write_mirror,
)
from fastapi_cors_scaffold.rules.policy import Policy

HOME_VARIABLE = "FASTAPI_CORS_SCAFFOLD_HOME"
CHECKOUT_VARIABLE = "FASTAPI_CORS_SCAFFOLD_CHECKOUT"
TEMPLATE_VARIABLE = "FASTAPI_CORS_SCAFFOLD_TEMPLATE"
APP_NAME = "fastapi-cors-scaffold"
USER_BUNDLE = "template.bundle"

PACKAGED = Path(__file__).resolve().parents[1] / "_template"
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|gh:|gl:|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


@dataclass(frozen=True)
class InstalledTemplate:
    """`history` is the local bundle of every known version, `ref` the version this package ships, `canonical` the
    URL projects record and `history` serves."""

    history: Path
    ref: str
    canonical: str

    def serving(self) -> dict[str, str]:
        """Environment for a git (or Copier) process that fetches `canonical` from `history`, appended to any
        `GIT_CONFIG_COUNT` entries already set."""
        count = int(os.environ.get("GIT_CONFIG_COUNT") or 0)
        return {
            "GIT_CONFIG_COUNT": str(count + 1),
            f"GIT_CONFIG_KEY_{count}": f"url.{self.history}.insteadOf",
            f"GIT_CONFIG_VALUE_{count}": self.canonical,
        }


@cache
def canonical_source() -> str:
    """The template's canonical git URL: `[project.urls] Repository` of this package (of the checkout's
    pyproject.toml for an editable install, whose installed metadata may be older)."""
    checkout = editable_checkout()
    pyproject = checkout / "pyproject.toml" if checkout else None
    if pyproject and pyproject.is_file():
        urls = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
        if isinstance(urls.get("Repository"), str):
            return str(urls["Repository"])
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata(APP_NAME).get_all("Project-URL") or []
    except PackageNotFoundError:
        entries = []
    for entry in map(str, entries):
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository":
            return url.strip()
    raise TemplateMissingError(f"The {APP_NAME} package declares no Repository URL; reinstall it from a wheel.")


def chosen_source(given: str | None) -> str:
    """The source `new` records: `--template`, else $FASTAPI_CORS_SCAFFOLD_TEMPLATE, else the canonical URL.

    A URL (or `gh:`/`gl:` shorthand, or `user@host:path`) is kept as written; a path is made absolute, because a
    relative `_src_path` cannot be updated from anywhere else.
    """
    if given is not None and not given.strip():
        raise ScaffoldError("--template '' is empty: give a git URL or a path, or leave --template out.")
    source = given or os.environ.get(TEMPLATE_VARIABLE) or canonical_source()
    if _URL.match(source):
        return source
    path = Path(source).expanduser()
    if not path.exists():
        origin = "--template" if given else f"${TEMPLATE_VARIABLE}"
        raise ScaffoldError(f"{origin} {source!r} is neither a URL nor an existing path: give a git URL or a path.")
    return str(path.resolve())


def same_source(recorded: str, canonical: str) -> bool:
    """Whether a recorded `_src_path` names the canonical repository (with or without `.git` or a final slash)."""

    def bare(url: str) -> str:
        return url.strip().rstrip("/").removesuffix(".git").lower()

    return bool(recorded) and bare(recorded) == bare(canonical)


@dataclass(frozen=True)
class Template:
    """The template this installation renders, located once per command and handed to whatever needs it: `files`
    holds copier.yml, includes/ and template/ (no git needed to read them), `checkout` is the git checkout they come
    from (None: the copy packaged in the wheel), `questions` is copier.yml as loaded."""

    files: Path
    checkout: Path | None
    questions: Mapping[str, Any]

    @property
    def question_names(self) -> list[str]:
        """Every question of copier.yml (keys not starting with `_`)."""
        return [name for name in self.questions if not name.startswith("_")]

    @cached_property
    def recommendation(self) -> Policy:
        """The CORS policy the template recommends (the defaults in its copier.yml)."""
        return recommended_policy(self.questions)

    def release(self) -> str:
        """The template version this installation ships, without touching the per-user directory."""
        if self.checkout is None:
            return (PACKAGED / REF_NAME).read_text().strip()
        return _built(self.checkout)[1]

    def install(self, *, need_user_copy: bool = False) -> InstalledTemplate:
        """Merge the versions this installation knows into the per-user bundle, and name the one it ships.

        Where the per-user directory cannot be written, the package's bundle (or one built for this process) serves
        instead, unless the caller needs the per-user file itself.
        """
        canonical = canonical_source()
        if self.checkout is None:
            shipped, ref = PACKAGED / BUNDLE_NAME, self.release()
        else:
            shipped, ref = _built(self.checkout)
        try:
            target = user_home() / USER_BUNDLE
            install_bundle(shipped, target)
        except (OSError, RuntimeError) as error:
            if need_user_copy:
                raise ScaffoldError(_unwritable(error)) from None
            return InstalledTemplate(shipped, ref, canonical)
        return InstalledTemplate(target, ref, canonical)

    def write_mirror(self, destination: Path) -> str:
        """Write every version this installation knows as a bare git repository at `destination`; return the tip."""
        if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
            raise ScaffoldError(
                f"{destination} already exists and is not empty: choose a new directory for the mirror."
            )
        installed = self.install()
        try:
            write_mirror(installed.history, destination)
        except BaseException:
            shutil.rmtree(destination, ignore_errors=True)
            raise
        return installed.ref


def locate() -> Template:
    """The template to render: a checkout ($FASTAPI_CORS_SCAFFOLD_CHECKOUT, or an editable install's), else the copy
    in the package. Each command calls this once and passes the result down."""
    import yaml

    checkout = _checkout()
    files = checkout or PACKAGED
    if not (files / "copier.yml").is_file():
        raise TemplateMissingError(
            f"No template found: the package has no {PACKAGED.name}/ (an install from a shallow clone has none) and "
            f"no checkout was given in ${CHECKOUT_VARIABLE}; reinstall the package from a wheel."
        )
    # The package's own file, so libyaml's safe loader (when PyYAML has it) may read it, several times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    questions: Any = yaml.load((files / "copier.yml").read_text(encoding="utf-8"), Loader=loader)
    return Template(files, checkout, questions if isinstance(questions, dict) else {})


_BUILT: dict[tuple[Path, str], tuple[Path, str]] = {}


def _built(checkout: Path) -> tuple[Path, str]:
    """The bundle of a checkout, built once per state of it (its HEAD and template edits) in this process."""
    state = checkout_state(checkout)
    if (checkout, state) not in _BUILT:
        bundle = Path(process_scratch()) / f"{len(_BUILT)}-{BUNDLE_NAME}"
        _BUILT[checkout, state] = bundle, build_bundle(checkout, bundle)
    return _BUILT[checkout, state]


@cache
def process_scratch() -> str:
    """A directory that lives as long as this process (removed at exit)."""
    scratch = tempfile.TemporaryDirectory(prefix=f"{APP_NAME}-")
    _SCRATCH.append(scratch)
    return scratch.name


_SCRATCH: list[tempfile.TemporaryDirectory[str]] = []


def _unwritable(error: BaseException) -> str:
    reason = getattr(error, "strerror", None) or str(error)
    return f"The per-user data directory cannot be written ({reason}): set {HOME_VARIABLE} to a writable directory."


def user_home() -> Path:
    """Where per-user data lives: $FASTAPI_CORS_SCAFFOLD_HOME, else the platform's user data directory."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override).expanduser().resolve()
    if sys.platform != "win32" and not os.environ.get("XDG_DATA_HOME") and not os.environ.get("HOME"):
        raise RuntimeError("HOME is not set")
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return (base / APP_NAME).resolve()


def _checkout() -> Path | None:
    """A git checkout to take the template from: $FASTAPI_CORS_SCAFFOLD_CHECKOUT, or the editable install's own."""
    override = os.environ.get(CHECKOUT_VARIABLE)
    candidate = Path(override).expanduser().resolve() if override else editable_checkout()
    if candidate and (candidate / "copier.yml").is_file() and (candidate / ".git").exists():
        return candidate
    if override:
        raise TemplateMissingError(f"${CHECKOUT_VARIABLE} is {override}, which is not a git checkout with copier.yml.")
    return None


@cache
def editable_checkout() -> Path | None:
    """The directory an editable install (`pip install -e DIR`) runs from, by the marker pip writes for it (PEP 610:
    `direct_url.json` with `dir_info.editable`); None for an install from a wheel."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        marker = distribution(APP_NAME).read_text("direct_url.json")
    except PackageNotFoundError:
        return None
    try:
        direct = json.loads(marker or "{}")
    except ValueError:
        return None
    url = urlsplit(str(direct.get("url", "")))
    if not direct.get("dir_info", {}).get("editable") or url.scheme != "file":
        return None
    return Path(unquote(url.path)).resolve()
