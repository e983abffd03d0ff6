"""`copier update` from older template releases: user code survives, recommendations follow, choices stay.

The tests work on a clone of this repository with its real release tags and two more: OLDER, derived from the
working tree with older recommendations and without a file that NEWEST (the working tree itself) adds.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier
import pytest
from copier._types import VcsRef

from tests.support.git import commit_all, git
from tests.support.paths import REPOSITORY
from tests.support.rendering import answers_of, check_project, render

NEW_FILE = "tests/test_home.py"
OLDER = "0.0.1"
NEWEST = "1000.0.0"  # the working tree: newer than every real release


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new))


def older_release(template: Path) -> None:
    """What OLDER recommended: a shorter preflight cache, a legacy exposed header, an older FastAPI, one file less."""
    copier_yml = template / "copier.yml"
    replace_once(copier_yml, "  default: 600\n", "  default: 300\n")
    replace_once(copier_yml, '  default: "0.165"\n', '  default: "0.110"\n')
    text = copier_yml.read_text()
    block_start = text.index("\nexpose_headers:")
    block_end = text.index("\n\n", block_start + 1)
    block = text[block_start:block_end].replace("  default: []", '  default: ["X-Legacy-Id"]')
    copier_yml.write_text(text[:block_start] + block + text[block_end:])
    (template / "template" / NEW_FILE).unlink()


def copy_working_tree(repository: Path) -> None:
    """Put this working tree's template, uncommitted edits included, in place of the repository's."""
    for name in ("copier.yml", "includes", "template"):
        target = repository / name
        if target.is_dir():
            shutil.rmtree(target)
        target.unlink(missing_ok=True)
    names = git(
        REPOSITORY, "ls-files", "--cached", "--others", "--exclude-standard", "copier.yml", "includes", "template"
    )
    for name in names.splitlines():
        if (REPOSITORY / name).is_file():
            (repository / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPOSITORY / name, repository / name)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this repository, with its real release tags, and two more: OLDER, derived from the working tree with
    older recommendations, then NEWEST, the working tree itself."""
    repository = tmp_path_factory.mktemp("history") / "template"
    git(REPOSITORY, "clone", "--quiet", "--no-checkout", str(REPOSITORY), str(repository))
    git(repository, "checkout", "--quiet", "-B", "releases")
    for release in (OLDER, NEWEST):
        copy_working_tree(repository)
        if release == OLDER:
            older_release(repository)
        git(repository, "add", "--all")
        git(repository, "commit", "--quiet", "--allow-empty", f"--message=release {release}")
        git(repository, "tag", release)
    return repository


def generate(template: Path, destination: Path, tag: str, data: dict[str, Any] | None = None) -> Path:
    """`copier copy` at `tag`, then the first commit of the user's own repository."""
    render(destination, data, source=template, vcs_ref=tag)
    git(destination, "init", "--quiet", "--initial-branch=main")
    commit_all(destination, "generated")
    return destination


def update(project: Path, **options: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_update(project, defaults=True, overwrite=True, quiet=True, unsafe=False, **options)


def settings_of(project: Path) -> str:
    return (project / "src" / "my_service" / "settings.py").read_text()


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text()))


USER_ENDPOINT = """

@app.get("/users/me")
def current_user() -> dict[str, str]:
    return {"name": "ada"}
"""
USER_TEST = """from fastapi.testclient import TestClient

from my_service.main import app


def test_current_user() -> None:
    assert TestClient(app).get("/users/me").json() == {"name": "ada"}
"""
USER_README = "\n## Deployment notes\n\nWe run behind the company proxy.\n"


def make_user_edits(project: Path) -> None:
    edit(project / "src" / "my_service" / "main.py", lambda text: text + USER_ENDPOINT)
    (project / "tests" / "test_users.py").write_text(USER_TEST)
    edit(
        project / "pyproject.toml",
        lambda text: text.replace("\n]\n", '\n    "orjson>=3",\n]\n', 1),
    )
    edit(project / "README.md", lambda text: text + USER_README)
    commit_all(project, "user work")


def test_user_code_survives_and_new_recommendations_arrive(template: Path, tmp_path: Path, mypy_cache: Path) -> None:
    project = generate(template, tmp_path / "service", OLDER)
    assert "cors_max_age: int = 300" in settings_of(project)
    assert not (project / NEW_FILE).exists()
    make_user_edits(project)

    update(project)

    assert answers_of(project)["_commit"] == NEWEST
    assert USER_ENDPOINT.strip() in (project / "src" / "my_service" / "main.py").read_text()
    assert (project / "tests" / "test_users.py").read_text() == USER_TEST
    pyproject = (project / "pyproject.toml").read_text()
    assert '"orjson>=3"' in pyproject
    assert '"fastapi>=0.165"' in pyproject
    assert USER_README in (project / "README.md").read_text()
    settings = settings_of(project)
    assert "cors_max_age: int = 600" in settings, "an accepted recommendation follows the template"
    assert "cors_expose_headers: NameList = []" in settings
    assert (project / NEW_FILE).is_file()
    assert not list(project.rglob("*.rej"))
    assert "<<<<<<<" not in settings
    check_project(project, mypy_cache)


def test_explicit_choices_are_kept(template: Path, tmp_path: Path, mypy_cache: Path) -> None:
    pinned = {"max_age": 900, "expose_headers": ["X-Request-Id"], "min_fastapi": "0.120"}
    project = generate(template, tmp_path / "service", OLDER, pinned)

    update(project)

    settings = settings_of(project)
    assert "cors_max_age: int = 900" in settings
    assert 'cors_expose_headers: NameList = ["X-Request-Id"]' in settings
    assert '"fastapi>=0.120"' in (project / "pyproject.toml").read_text()
    assert {key: answers_of(project)[key] for key in pinned} == pinned
    check_project(project, mypy_cache)


def test_pinned_value_can_follow_the_template_again(template: Path, tmp_path: Path) -> None:
    """The README's way to unpin: back to the current release's recommendation, then drop the line."""
    project = generate(template, tmp_path / "service", OLDER, {"max_age": 900})

    update(project, vcs_ref=VcsRef.CURRENT, data={"max_age": 300})
    edit(project / ".copier-answers.yml", lambda text: text.replace("max_age: 300\n", ""))
    commit_all(project, "follow the recommended max_age again")
    update(project)

    assert "cors_max_age: int = 600" in settings_of(project)
    assert "max_age" not in answers_of(project)


@pytest.mark.parametrize("conflict", ["inline", "rej"])
def test_conflicting_edit_shows_both_sides(template: Path, tmp_path: Path, conflict: str) -> None:
    project = generate(template, tmp_path / "service", OLDER)
    settings_path = project / "src" / "my_service" / "settings.py"
    edit(settings_path, lambda text: text.replace("cors_max_age: int = 300", "cors_max_age: int = 450  # measured"))
    commit_all(project, "tune max_age by hand")

    update(project, conflict=conflict)

    if conflict == "inline":
        settings = settings_of(project)
        assert "<<<<<<< before updating" in settings and ">>>>>>> after updating" in settings
        assert "cors_max_age: int = 450  # measured" in settings
        assert "cors_max_age: int = 600" in settings
    else:
        rejected = project / "src" / "my_service" / "settings.py.rej"
        assert rejected.is_file()
        assert "cors_max_age: int = 450  # measured" in rejected.read_text(), "the user's side is kept in the .rej"
        assert "cors_max_age: int = 600" in settings_of(project)


def without_commit(project: Path) -> dict[str, str]:
    files = {
        str(path.relative_to(project)): path.read_text()
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }
    files[".copier-answers.yml"] = "\n".join(
        line for line in files[".copier-answers.yml"].splitlines() if not line.startswith("_commit:")
    )
    return files


@pytest.mark.parametrize("answers_given", [{}, {"allow_origins": ["https://app.example.com"], "max_age": 60}])
def test_every_older_release_updates_to_a_fresh_generation(
    template: Path, tmp_path: Path, answers_given: dict[str, Any]
) -> None:
    tags = git(template, "tag", "--sort=version:refname").split()
    newest = tags[-1]
    fresh = generate(template, tmp_path / "fresh", newest, answers_given)
    for tag in tags[:-1]:
        project = generate(template, tmp_path / f"from-{tag}", tag, answers_given)

        update(project)

        assert without_commit(project) == without_commit(fresh), f"updating from {tag} differs from a fresh {newest}"


def test_changing_an_answer_changes_only_the_cors_configuration(
    template: Path, tmp_path: Path, mypy_cache: Path
) -> None:
    project = generate(template, tmp_path / "service", NEWEST)

    update(project, data={"allow_origins": ["https://app.example.com", "http://localhost:5173"]})

    changed = set(git(project, "diff", "--name-only").split())
    assert changed == {".copier-answers.yml", "README.md", "src/my_service/settings.py"}
    assert '["https://app.example.com", "http://localhost:5173"]' in settings_of(project)
    check_project(project, mypy_cache)


def test_invalid_hand_edited_answer_stops_the_update_and_changes_nothing(template: Path, tmp_path: Path) -> None:
    project = generate(template, tmp_path / "service", OLDER, {"allow_origins": ["https://app.example.com"]})
    edit(
        project / ".copier-answers.yml",
        lambda text: text.replace("https://app.example.com", "https://app.example.com/"),
    )
    commit_all(project, "hand edit")

    with pytest.raises(ValueError, match="drop the trailing slash"):
        update(project)

    assert git(project, "status", "--porcelain") == ""
    assert answers_of(project)["_commit"] == OLDER


RENAMED = "1001.0.0"


def rename_max_age(template: Path) -> None:
    """A release that renames `max_age` the way RELEASING asks: the new key's computed default reads the old one."""
    copier_yml = template / "copier.yml"
    replace_once(copier_yml, "\nmax_age:\n", "\npreflight_max_age:\n")
    replace_once(copier_yml, "  default: 600\n", '  default: "{{ max_age if max_age is defined else 600 }}"\n')
    replace_once(
        copier_yml,
        "when: \"{{ 'max_age' in customize or max_age is defined }}\"",
        "when: \"{{ 'max_age' in customize or preflight_max_age is defined or max_age is defined }}\"",
    )
    replace_once(
        copier_yml,
        "{{ max_age_problem(max_age) }}",
        "{{ max_age_problem(preflight_max_age, 'preflight_max_age') }}",
    )
    for path in (template / "template").rglob("*.jinja"):
        text = path.read_text()
        for old in ("{{ max_age }}", "if max_age > 7200", "'max_age', 'min_fastapi'"):
            text = text.replace(old, old.replace("max_age", "preflight_max_age"))
        path.write_text(text)


@pytest.fixture(scope="module")
def renamed_template(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    repository = tmp_path_factory.mktemp("renamed") / "template"
    git(template, "clone", "--quiet", str(template), str(repository))
    git(repository, "checkout", "--quiet", "-B", "releases", NEWEST)
    rename_max_age(repository)
    git(repository, "commit", "--quiet", "--all", f"--message=release {RENAMED}")
    git(repository, "tag", RENAMED)
    return repository


@pytest.mark.parametrize(("given", "expected"), [({"max_age": 900}, 900), ({}, 600)])
def test_renamed_question_keeps_the_users_value(
    renamed_template: Path, tmp_path: Path, mypy_cache: Path, given: dict[str, int], expected: int
) -> None:
    project = generate(renamed_template, tmp_path / "service", OLDER, given)

    update(project)

    assert answers_of(project)["_commit"] == RENAMED
    assert f"cors_max_age: int = {expected}" in settings_of(project)
    assert "max_age" not in answers_of(project)
    assert answers_of(project).get("preflight_max_age") == given.get("max_age")
    check_project(project, mypy_cache)
