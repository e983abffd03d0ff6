"""The generated service's settings against every row of tests/data/cors_rules.toml, read from environment variables
in the development and the production profile: the same verdict as the package's rules, the same sentence naming the
variable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType

import pytest

from fastapi_cors_scaffold.rules import checks
from fastapi_cors_scaffold.rules.guard import exempt_paths_problems
from fastapi_cors_scaffold.rules.questions import CORS
from tests.support.rendering import imported_settings
from tests.support.table import EXEMPT_ROWS, IDS, ROWS, ExemptRow, Row, first_problem

PREFIX = "TABLE_DOOR_"
VARIABLES = {question.field: f"{PREFIX}{question.variable}" for question in CORS}
EXEMPT_PATHS = f"{PREFIX}CROSS_ORIGIN_EXEMPT_PATHS"


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
        variables[VARIABLES[name]] = text
    return variables


@pytest.mark.parametrize("profile", ["development", "production"])
@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_the_service_start_up(
    row: Row, profile: str, settings_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in environment(row, profile).items():
        monkeypatch.setenv(variable, value)
    expected = row.production_rule() if profile == "production" else None if row.warns_in_development else row.rule

    if expected is None:
        settings_module.Settings()
        return
    with pytest.raises(ValueError) as refusal:
        settings_module.Settings()
    problem = (
        first_problem(row)
        or checks.production_problems(row.settings["allow_origins"], row.settings["allow_origin_regex"])[0]
    )
    assert problem.sentence(VARIABLES[problem.setting]) in str(refusal.value)


@pytest.mark.parametrize("row", EXEMPT_ROWS, ids=lambda row: ",".join(row.paths))
def test_the_service_start_up_with_exempt_paths(
    row: ExemptRow, settings_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EXEMPT_PATHS, json.dumps(row.paths))

    if row.rule is None:
        assert settings_module.Settings().cors_cross_origin_exempt_paths == row.paths
        return
    with pytest.raises(ValueError) as refusal:
        settings_module.Settings()
    assert exempt_paths_problems(row.paths)[0].sentence(EXEMPT_PATHS) in str(refusal.value)
