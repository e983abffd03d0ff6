"""Every door to the CORS rules gives every row of tests/data/cors_rules.toml the same verdict and the same sentence.

The doors: the package's rules (`cors_rules`), the questionnaire (`copier copy --data`, in process), the `new`
command's flags (in process) and the generated service's settings, read from environment variables in the
development and the production profile. A refusal is one sentence that names the setting as that door spells it.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import ada_url
import copier
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastapi_cors_scaffold import cors_rules
from fastapi_cors_scaffold.cors_rules import split_list
from fastapi_cors_scaffold.questions import FLAGS, QUESTION_OF
from tests.support.paths import REPOSITORY
from tests.support.rendering import imported_settings
from tests.support.table import INVALID_ORIGINS, ROWS, SETTINGS, VALID_ORIGINS, Row

IDS = [row.id for row in ROWS]
PREFIX = "TABLE_DOOR_"


def first_problem(row: Row) -> cors_rules.Problem | None:
    settings = {**row.settings, "allow_origin_regex": row.settings["allow_origin_regex"] or None}
    problems = cors_rules.policy_problems(**settings)
    return problems[0] if problems else None


def is_one_sentence(sentence: str, value: str) -> bool:
    """One line ending in one full stop; the quoted value itself may contain anything."""
    text = sentence.replace(f"'{value}'", "'VALUE'")
    return text.endswith(".") and "\n" not in text and re.search(r"[.!?]\s+[A-Z]", text[:-1]) is None


def test_the_table_covers_every_setting_and_rule() -> None:
    assert {name for row in ROWS for name in row.changed} == set(SETTINGS)
    rules = {key for key in cors_rules.MESSAGES if not key.startswith("_")}
    tested = {row.rule for row in ROWS} | {row.production for row in ROWS}
    untested = {rule for rule in rules - tested if not rule.endswith(("not_text", "not_list", "not_int", "not_bool"))}
    assert untested == set(), "every rule a person can reach needs a row"


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_the_package_rules(row: Row) -> None:
    problem = first_problem(row)

    assert (problem.rule if problem else None) == row.rule
    if problem:
        assert is_one_sentence(problem.sentence(), problem.value), problem.sentence()
        short = problem.text().replace(problem.value, "").replace(problem.attacker or problem.value, "")
        assert len(short) <= 64, "the first clause must fit an 80-column line"
        if problem.attacker and problem.attacker != "null":
            assert re.fullmatch(row.settings["allow_origin_regex"], problem.attacker)
            assert cors_rules.origin_problem(problem.attacker) is None, "the attacker is an origin a browser sends"
        for suggestion in re.findall(r"(?:write|send) '([^']*)'", problem.sentence()):
            if suggestion.startswith("http") and "[a-z" not in suggestion:
                assert cors_rules.origin_problem(suggestion) is None, suggestion


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_production_adds_only_development_only_refusals(row: Row) -> None:
    production = cors_rules.production_problems(row.settings["allow_origins"], row.settings["allow_origin_regex"])

    assert (production[0].rule if production else None) == row.production


def copier_data(row: Row) -> dict[str, Any]:
    return {QUESTION_OF[name]: value for name, value in row.settings.items()}


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_the_questionnaire(row: Row, tmp_path: Path) -> None:
    problem = None if row.python_only else first_problem(row)
    destination = tmp_path / "service"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if problem is None:
            copier.run_copy(
                str(REPOSITORY), destination, data=copier_data(row), defaults=True, vcs_ref="HEAD", pretend=True
            )
            return
        with pytest.raises(ValueError, match="Validation error") as refusal:
            copier.run_copy(str(REPOSITORY), destination, data=copier_data(row), defaults=True, vcs_ref="HEAD")
    question = "allow_credentials" if problem.rule == "origins.wildcard_credentials" else QUESTION_OF[problem.setting]
    assert str(refusal.value).startswith(f"Validation error for question '{question}': ")
    message = str(refusal.value).split(": ", 1)[1]
    expected = problem.sentence(QUESTION_OF[problem.setting]).removeprefix(f"{QUESTION_OF[problem.setting]}: ")
    if problem.rule == "regex.compile":
        assert message.startswith(expected.split(" (")[0]), "Copier's own words are allowed only for the error detail"
    else:
        assert message == expected, "Copier names the question, so the sentence leaves its name out"
    assert not destination.exists()


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
            arguments.append("--credentials" if value else "--no-credentials")
        else:
            arguments += [flags[name], str(value)]
    if "allow_credentials" not in row.changed:
        arguments.append("--credentials")
    return arguments


@pytest.mark.parametrize("row", [row for row in ROWS if row.rule and cli_arguments(row)], ids=lambda row: row.id)
def test_the_new_command_refuses(row: Row, tmp_path: Path) -> None:
    from tests.support.cli import invoke

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
def test_the_new_command_checks_accept(row: Row) -> None:
    """What `new` runs before Copier: the flags' answers on top of the template's recommendation."""
    from fastapi_cors_scaffold.answers import answer_errors
    from fastapi_cors_scaffold.shipped import locate

    answers = {QUESTION_OF[name]: value for name, value in row.changed.items()}

    assert answer_errors(answers, locate().recommendation) == []


@pytest.mark.parametrize("row", ACCEPTED_BY_FLAGS[::12], ids=lambda row: row.id)
def test_the_new_command_renders(row: Row, tmp_path: Path) -> None:
    from tests.support.cli import invoke

    arguments = cli_arguments(row)
    assert arguments is not None
    base = ["--origin", "https://app.example.com"] if "allow_origins" not in row.changed else []

    result = invoke("new", str(tmp_path / "service"), "--defaults", "--quiet", *base, *arguments)

    assert result.exit_code == 0, result.output
    assert (tmp_path / "service" / "src" / "my_service" / "cors_rules.py").is_file()


@pytest.fixture(scope="module")
def settings_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with imported_settings(tmp_path_factory.mktemp("project"), "Table Door") as module:
        yield module


def environment(row: Row, profile: str) -> dict[str, str]:
    variables = {f"{PREFIX}ENVIRONMENT": profile}
    for name, value in row.settings.items():
        text = (
            json.dumps(value)
            if isinstance(value, list)
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        )
        variables[f"{PREFIX}CORS_{name.upper()}"] = text
    return variables


@pytest.mark.parametrize("profile", ["development", "production"])
@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_the_service_start_up(
    row: Row, profile: str, settings_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in environment(row, profile).items():
        monkeypatch.setenv(variable, value)
    expected = row.production_rule() if profile == "production" else row.rule

    if expected is None:
        settings_module.Settings()
        return
    with pytest.raises(ValueError) as refusal:
        settings_module.Settings()
    problem = (
        first_problem(row)
        or cors_rules.production_problems(row.settings["allow_origins"], row.settings["allow_origin_regex"])[0]
    )
    assert problem.sentence(f"{PREFIX}CORS_{problem.setting.upper()}") in str(refusal.value)


@pytest.mark.parametrize("origin", VALID_ORIGINS)
def test_a_valid_origin_is_what_a_browser_sends(origin: str) -> None:
    assert ada_url.URL(origin).origin == origin


def test_the_origin_table_is_large() -> None:
    assert len(VALID_ORIGINS) >= 15
    assert len(INVALID_ORIGINS) >= 45


ORIGIN_LIKE = st.from_regex(r"\A(https?|HTTP|ftp)?(://)?[a-zA-Z0-9.\-_\[\]:*@%]{0,20}(:[0-9]{0,6})?/?\Z")


@given(st.one_of(st.text(max_size=40), ORIGIN_LIKE))
def test_an_accepted_origin_round_trips_through_the_url_standard(value: str) -> None:
    """The arbiter: whatever the rules accept, a WHATWG URL parser gives back unchanged as its origin."""
    problem = cors_rules.origin_problem(value)
    if problem is None:
        assert ada_url.URL(value).origin == value
    else:
        assert "\n" not in problem.sentence() or "\n" in value


@given(st.sampled_from(["http", "https"]), st.from_regex(r"[a-z0-9]{1,8}(\.[a-z0-9]{1,8}){0,2}", fullmatch=True))
def test_a_well_formed_origin_is_accepted(scheme: str, host: str) -> None:
    origin = f"{scheme}://{host}"
    if not re.fullmatch(r"[0-9.]+|.*\.[0-9]+|[0-9]+", host):
        assert cors_rules.origin_problem(origin) is None


def test_the_readme_lists_exactly_the_rules() -> None:
    readme = (REPOSITORY / "README.md").read_text()
    section = readme.split("## The rules\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z_0-9]+\.[a-z_0-9]+)`", section)) - {"cors_rules.py", "cors_messages.json"}

    assert listed == {key for key in cors_rules.MESSAGES if not key.startswith("_")}
