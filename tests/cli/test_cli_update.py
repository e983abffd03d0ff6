"""`update`, `template` and `--version` over a released checkout: what they print and refuse in one line
(tests/e2e/test_cli_update_flows.py takes projects through new releases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import CANONICAL, invoke, released_checkout
from tests.support.git import commit_all
from tests.support.updates import made_by_new, release


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of this repository whose template the tests release as 1.0.0, then change."""
    return released_checkout(tmp_path, monkeypatch)


def test_the_template_command_prints_the_url_projects_record_or_the_local_bundle(
    checkout: Path, tmp_path: Path
) -> None:
    result = invoke("template")
    bundle = invoke("template", "--bundle")

    assert result.exit_code == 0, result.output
    assert result.stdout == f"{CANONICAL}\n"
    assert bundle.exit_code == 0, bundle.output
    assert bundle.stdout == f"{tmp_path / 'home' / 'template.bundle'}\n"
    assert "template version 1.0.0" in bundle.stderr


def test_update_needs_an_answers_file(checkout: Path, tmp_path: Path) -> None:
    result = invoke("update", str(tmp_path), "--defaults")

    assert result.exit_code == 2
    assert ".copier-answers.yml" in result.stderr


def test_version_names_the_package_and_the_template_release_it_ships(checkout: Path) -> None:
    release(checkout, "1.1.0")

    result = invoke("--version")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("fastapi-cors-scaffold ") and result.stdout.endswith(", template 1.1.0\n")


def test_a_project_open_to_any_origin_updates_with_credentials_off_as_the_questionnaire_left_them(
    checkout: Path, tmp_path: Path
) -> None:
    """With "*" the questionnaire never asks about credentials (they stay off), so the answers file does not hold
    them: `new` and `update` read them as off too."""
    project = made_by_new(tmp_path / "service", "--origin", "*")
    assert "allow_credentials" not in (project / ".copier-answers.yml").read_text()
    assert "cors_allow_credentials: bool = False" in (project / "src/my_service/settings.py").read_text()

    result = invoke("update", str(project), "--defaults", "--quiet")

    assert result.exit_code == 0, result.output


def test_a_refused_regex_names_the_answer_and_asks_for_a_replacement(checkout: Path, tmp_path: Path) -> None:
    """0.1.0 accepted a regex that admits any domain after the host; this release refuses it before Copier runs."""
    project = made_by_new(tmp_path / "service", "--origin", "https://app.example.com")
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text() + "allow_origin_regex: https://example\\.com.*\n")
    commit_all(project, "Answers as an older release stored them")

    result = invoke("update", str(project), "--defaults", "--quiet")

    assert result.exit_code == 2
    assert result.stderr == (
        "error: allow_origin_regex: a trailing wildcard in 'https://example\\.com.*', admitting "
        "'https://example.com.evil.net': end the regex at "
        "your host (and port): a wildcard after the domain lets any domain follow. Update with --data "
        "'allow_origin_regex=<an accepted value>'.\n"
    )


def test_a_stored_regex_that_stalls_the_service_is_refused_before_copier_runs(checkout: Path, tmp_path: Path) -> None:
    """0.1.0 accepted a nested quantifier, which one crafted Origin makes take hours to match."""
    project = made_by_new(tmp_path / "service", "--origin", "https://app.example.com")
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text() + "allow_origin_regex: https://([a-z0-9]+)+\\.example\\.com\n")
    commit_all(project, "Answers as an older release stored them")

    result = invoke("update", str(project), "--defaults", "--quiet")

    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: allow_origin_regex: exponential backtracking in 'https://([a-z0-9]+)+\\.example\\.com': one request "
        f"with the Origin 'https://{'a' * 41}!' stalls the service for hours; write each repetition so it matches "
        "one way"
    )
    assert result.stderr.endswith("Update with --data 'allow_origin_regex=<an accepted value>'.\n")


def test_a_version_the_package_does_not_ship_is_named_with_those_it_does(checkout: Path, tmp_path: Path) -> None:
    """Copier then fetches the canonical URL; here git may use local transports only, so the fetch fails."""
    project = made_by_new(tmp_path / "service")

    result = invoke("update", str(project), "--defaults", "--quiet", "--vcs-ref", "9.9.9")

    assert result.exit_code == 2
    assert result.stderr.startswith("error: --vcs-ref 9.9.9 is not a release this package ships (1.0.0): git ")
    assert "cannot be written" not in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        ("max_age=abc", "max_age: not a whole number of seconds, 'abc'"),
        ("max_age=[600]", "max_age: not a whole number of seconds, '[600]'"),
        ("allow_credentials=maybe", "allow_credentials: not true or false, '\"maybe\"'"),
    ],
)
@pytest.mark.parametrize("command", ["new", "update"])
def test_a_data_value_of_the_wrong_kind_is_refused_in_a_sentence(
    checkout: Path, tmp_path: Path, command: str, data: str, refusal: str
) -> None:
    destination = made_by_new(tmp_path / "service") if command == "update" else tmp_path / "new-service"

    result = invoke(command, str(destination), "--defaults", "--quiet", "--data", data)

    assert result.exit_code == 2, result.output
    named = f"--data {refusal}" if command == "new" else refusal
    assert result.stderr.startswith(f"error: {named}")


def test_update_outside_a_project_without_defaults_says_it_found_no_project(checkout: Path, tmp_path: Path) -> None:
    result = invoke("update", str(tmp_path))

    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path} has no .copier-answers.yml: run update in a project, or pass --defaults to update every "
        "project of this template below it.\n"
    )


@pytest.mark.parametrize(
    ("content", "refusal"),
    [
        (b"- 1\n- 2\n", "holds a list, not a mapping of answers: restore it from version control"),
        (b"", "holds nothing, not a mapping of answers"),
        (b"\x00\xff", "cannot be read: it is not UTF-8"),
        (b"_commit: [1, 2]\nproject_name: x\n", "_commit is not text but [1, 2]: restore it"),
    ],
)
def test_an_answers_file_copier_cannot_read_is_refused_in_a_sentence(
    checkout: Path, tmp_path: Path, content: bytes, refusal: str
) -> None:
    (tmp_path / ".copier-answers.yml").write_bytes(content)

    result = invoke("update", str(tmp_path), "--defaults", "--quiet")

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {tmp_path / '.copier-answers.yml'}")
    assert refusal in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(("make", "said"), [(False, "does not exist"), (True, "is not a folder")])
def test_update_of_a_path_that_is_no_folder_says_what_it_is(
    checkout: Path, tmp_path: Path, make: bool, said: str
) -> None:
    target = tmp_path / "service"
    if make:
        target.write_text("")

    result = invoke("update", str(target), "--defaults")

    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {target} {said}: give the folder of a project")


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        ("customize=bogus", "--data customize: not a list, 'bogus': write the settings to choose"),
        ("docker=maybe", "--data docker: not true or false, 'maybe': write --data docker=true or docker=false."),
        ("renovate=[1]", "--data renovate: not true or false, '[1]'"),
    ],
)
@pytest.mark.parametrize("command", ["new", "update"])
def test_an_answer_copier_would_misread_or_stop_on_is_refused_in_a_sentence(
    checkout: Path, tmp_path: Path, command: str, data: str, refusal: str
) -> None:
    destination = made_by_new(tmp_path / "service") if command == "update" else tmp_path / "new-service"

    result = invoke(command, str(destination), "--defaults", "--quiet", "--data", data)

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {refusal}")


def test_a_refusal_by_copier_names_the_data_update_was_given(checkout: Path, tmp_path: Path) -> None:
    """`update` has no question flags: Copier's refusal names `--data`, not `new`'s `--python`."""
    project = made_by_new(tmp_path / "service")

    result = invoke("update", str(project), "--defaults", "--quiet", "--data", "python_version=3.10")

    assert result.exit_code == 2
    assert result.stderr.startswith("error: --data python_version=...: '3.10' is not in ")


def test_update_help_names_its_paths_once() -> None:
    assert "[OPTIONS] [PATH]...\n" in invoke("update", "--help").stdout
