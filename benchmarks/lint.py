"""`fastapi-cors-scaffold lint` against Semgrep with a `wildcard-cors` rule: on a large real tree (this repository's
lint corpus and the installed packages of the running environment, thousands of files), and on one file.

Both run offline on the same files: the tree gets a `.semgrepignore` that skips what `lint` skips (virtual
environments, build output, caches) instead of Semgrep's defaults, which would also skip `tests/`. Semgrep is the
benchmark's own extra (`pip install -e '.[bench]'`), not a test dependency; without it the figure is unavailable.
"""

from __future__ import annotations

import json
import shutil
import sysconfig
from pathlib import Path

from benchmarks.baselines import HERE as BASELINES
from benchmarks.harness import Options, Row, alternate, ratio_row, run, timed, tool
from fastapi_cors_scaffold.audit.tree import SKIPPED_DIRECTORIES
from tests.support.paths import DATA

LIMIT = 0.25
RULE = BASELINES / "semgrep" / "wildcard-cors.yml"
ONE_FILE = Path("corpus") / "middleware" / "app_list.py"
SEMGREP_OFFLINE = ("--metrics=off", "--disable-version-check", "--quiet", "--json")


def lint(work: Path, options: Options) -> list[Row]:
    tree = large_tree(work / "lint-tree")
    semgrep = [tool("semgrep"), "scan", "--config", str(RULE), *SEMGREP_OFFLINE]
    ours = [tool("fastapi-cors-scaffold"), "lint"]
    files = sum(1 for path in tree.rglob("*") if path.suffix in (".py", ".yml", ".yaml", ".json", ".toml"))

    tree_runs, semgrep_tree_runs, file_runs, semgrep_file_runs = alternate(
        [
            lambda _: timed([*ours, "."], tree, ok=(0, 1)),
            lambda _: timed([*semgrep, "."], tree),
            lambda _: timed([*ours, str(ONE_FILE)], tree, ok=(0, 1)),
            lambda _: timed([*semgrep, str(ONE_FILE)], tree),
        ],
        options.runs,
    )
    found = json.loads(run([*ours, ".", "--json"], tree, ok=(0, 1)))
    matched = json.loads(run([*semgrep, "."], tree))["results"]
    what = f"fastapi-cors-scaffold lint on {files:,} files (corpus and installed packages)"
    tree_row = ratio_row("lint", what, tree_runs, "semgrep, a wildcard-cors rule", semgrep_tree_runs, "s", limit=LIMIT)
    tree_row.note = (
        f"on the tree, lint reports {len(found['configurations'])} configurations ({found['errors']} errors, "
        f"{found['warnings']} warnings), semgrep {len(matched)} wildcard calls"
    )
    file_row = ratio_row(
        "lint", "fastapi-cors-scaffold lint on one file", file_runs, "semgrep on one file", semgrep_file_runs, "s"
    )
    return [tree_row, file_row]


def large_tree(root: Path) -> Path:
    """The lint corpus and this environment's installed packages, copied into one folder both tools scan alike."""
    if not root.exists():
        shutil.copytree(DATA / "lint_corpus", root / "corpus")
        packages = Path(sysconfig.get_paths()["purelib"])
        shutil.copytree(packages, root / "packages", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        skipped = sorted({*SKIPPED_DIRECTORIES, "*.egg-info"})
        (root / ".semgrepignore").write_text("".join(f"{name}/\n" for name in skipped))
    return root
