"""The generated service's settings against every row of tests/data/cors_rules.toml, read from environment variables
in the development and the production profile: the same verdict as the package's rules, the same sentence naming the
variable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType

import pytest

from fastapi_cors_scaffold.rules import checks
from tests.support.rendering import imported_settings
from tests.support.table import IDS, ROWS, Row, first_problem

PREFIX = "TABLE_DOOR_"


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
        or checks.production_problems(row.settings["allow_origins"], row.settings["allow_origin_regex"])[0]
    )
    assert problem.sentence(f"{PREFIX}CORS_{problem.setting.upper()}") in str(refusal.value)
