"""The newest release this repository's history declares, as each door shows it: the version the package declares,
the tag `template --mirror` publishes, what `copier check-update` offers a project made by 0.1.0, and what a
project made by `new` from the release commit records.

Releases come from the history, not from tags (a fresh clone has none): `history.releases` finds them, as the
wheel's build and the release workflow do. CI unshallows its clone so that the whole history is there.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from packaging.version import Version

from fastapi_cors_scaffold.projects import history
from tests.support.cli import CHECKOUT_VARIABLE, HOME_VARIABLE, invoke, only_local_git
from tests.support.git import commit_all, git
from tests.support.paths import BIN, REPOSITORY
from tests.support.rendering import answers_of, run

FIRST_RELEASE = "0.1.0"
RELEASES = history.releases(REPOSITORY / ".git")
NEWEST = max(RELEASES, key=Version)
DECLARED = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]["version"]


def test_the_version_the_package_declares_is_its_newest_release() -> None:
    """Bumping the version without a dated changelog section (or the reverse) makes no release."""
    assert Version(NEWEST) > Version(FIRST_RELEASE)
    assert Version(DECLARED) == Version(NEWEST)


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The history as `template --mirror` writes it for a git server, from this checkout."""
    monkeypatch.setenv(CHECKOUT_VARIABLE, str(REPOSITORY))
    monkeypatch.setenv(HOME_VARIABLE, str(tmp_path / "home"))
    only_local_git(monkeypatch)
    written = invoke("template", "--mirror", str(tmp_path / "mirror.git"))
    assert written.exit_code == 0, written.output
    return tmp_path / "mirror.git"


def test_the_mirror_carries_every_release_tag_at_its_commit(mirror: Path) -> None:
    tags = {name: git(mirror, "rev-parse", f"{name}^{{commit}}") for name in RELEASES}

    assert tags == RELEASES


def test_check_update_in_a_project_made_by_the_first_release_offers_the_newest(tmp_path: Path) -> None:
    """As the repository's server holds it once the release workflow has tagged every release on `main`."""
    published = tmp_path / "published.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(REPOSITORY), str(published))
    for name, commit in RELEASES.items():
        git(published, "tag", "--force", name, commit)
    project = tmp_path / "service"
    copy = ["copy", "--defaults", "--quiet", "--vcs-ref", FIRST_RELEASE, str(published), str(project)]
    made = run([str(BIN / "copier"), *copy], tmp_path)
    assert made.returncode == 0, made.stderr
    git(project, "init", "--quiet")
    commit_all(project, "Made by the first release")

    checked = run([str(BIN / "copier"), "check-update", "--output-format", "json"], project)

    assert json.loads(checked.stdout) == {
        "update_available": True,
        "current_version": FIRST_RELEASE,
        "latest_version": NEWEST,
    }


def test_new_from_the_release_commit_records_the_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkout = tmp_path / "release"
    git(tmp_path, "clone", "--quiet", "--no-checkout", str(REPOSITORY), str(checkout))
    git(checkout, "checkout", "--quiet", "--detach", RELEASES[NEWEST])
    monkeypatch.setenv(CHECKOUT_VARIABLE, str(checkout))
    monkeypatch.setenv(HOME_VARIABLE, str(tmp_path / "home"))
    only_local_git(monkeypatch)

    version = invoke("--version")
    created = invoke("new", str(tmp_path / "service"), "--defaults", "--quiet")

    assert version.stdout.strip().endswith(f"template {NEWEST}")
    assert created.exit_code == 0, created.output
    assert str(answers_of(tmp_path / "service")["_commit"]) == NEWEST
