"""Build hook: ship the template and its whole version history inside the package.

The wheel gets `fastapi_cors_scaffold/_template/` with copier.yml, includes/ and template/ as plain files, plus
`history.bundle` (a git bundle of every version, tip included, with a tag for every release read from the history,
so a checkout without tags ships them too) and `ref` (the tip's tag). The files are unpacked from
the bundle's tip, so they are exactly the version the bundle ships (no caches or ignored files). Built from a git
checkout, the bundle comes from its history and uncommitted template edits; the sdist carries it in
`template-history/`, so a wheel built from the sdist (as `uv build` and pip do) ships the same history.
A shallow clone (as pre-commit installs hooks from) has no history to bundle: it builds a package without the
template, enough for `lint`; `new`, `update` and `template` then say the template is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

IN_SDIST = "template-history"
IN_WHEEL = "fastapi_cors_scaffold/_template"


def _history(root: Path) -> ModuleType:
    """The package's `projects.history`, imported from the source tree: the package is not installed while it is
    built, and that module needs only the standard library, `packaging` (a dependency of hatchling) and `errors`."""
    sys.path.insert(0, str(root / "src"))
    try:
        from fastapi_cors_scaffold.projects import history
    finally:
        sys.path.remove(str(root / "src"))
    return history


def _shallow(root: Path) -> bool:
    if not (root / ".git").exists():
        return False
    answer = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=root, capture_output=True, text=True, check=False
    )
    return answer.stdout.strip() == "true"


class TemplateHistoryHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return  # an editable install builds the bundle from the checkout at run time
        root = Path(self.root)
        if _shallow(root):
            self.app.display_warning("Shallow clone: building without the template and its history (lint only).")
            return
        history = _history(root)
        self._scratch = Path(tempfile.mkdtemp(prefix="fastapi-cors-scaffold-build-"))
        staged = self._scratch / "history"
        staged.mkdir()
        bundle, ref_file = staged / history.BUNDLE_NAME, staged / history.REF_NAME
        if (root / ".git").exists():
            ref = history.build_bundle(root, bundle)
            ref_file.write_text(f"{ref}\n")
        elif (root / IN_SDIST / history.BUNDLE_NAME).is_file():
            shutil.copyfile(root / IN_SDIST / history.BUNDLE_NAME, bundle)
            shutil.copyfile(root / IN_SDIST / history.REF_NAME, ref_file)
            ref = ref_file.read_text().strip()
        else:
            raise RuntimeError("Building needs the template's history: a git checkout, or an sdist made from one.")
        if self.target_name == "sdist":
            build_data["force_include"][str(staged)] = IN_SDIST
            return
        history.export_template(bundle, ref, staged)
        build_data["force_include"][str(staged)] = IN_WHEEL

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
