"""`copier update` from older template releases: user code survives, recommendations follow, choices stay.

The tests work on a clone of this repository with what projects in the wild were made from, tagged — every release
found in the history (0.1.0) and the last build before the template-owned code moved into `<package>/_cors/` —, and
two more: OLDER, derived from the working tree with older recommendations and without a file that NEWEST (the
working tree itself) adds.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from copier._types import VcsRef
from packaging.version import Version

from fastapi_cors_scaffold.projects import history
from tests.support.git import commit_all, git
from tests.support.paths import BIN, REPOSITORY
from tests.support.rendering import answers_of, check_project, project_env, render, run

NEW_FILE = "tests/test_home.py"
OLDER = "0.0.1"
NEWEST = "1000.0.0"  # the working tree: newer than every real release
FIRST_RELEASE = "0.1.0"
# Where the rules sat before they moved into the private _cors/ package.
RULES_BESIDE_MAIN = "template/src/{{package_name}}/cors_rules.py"
# The template-owned files each layout put beside the owner's main.py and settings.py.
OLD_LAYOUTS = {
    "0.1.0": ["src/my_service/cors.py"],
    "rules beside main.py": ["src/my_service/cors_rules.py", "src/my_service/cors_messages.json"],
}
# Questions a release asked under another name; the later template reads the old answer.
OLD_NAMES = {"allow_origins": "allowed_origins"}


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


def build_before_cors_package(repository: Path) -> tuple[str, str]:
    """The last commit whose template put the rules beside main.py, and the version a build of it records (an
    untagged build names itself `<release>.post<distance>+git-g<sha>`)."""
    moved = git(repository, "rev-list", "-1", "HEAD", "--", RULES_BESIDE_MAIN)
    commit = git(repository, "rev-parse", f"{moved}^")
    release, distance, _ = git(repository, "describe", "--tags", "--long", commit).rsplit("-", 2)
    return commit, f"{release}.post{distance}+git-g{commit[:12]}"


def shipped_tag(template: Path, layout: str) -> str:
    return FIRST_RELEASE if layout == "0.1.0" else build_before_cors_package(template)[1]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this repository with the releases of its history and the last build before `_cors/` tagged, and two
    more tags: OLDER, derived from the working tree with older recommendations, then NEWEST, the working tree."""
    repository = tmp_path_factory.mktemp("history") / "template"
    git(REPOSITORY, "clone", "--quiet", "--no-checkout", str(REPOSITORY), str(repository))
    git(repository, "checkout", "--quiet", "-B", "releases")
    for version, commit in history.releases(repository / ".git").items():
        git(repository, "tag", "--force", version, commit)
    assert FIRST_RELEASE in git(repository, "tag").split(), "the history lost its first release"
    commit, version = build_before_cors_package(repository)
    git(repository, "tag", version, commit)
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


def as_asked_by(template: Path, tag: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers under the names the release at `tag` asked them."""
    questions = yaml.safe_load(git(template, "show", f"{tag}:copier.yml"))
    return {OLD_NAMES.get(key, key) if key not in questions else key: value for key, value in answers.items()}


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
    tags = sorted(git(template, "tag").split(), key=Version)
    newest = tags[-1]
    assert len(tags) >= 4, tags
    fresh = generate(template, tmp_path / "fresh", newest, answers_given)
    for tag in tags[:-1]:
        project = generate(template, tmp_path / f"from-{tag}", tag, as_asked_by(template, tag, answers_given))

        update(project)

        assert without_commit(project) == without_commit(fresh), f"updating from {tag} differs from a fresh {newest}"


OWNER_README = "## Deployment notes\n\nWe run behind the company proxy.\n\n"


@pytest.mark.parametrize("layout", OLD_LAYOUTS)
def test_an_update_moves_the_template_code_into_cors_and_keeps_the_owners(
    template: Path, tmp_path: Path, mypy_cache: Path, layout: str
) -> None:
    """Copier deletes what the newer template no longer renders; the owner's endpoint, tests and README stay."""
    project = generate(template, tmp_path / "service", shipped_tag(template, layout))
    assert all((project / name).is_file() for name in OLD_LAYOUTS[layout])
    main = project / "src" / "my_service" / "main.py"
    edit(main, lambda text: text + USER_ENDPOINT)
    (project / "tests" / "test_users.py").write_text(USER_TEST)
    readme = project / "README.md"
    heading = "## Updating from the template"
    edit(readme, lambda text: text.replace(heading, OWNER_README + heading, 1))
    commit_all(project, "owner's work")

    update(project)

    assert answers_of(project)["_commit"] == NEWEST
    assert [name for name in OLD_LAYOUTS[layout] if (project / name).exists()] == []
    owned = project / "src" / "my_service" / "_cors"
    shipped = REPOSITORY / "template" / "src" / "{{package_name}}" / "_cors"
    assert sorted(path.name for path in owned.iterdir()) == sorted(path.name for path in shipped.iterdir())
    assert USER_ENDPOINT.strip() in main.read_text()
    assert (project / "tests" / "test_users.py").read_text() == USER_TEST
    assert OWNER_README in readme.read_text()
    assert "_cors/` is template-owned" in readme.read_text()
    assert not list(project.rglob("*.rej"))
    markers = run(["git", "diff", "--check"], project)
    assert markers.returncode == 0, markers.stdout
    check_project(project, mypy_cache)


OWNER_ACTION = """

@app.post("/transfer")
def transfer() -> str:
    return "transferred"
"""
# Renovate's copier manager runs exactly this (with --vcs-ref of the new tag).
RENOVATE = ("update", "--skip-answered", "--defaults", "--answers-file", ".copier-answers.yml")
FORGED_AND_TRUSTED = """
from fastapi.testclient import TestClient
from my_service.main import app
client = TestClient(app)
for origin in ("https://evil.example", "http://localhost:8080"):
    print(client.post("/transfer", headers={"Origin": origin, "Sec-Fetch-Site": "cross-site"}).status_code)
"""


@pytest.mark.parametrize("layout", OLD_LAYOUTS)
def test_renovates_update_turns_the_guard_on_in_a_project_made_before_it(
    template: Path, tmp_path: Path, mypy_cache: Path, layout: str
) -> None:
    project = generate(template, tmp_path / "service", shipped_tag(template, layout))
    main = project / "src" / "my_service" / "main.py"
    edit(main, lambda text: text + OWNER_ACTION)
    commit_all(project, "owner's action")
    before = run([str(BIN / "python"), "-c", FORGED_AND_TRUSTED], project, project_env(project))
    assert before.stdout.split() == ["200", "200"], "before the guard, the forged post runs"

    renovate = run([str(BIN / "copier"), *RENOVATE, "--vcs-ref", NEWEST], project)

    assert renovate.returncode == 0, renovate.stderr
    assert "cross_origin_protection" not in answers_of(project), "the recommendation is followed, not pinned"
    assert "cors_cross_origin_protection: bool = Field(default=True," in settings_of(project)
    assert OWNER_ACTION.strip() in main.read_text()
    after = run([str(BIN / "python"), "-c", FORGED_AND_TRUSTED], project, project_env(project))
    assert after.stdout.split() == ["403", "200"], after.stderr
    check_project(project, mypy_cache)


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
