"""`new` then `update` (and plain `copier update`) as the template moves on, over git: offline from the shipped
history and the per-user bundle, through releases, untagged commits and uncommitted template edits."""

from __future__ import annotations

import warnings
from pathlib import Path

import copier
import pytest

from tests.support.cli import (
    CANONICAL,
    CHECKOUT_VARIABLE,
    HOME_VARIABLE,
    in_process_git,
    invoke,
    network,
    only_local_git,
    published,
    released_checkout,
    run_cli,
)
from tests.support.git import commit_all, git
from tests.support.paths import BIN, REPOSITORY
from tests.support.rendering import answers_of
from tests.support.updates import made_by_new, max_age_of, release


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of this repository whose template the tests release as 1.0.0, then change."""
    return released_checkout(tmp_path, monkeypatch)


def test_update_follows_the_recommendation_keeps_a_pinned_answer_and_plain_copier_works(
    checkout: Path, tmp_path: Path
) -> None:
    following = made_by_new(tmp_path / "following")
    pinned = made_by_new(tmp_path / "pinned", "--max-age", "300")
    plain = made_by_new(tmp_path / "plain")
    assert answers_of(following)["_commit"] == "1.0.0"
    release(checkout, "1.1.0")

    for project in (following, pinned):
        result = invoke("update", str(project), "--defaults", "--quiet")
        assert result.exit_code == 0, result.output
        assert "from template 1.0.0 to 1.1.0" in result.stdout
    assert max_age_of(following) == "900"
    assert max_age_of(pinned) == "300"
    assert "Released again." in (following / "README.md").read_text()
    assert answers_of(pinned)["_commit"] == "1.1.0"

    # Plain Copier needs nothing from this package: it fetches the recorded URL (here served by a local repository).
    served = network(published(checkout, tmp_path / "published.git"))
    copier = run_cli("update", "--defaults", "--quiet", cwd=plain, env=served, command=str(BIN / "copier"))
    assert copier.returncode == 0, copier.stderr
    assert answers_of(plain)["_commit"] == "1.1.0"
    assert max_age_of(plain) == "900"

    (following / "README.md").write_text("edited, not committed\n")
    refused = invoke("update", str(following), "--defaults")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: ") and refused.stderr.count("\n") == 1
    assert "dirty" in refused.stderr


def test_a_project_recording_an_older_per_user_bundle_still_updates(checkout: Path, tmp_path: Path) -> None:
    """Projects made before the URL was recorded name this machine's bundle; they keep updating from it."""
    project = made_by_new(tmp_path / "service")
    answers = project / ".copier-answers.yml"
    bundle = tmp_path / "home" / "template.bundle"
    answers.write_text(answers.read_text().replace(f"_src_path: {CANONICAL}", f"_src_path: {bundle}"))
    commit_all(project, "Made by an older version of the CLI")
    release(checkout, "1.1.0")

    result = invoke("update", str(project), "--defaults", "--quiet")

    assert result.exit_code == 0, result.output
    assert answers_of(project)["_commit"] == "1.1.0" and answers_of(project)["_src_path"] == str(bundle)


def test_a_project_from_an_untagged_commit_updates_from_a_bundle_that_lacks_its_tag(
    checkout: Path, tmp_path: Path
) -> None:
    """An untagged build names its version `<tag>.post<n>+git-g<sha>`: git resolves that from the commit alone."""
    (checkout / "template" / "NOTES.md").write_text("Unreleased note.\n")
    commit_all(checkout, "A note, not released")
    project = made_by_new(tmp_path / "service")
    assert answers_of(project)["_commit"] == f"1.0.0.post1+git-g{git(checkout, 'rev-parse', 'HEAD')[:12]}"

    release(checkout, "1.1.0")
    (tmp_path / "home" / "template.bundle").unlink()  # as on another machine, or after a reinstall
    result = invoke("update", str(project), "--defaults", "--quiet")

    assert result.exit_code == 0, result.output
    assert answers_of(project)["_commit"] == "1.1.0"
    assert max_age_of(project) == "900"


def test_a_project_from_uncommitted_template_edits_updates_once_they_are_released(
    checkout: Path, tmp_path: Path
) -> None:
    """The per-user bundle keeps every version it was given, so the edits' one-off commit can be replayed."""
    (checkout / "template" / "NOTES.md").write_text("Unreleased note.\n")
    project = made_by_new(tmp_path / "service")
    assert str(answers_of(project)["_commit"]).startswith("1.0.0.post1+git-g")

    commit_all(checkout, "The note, committed")
    release(checkout, "1.1.0")
    result = invoke("update", str(project), "--defaults", "--quiet")

    assert result.exit_code == 0, result.output
    assert answers_of(project)["_commit"] == "1.1.0"
    assert (project / "NOTES.md").read_text() == "Unreleased note.\n"
    assert max_age_of(project) == "900"


def test_a_stored_answer_the_rules_now_refuse_is_named_with_the_data_that_fixes_it(
    checkout: Path, tmp_path: Path
) -> None:
    """Release 1.0.1 did not know that browsers upper-case `put`; 1.1.0 refuses the answer 1.0.1 stored."""
    validators = checkout / "includes" / "cors.jinja"
    strict = validators.read_text()
    lax = strict.replace("{%- elif method != method | upper and", "{%- elif false and")
    assert lax != strict, "the lower-case method rule changed shape: update this test"
    validators.write_text(lax)
    commit_all(checkout, "A release that accepts lower-case methods")
    git(checkout, "tag", "1.0.1")
    project = made_by_new(tmp_path / "service", "--origin", "https://app.example.com", "--method", "GET")
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("- GET\n", "- GET\n- put\n"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with in_process_git(network(tmp_path / "home" / "template.bundle")):  # the URL, from the CLI's history
            copier.run_recopy(str(project), vcs_ref="1.0.1", defaults=True, overwrite=True, quiet=True)
    commit_all(project, "Methods as 1.0.1 accepted them")
    validators.write_text(strict)
    commit_all(checkout, "Refuse lower-case methods again")
    git(checkout, "tag", "1.1.0")
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file() and ".git" not in path.parts}

    result = invoke("update", str(project), "--defaults", "--quiet")

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: allow_methods: a lower-case method, 'put'")
    assert "Update with --data 'allow_methods=[GET, PUT]'." in result.stderr
    assert {path: path.read_bytes() for path in before} == before

    fixed = invoke("update", str(project), "--defaults", "--quiet", "--data", "allow_methods=[GET, PUT]")
    assert fixed.exit_code == 0, fixed.output
    assert answers_of(project)["allow_methods"] == ["GET", "PUT"]
    assert answers_of(project)["_commit"] == "1.1.0"


def this_checkouts_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI run from this checkout, with its whole history (the real 0.1.0 included), in a per-test home; the
    per-user bundle it serves from, which the tests also use as the network behind the recorded URL."""
    monkeypatch.setenv(CHECKOUT_VARIABLE, str(REPOSITORY))
    monkeypatch.setenv(HOME_VARIABLE, str(tmp_path / "home"))
    monkeypatch.setenv("COPIER_CACHE_DIR", str(tmp_path / "copier-cache"))
    only_local_git(monkeypatch)
    listed = invoke("template", "--bundle")
    assert listed.exit_code == 0, listed.output
    return Path(listed.stdout.strip())


def made_by_first_release(project: Path, bundle: Path, origins: list[str]) -> Path:
    """A project `copier copy` made from the recorded URL at 0.1.0, which stored the origins as `allowed_origins`."""
    with warnings.catch_warnings(), in_process_git(network(bundle)):
        warnings.simplefilter("ignore")
        copier.run_copy(
            CANONICAL,
            project,
            data={"customize": ["allowed_origins"], "allowed_origins": origins},
            defaults=True,
            vcs_ref="0.1.0",
            quiet=True,
        )
    assert answers_of(project)["allowed_origins"] == origins
    git(project, "init", "--quiet")
    commit_all(project, "Made by 0.1.0")
    return project


def test_a_project_made_by_release_0_1_0_keeps_its_origins_under_the_renamed_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0.1.0 asked `allowed_origins`; now `allow_origins` reads the old answer (the real 0.1.0, from the history)."""
    bundle = this_checkouts_history(tmp_path, monkeypatch)
    origins = ["https://app.example.com", "https://admin.example.com"]
    project = made_by_first_release(tmp_path / "service", bundle, origins)

    result = invoke("update", str(project), "--defaults", "--quiet")

    assert result.exit_code == 0, result.output
    assert answers_of(project)["allow_origins"] == origins
    settings = (project / "src" / "my_service" / "settings.py").read_text()
    assert '"https://app.example.com", "https://admin.example.com"' in settings


ORIGINS_GIVEN = '["https://app.example.com", "http://localhost:5173"]'


@pytest.mark.parametrize("door", ["copier", "fastapi-cors-scaffold"])
@pytest.mark.parametrize("stored_as", ["allowed_origins", "allow_origins"])
def test_the_old_origins_key_given_to_update_answers_the_renamed_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, door: str, stored_as: str
) -> None:
    """Scripts written for 0.1.0 say `--data allowed_origins=…`: at plain Copier's door and at ours, whether the
    project stores its origins under the old name (made by the real 0.1.0) or the new one, that list replaces them."""
    bundle = this_checkouts_history(tmp_path, monkeypatch)
    project = tmp_path / "service"
    if stored_as == "allowed_origins":
        made_by_first_release(project, bundle, ["https://old.example.com"])
    else:
        made_by_new(project, "--origin", "https://old.example.com")
    data = ["--data", f"allowed_origins={ORIGINS_GIVEN}"]

    if door == "copier":
        result = run_cli(
            "update", "--defaults", "--quiet", *data, cwd=project, env=network(bundle), command=str(BIN / door)
        )
        assert result.returncode == 0, result.stderr
    else:
        updated = invoke("update", str(project), "--defaults", "--quiet", *data)
        assert updated.exit_code == 0, updated.output

    answers = answers_of(project)
    assert answers["allow_origins"] == ["https://app.example.com", "http://localhost:5173"]
    assert "allowed_origins" not in answers
    settings = (project / "src" / "my_service" / "settings.py").read_text()
    assert f"cors_allow_origins: NameList = {ORIGINS_GIVEN}" in settings
