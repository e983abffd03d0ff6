"""The questionnaire refuses bad names and descriptions with one sentence and writes nothing; the CORS answers are
tested row by row against the rules table in test_rules_table.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.rendering import BIN, REPOSITORY, render, run


def refusal(tmp_path: Path, data: dict[str, Any]) -> str:
    destination = tmp_path / "service"
    with pytest.raises(ValueError, match="Validation error") as error:
        render(destination, data)
    assert not destination.exists(), "a refused answer must leave no half-written project"
    return str(error.value)


BAD_ANSWERS = [
    ({"allow_origin_regex": "https://a**"}, "multiple repeat"),
    ({"allowed_origins": ""}, "allowed_origins: no origin was given"),
    ({"project_name": "  "}, "empty"),
    ({"project_name": "Billing\rAPI"}, "control or line-break character"),
    ({"description": "Two\nlines"}, "control or line-break character"),
    ({"description": "Next\u0085line"}, "control or line-break character"),
    ({"project_slug": "Billing API"}, "not a distribution name"),
    ({"package_name": "billing-api"}, "not a Python package name"),
]


@pytest.mark.parametrize(("data", "hint"), BAD_ANSWERS, ids=[hint for _, hint in BAD_ANSWERS])
def test_bad_policy_is_refused(tmp_path: Path, data: dict[str, Any], hint: str) -> None:
    assert hint.lower() in refusal(tmp_path, data).lower()


def test_copier_cli_stops_on_a_bad_origin_and_writes_nothing(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    result = run(
        [
            str(BIN / "copier"),
            "copy",
            "--defaults",
            "--vcs-ref=HEAD",
            "--data",
            "allowed_origins=[http://localhost:8080/]",
            str(REPOSITORY),
            str(destination),
        ],
        tmp_path,
    )

    assert result.returncode != 0
    assert "drop the trailing slash" in result.stderr
    assert not destination.exists()
