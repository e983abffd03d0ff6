"""The questionnaire (`copier copy --data`, in process) against every row of tests/data/cors_rules.toml: Copier
accepts what the package's rules accept and refuses the rest with the rules' sentence, the question named once.

One Copier run a row, so it is end to end: the fast loop leaves it out; tests/cli/test_rules_table_new.py and
tests/rendering/test_rules_table_settings.py give the other doors the same rows."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import copier
import pytest

from fastapi_cors_scaffold.rules.questions import QUESTION_OF
from tests.support.paths import REPOSITORY
from tests.support.table import IDS, ROWS, Row, questionnaire_problem


def copier_data(row: Row) -> dict[str, Any]:
    return {QUESTION_OF[name]: value for name, value in row.settings.items()}


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_the_questionnaire(row: Row, tmp_path: Path) -> None:
    problem = questionnaire_problem(row)
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
