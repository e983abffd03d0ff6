"""The `new` command's flags against every row of tests/data/cors_rules.toml: the same verdict as the package's
rules, and a refusal is the rules' sentence naming the flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_cors_scaffold.rules.checks import split_list
from fastapi_cors_scaffold.rules.questions import FLAGS, QUESTION_OF
from tests.support.cli import invoke
from tests.support.table import ROWS, SETTINGS, Row, first_problem


def cli_arguments(row: Row) -> list[str] | None:
    """The `new` flags for the row, or None where flags cannot say it (an empty list, an item a split would trim)."""
    flags = {name: FLAGS[QUESTION_OF[name]] for name in SETTINGS}
    arguments = []
    for name, value in row.changed.items():
        if isinstance(value, list):
            if not value or any(split_list(item) != [item] for item in value):
                return None
            arguments += [part for item in value for part in (flags[name], item)]
        elif isinstance(value, bool):
            yes, no = flags[name].split("/")
            arguments.append(yes if value else no)
        else:
            arguments += [flags[name], str(value)]
    if "allow_credentials" not in row.changed:
        arguments.append("--credentials")
    return arguments


@pytest.mark.parametrize("row", [row for row in ROWS if row.rule and cli_arguments(row)], ids=lambda row: row.id)
def test_the_new_command_refuses(row: Row, tmp_path: Path) -> None:
    problem = first_problem(row)
    assert problem is not None
    destination = tmp_path / "service"
    arguments = cli_arguments(row)
    assert arguments is not None
    base = ["--origin", "https://app.example.com"] if "allow_origins" not in row.changed else []

    result = invoke("new", str(destination), "--defaults", *base, *arguments)

    assert result.exit_code == 2
    assert result.stderr == f"error: {problem.sentence(FLAGS[QUESTION_OF[problem.setting]])}\n"
    assert not destination.exists()


ACCEPTED_BY_FLAGS = [row for row in ROWS if not row.rule and cli_arguments(row)]


@pytest.mark.parametrize("row", ACCEPTED_BY_FLAGS, ids=lambda row: row.id)
def test_the_checks_new_runs_before_copier_accept(row: Row) -> None:
    """What `new` runs before Copier: the flags' answers on top of the template's recommendation."""
    from fastapi_cors_scaffold.projects.answers import answer_errors
    from fastapi_cors_scaffold.projects.template import locate

    answers = {QUESTION_OF[name]: value for name, value in row.changed.items()}

    assert answer_errors(answers, locate().recommendation, FLAGS) == []


@pytest.mark.parametrize("row", ACCEPTED_BY_FLAGS[::12], ids=lambda row: row.id)
def test_the_new_command_renders(row: Row, tmp_path: Path) -> None:
    arguments = cli_arguments(row)
    assert arguments is not None
    base = ["--origin", "https://app.example.com"] if "allow_origins" not in row.changed else []

    result = invoke("new", str(tmp_path / "service"), "--defaults", "--quiet", *base, *arguments)

    assert result.exit_code == 0, result.output
    assert (tmp_path / "service" / "src" / "my_service" / "_cors" / "checks.py").is_file()
