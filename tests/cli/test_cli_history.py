"""The template's history bundle: how the shipped version is named, and how the per-user copy keeps every version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fastapi_cors_scaffold.errors import HistoryError
from fastapi_cors_scaffold.projects.history import build_bundle, bundle_heads, install_bundle, releases
from tests.support.cli import CHECKOUT_VARIABLE, TEMPLATE_PATHS, committed_copy, invoke
from tests.support.git import commit_all, git
from tests.support.paths import BIN, REPOSITORY


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A tiny repository with the three paths the template is made of."""
    repository = tmp_path / "checkout"
    (repository / "template").mkdir(parents=True)
    (repository / "includes").mkdir()
    (repository / "copier.yml").write_text("_subdirectory: template\n")
    (repository / "template" / "README.md").write_text("v1\n")
    (repository / "includes" / "macros.jinja").write_text("")
    git(repository, "init", "--quiet")
    commit_all(repository, "First")
    return repository


def head(repository: Path) -> str:
    return git(repository, "rev-parse", "HEAD")


def test_a_released_tip_ships_under_its_tag(checkout: Path, tmp_path: Path) -> None:
    git(checkout, "tag", "1.2.0")

    assert build_bundle(checkout, tmp_path / "b.bundle") == "1.2.0"
    assert bundle_heads(tmp_path / "b.bundle") == {"HEAD": head(checkout), "refs/tags/1.2.0": head(checkout)}


def test_commits_after_a_release_are_post_releases_named_by_their_commit(checkout: Path, tmp_path: Path) -> None:
    git(checkout, "tag", "v1.2.0")
    (checkout / "template" / "README.md").write_text("v2\n")
    commit_all(checkout, "Second")

    name = build_bundle(checkout, tmp_path / "b.bundle")

    assert name == f"1.2.0.post1+git-g{head(checkout)[:12]}"
    assert git(checkout, "rev-parse", name) == head(checkout), "git resolves the name even without the tag"


def test_without_any_release_the_count_of_commits_is_the_version(checkout: Path, tmp_path: Path) -> None:
    assert build_bundle(checkout, tmp_path / "b.bundle") == f"0.0.0.post1+git-g{head(checkout)[:12]}"


def declare(checkout: Path, version: str, *sections: str) -> None:
    """Set pyproject.toml's version and CHANGELOG.md's section headings, and commit."""
    (checkout / "pyproject.toml").write_text(f'[project]\nname = "t"\nversion = "{version}"\n')
    (checkout / "CHANGELOG.md").write_text(
        "# Changelog\n\n" + "".join(f"## {title}\n\nNotes.\n\n" for title in sections)
    )
    commit_all(checkout, f"Version {version}: {', '.join(sections) or 'no section'}")


def test_releases_are_read_from_the_history_without_any_tag(checkout: Path, tmp_path: Path) -> None:
    """A release is the first commit whose CHANGELOG dates the version pyproject.toml declares."""
    declare(checkout, "0.1.0", "Unreleased")
    declare(checkout, "0.1.0", "0.1.0 — 2026-11-25")
    first = head(checkout)
    declare(checkout, "0.1.0", "Unreleased", "0.1.0 — 2026-11-25")
    declare(checkout, "0.2.0", "0.2.0 - 2026-12-01", "0.1.0 — 2026-11-25")
    second = head(checkout)
    (checkout / "template" / "README.md").write_text("after 0.2.0\n")
    commit_all(checkout, "Work after the release")
    assert not git(checkout, "tag"), "a fresh clone has no tags"

    assert releases(checkout / ".git") == {"0.1.0": first, "0.2.0": second}
    name = build_bundle(checkout, tmp_path / "b.bundle")
    heads = bundle_heads(tmp_path / "b.bundle")
    assert name == f"0.2.0.post1+git-g{head(checkout)[:12]}"
    assert heads["refs/tags/0.1.0"] == first and heads["refs/tags/0.2.0"] == second


def test_a_tag_already_in_the_checkout_wins_over_the_derived_one(checkout: Path, tmp_path: Path) -> None:
    declare(checkout, "1.0.0", "1.0.0 — 2026-11-25")
    derived = head(checkout)
    (checkout / "template" / "README.md").write_text("v2\n")
    commit_all(checkout, "Second")
    git(checkout, "tag", "1.0.0")

    assert build_bundle(checkout, tmp_path / "b.bundle") == "1.0.0"
    assert bundle_heads(tmp_path / "b.bundle")["refs/tags/1.0.0"] == head(checkout) != derived


def test_this_repository_released_0_1_0_at_the_changelog_commit() -> None:
    if git(REPOSITORY, "rev-parse", "--is-shallow-repository") == "true":
        pytest.skip("a shallow clone has no history to read releases from")
    found = releases(Path(git(REPOSITORY, "rev-parse", "--absolute-git-dir")))

    assert found["0.1.0"] == git(REPOSITORY, "rev-parse", "fc2adb1")


def test_uncommitted_template_edits_are_one_more_commit_and_always_the_same_one(checkout: Path, tmp_path: Path) -> None:
    git(checkout, "tag", "1.0.0")
    (checkout / "template" / "README.md").write_text("edited\n")
    (checkout / "template" / "NEW.md").write_text("new\n")
    (checkout / "notes.txt").write_text("not part of the template\n")

    first = build_bundle(checkout, tmp_path / "a.bundle")
    second = build_bundle(checkout, tmp_path / "b.bundle")

    assert first == second and first.startswith("1.0.0.post1+git-g")
    assert git(checkout, "status", "--porcelain", "--untracked-files=all").count("\n") == 2, "the checkout is untouched"
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(tmp_path / "a.bundle"), str(clone))
    assert (clone / "template" / "README.md").read_text() == "edited\n"
    assert (clone / "template" / "NEW.md").is_file() and not (clone / "notes.txt").exists()


def test_the_per_user_bundle_keeps_older_versions_and_is_not_rewritten_for_nothing(
    checkout: Path, tmp_path: Path
) -> None:
    (checkout / "template" / "README.md").write_text("edited, never committed\n")
    built = tmp_path / "built.bundle"
    user = tmp_path / "home" / "template.bundle"
    unreleased = build_bundle(checkout, built)
    install_bundle(built, user)
    commit_all(checkout, "Commit the edit")
    git(checkout, "tag", "2.0.0")
    assert build_bundle(checkout, built) == "2.0.0"

    install_bundle(built, user)
    heads = bundle_heads(user)
    assert {f"refs/tags/{unreleased}", "refs/tags/2.0.0"} <= set(heads)
    assert heads["HEAD"] == head(checkout)

    written = user.stat().st_mtime_ns
    install_bundle(built, user)
    assert user.stat().st_mtime_ns == written


def test_a_shallow_checkout_cannot_give_the_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full = committed_copy(tmp_path / "full", *TEMPLATE_PATHS)
    (full / "template" / "README.md").write_text("second commit\n")
    commit_all(full, "Second")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{full}", str(shallow))
    with pytest.raises(HistoryError, match="shallow clone"):
        build_bundle(shallow, tmp_path / "b.bundle")

    monkeypatch.setenv(CHECKOUT_VARIABLE, str(shallow))
    result = invoke("new", str(tmp_path / "service"), "--defaults")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "git fetch --unshallow" in result.stderr
    assert not (tmp_path / "service").exists()


def test_a_file_that_is_not_a_bundle_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.bundle").write_text("hello\n")
    with pytest.raises(HistoryError, match="not a git bundle"):
        bundle_heads(tmp_path / "x.bundle")


RELEASES = "fastapi_cors_scaffold.projects.history"


def test_the_release_workflow_lints_clean_and_its_script_prints_the_releases(checkout: Path) -> None:
    workflow = REPOSITORY / ".github" / "workflows" / "release.yml"
    linted = subprocess.run([str(BIN / "actionlint"), str(workflow)], capture_output=True, text=True, check=False)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "PYTHONPATH=src uv run --no-project --with 'packaging>=24' python -m " + RELEASES in workflow.read_text()
    declare(checkout, "0.3.0", "0.3.0 — 2026-12-01")

    # As the workflow runs it: from the source tree, isolated from the installed package (-I drops PYTHONPATH, so
    # the tree is put first on the path by hand).
    source = REPOSITORY / "src"
    program = f"import runpy, sys; sys.path.insert(0, {str(source)!r}); sys.argv[1:] = ['releases']; "
    program += f"runpy.run_module({RELEASES!r}, run_name='__main__')"
    printed = subprocess.run(
        [sys.executable, "-I", "-c", program], cwd=checkout, capture_output=True, text=True, check=False
    )

    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == f"0.3.0 {head(checkout)}\n"
