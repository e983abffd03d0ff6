"""Every door to the CORS rules gives every row of tests/data/cors_rules.toml the same verdict and the same sentence.

The doors: the package's rules (`cors_rules`, here), the `new` command's flags (tests/cli/test_rules_table_new.py),
the generated service's settings, read from environment variables in the development and the production profile
(tests/rendering/test_rules_table_settings.py), and the questionnaire, `copier copy --data` in process
(tests/e2e/test_rules_table_questionnaire.py). A refusal is one sentence that names the setting as that door spells it.
"""

from __future__ import annotations

import re

import ada_url
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from fastapi_cors_scaffold.rules import checks
from fastapi_cors_scaffold.rules.questions import QUESTION_OF
from tests.support.docs import DOCS, table_rows
from tests.support.paths import REPOSITORY
from tests.support.table import (
    EXEMPT_ROWS,
    IDS,
    INVALID_ORIGINS,
    ROWS,
    SETTINGS,
    VALID_ORIGINS,
    Row,
    all_problems,
    first_problem,
    questionnaire_problem,
)


def is_one_sentence(sentence: str, value: str) -> bool:
    """One line ending in one full stop; the quoted value itself may contain anything."""
    text = sentence.replace(f"'{value}'", "'VALUE'")
    return text.endswith(".") and "\n" not in text and re.search(r"[.!?]\s+[A-Z]", text[:-1]) is None


def test_the_table_covers_every_setting_and_rule() -> None:
    assert {name for row in ROWS for name in row.changed} == set(SETTINGS)
    rules = {key for key in checks.MESSAGES if not key.startswith("_")}
    tested = {row.rule for row in ROWS} | {row.production for row in ROWS} | {row.rule for row in EXEMPT_ROWS}
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
            assert checks.origin_problem(problem.attacker) is None, "the attacker is an origin a browser sends"
        for suggestion in re.findall(r"(?:write|send) '([^']*)'", problem.sentence()):
            if suggestion.startswith("http") and "[a-z" not in suggestion:
                assert checks.origin_problem(suggestion) is None, suggestion


@pytest.mark.parametrize("row", [row for row in ROWS if row.questionnaire], ids=lambda row: row.id)
def test_a_questionnaire_rule_is_a_later_problem_of_a_row_only_python_decides(row: Row) -> None:
    rules = [problem.rule for problem in all_problems(row)]

    assert row.python_only
    assert row.questionnaire in rules[1:]


REGEX_DOOR = SandboxedEnvironment(
    loader=FileSystemLoader(REPOSITORY), extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"]
).from_string("{%- from 'includes/regex.jinja' import regex_problem -%}{{ regex_problem(regex) }}")
REGEX_ROWS = [row for row in ROWS if list(row.changed) == ["allow_origin_regex"]]


@pytest.mark.parametrize("row", REGEX_ROWS, ids=lambda row: row.id)
def test_the_questionnaire_regex_validator_in_process(row: Row) -> None:
    """The questionnaire's regex validator rendered as Copier renders it (a sandbox with Ansible's filters), without a
    Copier run: the fast twin of tests/e2e/test_rules_table_questionnaire.py for the regex rows."""
    problem = questionnaire_problem(row)

    said = REGEX_DOOR.render(regex=row.settings["allow_origin_regex"])

    question = QUESTION_OF["allow_origin_regex"]
    expected = problem.sentence(question).removeprefix(f"{question}: ") if problem else ""
    if problem and problem.rule == "regex.compile":
        assert said.startswith(expected.split(" (")[0])
    else:
        assert said == expected


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_production_adds_only_development_only_refusals(row: Row) -> None:
    production = checks.production_problems(row.settings["allow_origins"], row.settings["allow_origin_regex"])

    assert (production[0].rule if production else None) == row.production


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
    problem = checks.origin_problem(value)
    if problem is None:
        assert ada_url.URL(value).origin == value
    else:
        assert "\n" not in problem.sentence() or "\n" in value


@given(st.sampled_from(["http", "https"]), st.from_regex(r"[a-z0-9]{1,8}(\.[a-z0-9]{1,8}){0,2}", fullmatch=True))
def test_a_well_formed_origin_is_accepted(scheme: str, host: str) -> None:
    origin = f"{scheme}://{host}"
    if not re.fullmatch(r"[0-9.]+|.*\.[0-9]+|[0-9]+|(.*\.)?0x[0-9a-f]*", host):  # numeric hosts are IPv4 addresses
        assert checks.origin_problem(origin) is None


def rules_page() -> dict[str, list[str]]:
    """The rows of docs/rules.md's tables, by the rule each names in its first cell."""
    rows = table_rows((DOCS / "rules.md").read_text())
    named = [row for row in rows if re.fullmatch(r"`[a-z_0-9]+\.[a-z_0-9]+`", row[0])]
    keys = [row[0].strip("`") for row in named]
    assert len(keys) == len(set(keys)), "a rule listed twice"
    return {key: row[1:] for key, row in zip(keys, named, strict=True)}


def written(row: Row) -> set[str]:
    """The changed values of a row as a page writes them: each item of a list, the list comma-separated, a scalar."""
    values = set()
    for value in row.changed.values():
        if isinstance(value, list):
            values |= {str(item) for item in value} | {", ".join(map(str, value))}
        else:
            values.add(str(value))
    return values


def test_the_rules_page_lists_exactly_the_rules() -> None:
    assert set(rules_page()) == {key for key in checks.MESSAGES if not key.startswith("_")}


def test_each_example_on_the_rules_page_is_a_row_its_rule_refuses() -> None:
    examples = {rule: cells[1].strip("`") for rule, cells in rules_page().items() if len(cells) > 1 and cells[1]}

    assert len(examples) >= 40
    for rule, example in examples.items():
        in_rows = any(rule in (row.rule, row.production) and example in written(row) for row in ROWS)
        in_exempt_rows = any(rule == row.rule and example in row.paths for row in EXEMPT_ROWS)
        assert in_rows or in_exempt_rows, (rule, example)


def test_the_rules_page_names_the_rules_the_questionnaire_accepts() -> None:
    marked = {rule for rule, cells in rules_page().items() if "not by the questionnaire" in cells[0]}
    partly = {rule for rule, cells in rules_page().items() if "partly by the questionnaire" in cells[0]}
    python = {row.rule for row in ROWS if row.python_only}
    questionnaire = {row.rule for row in ROWS if row.rule and not row.python_only}

    assert marked == python - questionnaire
    assert partly == python & questionnaire
