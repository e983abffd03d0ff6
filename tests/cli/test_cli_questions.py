"""The table of questions (`questions.QUESTIONS`) against everything that names them: copier.yml, `Policy`, the
options of `new` and `lint`, their tables in the CLI reference (docs/cli.md), and the settings and README of a
generated service."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from fastapi_cors_scaffold.cli import app
from fastapi_cors_scaffold.rules.policy import Policy
from fastapi_cors_scaffold.rules.questions import CORS, QUESTIONS, Kind, Question
from tests.support.docs import DOCS, section, table_rows
from tests.support.paths import REPOSITORY
from tests.support.rendering import imported_settings

CLI_REFERENCE = DOCS / "cli.md"
WITH_FLAG = [question for question in QUESTIONS if question.flag]
# Options that answer no question: how to run, not what to render or judge.
NEW_OWN = {"--data", "--template", "--defaults", "--quiet", "--help"}
LINT_OWN = {"--service-url", "--production", "--strict", "--format", "--json", "--help"}
# The type of the parameter, None aside, for each kind of answer.
ANNOTATIONS: dict[Kind, Any] = {Kind.TEXT: str, Kind.REGEX: str, Kind.LIST: list[str], Kind.BOOL: bool, Kind.INT: int}


def options(command: str) -> dict[str, Any]:
    """The command's click options by their first name, as Typer built them from the function's signature."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return {param.opts[0]: param for param in group.commands[command].params if param.opts[0].startswith("--")}


def test_every_asked_question_of_copier_yml_is_in_the_table() -> None:
    loaded = yaml.safe_load((REPOSITORY / "copier.yml").read_text(encoding="utf-8"))
    asked = {key for key, spec in loaded.items() if not key.startswith("_") and spec.get("when") is not False}

    assert {question.key for question in QUESTIONS} == asked
    assert len({question.key for question in QUESTIONS}) == len(QUESTIONS)


def test_the_cors_rows_are_the_fields_of_policy_in_order() -> None:
    assert [question.field for question in CORS] == [field.name for field in dataclasses.fields(Policy)]


@pytest.mark.parametrize("question", WITH_FLAG, ids=lambda question: question.key)
def test_new_has_the_flag_of_each_question_with_its_kind(question: Question) -> None:
    option = options("new").get(question.flag or "")

    assert option is not None, f"new has no {question.flag}"
    assert option.name == question.parameter
    assert option.default is None, "a flag left out must not become an answer"
    assert option.multiple == (question.kind is Kind.LIST)
    assert option.type_descriptor.annotation == ANNOTATIONS[question.kind]
    if question.kind is Kind.BOOL:
        assert [*option.opts, *option.secondary_opts] == (question.spelled or "").split("/")
    else:
        assert not option.is_flag


@pytest.mark.parametrize("question", CORS, ids=lambda question: question.key)
def test_lint_takes_each_cors_flag_as_new_declares_it(question: Question) -> None:
    in_new, in_lint = options("new")[question.flag or ""], options("lint")[question.flag or ""]

    def declared(option: Any) -> tuple[Any, ...]:
        return option.opts, option.secondary_opts, option.type_descriptor.annotation, option.metavar, option.help

    assert declared(in_lint) == declared(in_new)


def test_no_option_answers_a_question_outside_the_table() -> None:
    flags = {question.flag for question in WITH_FLAG}
    cors_flags = {question.flag for question in CORS}

    assert set(options("new")) - NEW_OWN == flags
    assert set(options("lint")) - LINT_OWN == cors_flags


def long_flag(cell: str) -> str | None:
    """The long flag a cell of the CLI reference names, as `spelled` writes it (`--credentials/--no-credentials`)."""
    found = re.search(r"`(--[a-z-]+(?:/--[a-z-]+)?)`", cell)
    return found[1] if found else None


def test_the_cli_reference_maps_each_flag_of_new_to_its_question() -> None:
    keys = {question.key for question in QUESTIONS}
    rows = table_rows(section(CLI_REFERENCE.read_text(encoding="utf-8"), "new"))
    listed = {(long_flag(row[0]), row[1].strip("`")) for row in rows if row[1].strip("`") in keys}

    assert listed == {(question.spelled, question.key) for question in WITH_FLAG}


def test_the_generated_service_reads_the_variables_of_the_table(tmp_path: Path) -> None:
    with imported_settings(tmp_path, "Billing API") as settings:
        fields = set(settings.Settings.model_fields) - {"environment"}
        prefix = settings.ENV_PREFIX
    documented = set(re.findall(rf"`({prefix}CORS_[A-Z_]+)`", (tmp_path / "service" / "README.md").read_text()))

    assert fields == {(question.variable or "").lower() for question in CORS}
    assert documented == {f"{prefix}{question.variable}" for question in CORS}


def test_the_cli_reference_lists_the_value_options_of_lint_in_the_tables_order() -> None:
    fields = {question.field for question in CORS}
    rows = table_rows(section(CLI_REFERENCE.read_text(encoding="utf-8"), "lint"))
    listed = [(long_flag(row[0]), row[1].strip("`")) for row in rows if row[1].strip("`") in fields]

    assert listed == [(question.spelled, question.field) for question in CORS]
