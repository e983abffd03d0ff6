"""The baselines every figure is set against, as real files beside this module, copied into a run's work folder.

- `one_file_template/`: the smallest Copier template, one question and one rendered file;
- `typer_app.py`: a bare Typer app with the real CLI's command names;
- `recipe/`: FastAPI's CORS recipe; `starlette/`: bare Starlette with its CORSMiddleware;
- `one_test_suite/`: a one-route FastAPI app and one TestClient test, configured like the generated project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.templates import tag_repository

HERE = Path(__file__).resolve().parent
TYPER_APP = HERE / "typer_app.py"
IGNORED = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc")


def copied(name: str, work: Path) -> Path:
    """A fresh copy of the baseline `name` in `work`, away from this repository's configuration and caches."""
    return Path(shutil.copytree(HERE / name, work / name, ignore=IGNORED))


def one_file_template(work: Path) -> Path:
    """The one-file template as a git repository tagged like a release."""
    return tag_repository(copied("one_file_template", work), "v1.0.0", init=True)
