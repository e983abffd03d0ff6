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


def test_a_refused_regex_names_the_answer_and_asks_for_a_replacement(checkout: Path, tmp_path: Path) -> None:
    """0.1.0 accepted a regex that admits any domain after the host; this release refuses it before Copier runs."""
    project = made_by_new(tmp_path / "service", "--origin", "https://app.example.com")
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text() + "allow_origin_regex: https://example\\.com.*\n")
    commit_all(project, "Answers as an older release stored them")

    result = invoke("update", str(project), "--defaults", "--quiet")

    assert result.exit_code == 2
    assert result.stderr == (
        "error: allow_origin_regex: 'https://example\\.com.*' admits 'https://example.com.evil.net': end the regex at "
        "your host (and port): a wildcard after the domain lets any domain follow. Update with --data "
        "'allow_origin_regex=<an accepted value>'.\n"
    )
