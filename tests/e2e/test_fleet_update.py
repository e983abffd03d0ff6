"""`update ROOT` over a folder of services: every project of this template found, each updated and tested, one row
each, conflicts and uncommitted changes reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fastapi_cors_scaffold.projects.fleet import readme_test_command
from tests.support.cli import invoke, released_checkout
from tests.support.git import commit_all, git
from tests.support.paths import BIN
from tests.support.updates import max_age_of, release

SETTING = "cors_max_age: int = 600"


OUR_TESTS = "tests/test_ours.py"


PASSING = """from my_service.settings import Settings


def test_ours() -> None:
    assert Settings().cors_max_age == 900
"""


OTHER_TEMPLATE = "_commit: v2.0.0\n_src_path: gh:someone/another-template\nproject_name: Not ours\nuse_docker: true\n"


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return released_checkout(tmp_path, monkeypatch)


def made(destination: Path, repository: Path | None = None, like: Path | None = None) -> Path:
    """A project made by `new` (or a copy of the one `like` names), committed in its own repository or in
    `repository` (a monorepo)."""
    if like is None:
        result = invoke("new", str(destination), "--defaults", "--quiet")
        assert result.exit_code == 0, result.output
    else:
        shutil.copytree(like, destination, ignore=shutil.ignore_patterns(".git"))
    repository = repository or destination
    if not (repository / ".git").exists():
        git(repository, "init", "--quiet")
    commit_all(repository, f"Add {destination.name}")
    return destination


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def test_a_fleet_with_a_conflicted_and_a_dirty_project_reports_each_and_exits_1(checkout: Path, tmp_path: Path) -> None:
    root = tmp_path / "services"
    clean = made(root / "clean")
    edit(clean / "README.md", "uv run pytest ", f"{BIN / 'python'} -m pytest -q -p no:cacheprovider {OUR_TESTS} ")
    assert readme_test_command(clean).endswith(f"-m pytest -q -p no:cacheprovider {OUR_TESTS}")
    (clean / OUR_TESTS).write_text(PASSING)
    commit_all(clean, "Our test command, and our tests")
    conflicted = made(root / "conflicted", like=clean)
    settings = conflicted / "src" / "my_service" / "settings.py"
    edit(settings, SETTING, "cors_max_age: int = 1200")
    (conflicted / "src" / "my_service" / "ping.py").write_text("PONG = 'pong'\n")
    commit_all(conflicted, "Our own preflight cache and an endpoint")
    dirty = made(root / "dirty", like=clean)
    (dirty / "notes.txt").write_text("not committed\n")
    (root / "mono").mkdir()
    first = made(root / "mono" / "a", root / "mono", like=clean)
    second = made(root / "mono" / "b", root / "mono", like=clean)
    (second / OUR_TESTS).write_text(PASSING.replace("== 900", "== 1"))
    commit_all(root / "mono", "A test of b that fails")
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / ".copier-answers.yml").write_text(OTHER_TEMPLATE)
    release(checkout, "1.1.0")

    result = invoke("update", str(root), "--defaults", "--test", "--json", env={"PYTHONPATH": "src"})

    assert result.exit_code == 1, result.output
    rows = {Path(row["project"]).relative_to(root).as_posix(): row for row in json.loads(result.stdout)}
    assert set(rows) == {"clean", "conflicted", "dirty", "mono/a", "mono/b"}, "the other template's project is left"
    for name in ("clean", "mono/a", "mono/b"):
        assert rows[name]["status"] == "updated", rows[name]
        assert (rows[name]["before"], rows[name]["after"]) == ("1.0.0", "1.1.0")
        assert rows[name]["changed"] == ["max_age 600 → 900"]
    assert max_age_of(clean) == max_age_of(first) == max_age_of(second) == "900"
    assert rows["clean"]["tests_passed"] is rows["mono/a"]["tests_passed"] is True
    assert rows["clean"]["ok"] and rows["mono/a"]["ok"]
    assert rows["mono/b"]["tests_passed"] is False and not rows["mono/b"]["ok"] and "failed" in rows["mono/b"]["reason"]
    assert rows["conflicted"]["status"] == "conflicted" and not rows["conflicted"]["ok"]
    assert rows["conflicted"]["conflicts"] == ["src/my_service/settings.py"]
    assert rows["conflicted"]["tests_passed"] is None, "a project with conflicts is not tested"
    assert "<<<<<<< before updating" in settings.read_text() and "1200" in settings.read_text()
    assert (conflicted / "src" / "my_service" / "ping.py").read_text() == "PONG = 'pong'\n"
    assert rows["dirty"]["status"] == "skipped" and "uncommitted" in rows["dirty"]["reason"]
    assert (dirty / "notes.txt").read_text() == "not committed\n" and max_age_of(dirty) == "600"

    again = invoke("update", str(clean), str(root / "mono"), "--defaults")
    assert again.exit_code == 1
    for column in ("project", "status", "release", "recommendations", "conflicts"):
        assert column in again.stdout
    assert again.stdout.count("uncommitted changes") == 3, "updated and not yet committed: skipped, with why"
    assert "0 of 3 projects updated or current." in again.stdout
