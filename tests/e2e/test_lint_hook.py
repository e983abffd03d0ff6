"""The pre-commit hook this repository ships: pre-commit installs it from a shallow clone and runs `lint` on a tree."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.support.cli import committed_copy
from tests.support.git import commit_all, git
from tests.support.paths import BIN, DATA

CORPUS = DATA / "lint_corpus"
HOOK = "fastapi-cors-scaffold-lint"


def test_pre_commit_try_repo_installs_the_hook_and_fails_on_an_error(tmp_path: Path) -> None:
    hook_repository = committed_copy(tmp_path / "hook")  # as committed at HEAD, whatever this checkout's depth
    git(hook_repository, "commit", "--allow-empty", "-q", "--no-gpg-sign", "-m", "A second commit")
    git(tmp_path, "clone", "--quiet", "--depth=1", hook_repository.as_uri(), "shallow")
    assert git(tmp_path / "shallow", "rev-parse", "--is-shallow-repository") == "true"  # what pre-commit fetches
    project = tmp_path / "project"
    (project / "backend" / "app").mkdir(parents=True)
    shutil.copy(CORPUS / "two_apps" / "apps.py", project / "backend" / "app" / "main.py")
    shutil.copy(CORPUS / "tutorial" / "main.py", project / "backend" / "app" / "public.py")
    git(project, "init", "--quiet")
    commit_all(project, "A service")

    result = subprocess.run(
        [str(BIN / "pre-commit"), "try-repo", str(hook_repository), HOOK, "--all-files"],
        cwd=project,
        env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        stdin=subprocess.DEVNULL,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "- exit code: 1" in result.stdout
    assert "backend/app/main.py:10" in result.stdout and "error  allow_origins  *" in result.stdout
    assert "backend/app/public.py:12" in result.stdout
