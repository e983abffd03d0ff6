"""The generated project's own copy of the rules: its settings refuse every bad case of the shared table."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.rendering import render
from tests.table import load_origin_table

VALID, INVALID = load_origin_table()


@pytest.fixture(scope="module")
def settings_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    project = render(tmp_path_factory.mktemp("project") / "service", {"project_name": "Table Check"})
    sys.path.insert(0, str(project / "src"))
    try:
        yield importlib.import_module("table_check.settings")
    finally:
        sys.path.remove(str(project / "src"))
        for name in [name for name in sys.modules if name.startswith("table_check")]:
            del sys.modules[name]


@pytest.mark.parametrize("origin", VALID)
def test_valid_origin_is_accepted(settings_module: ModuleType, origin: str) -> None:
    settings = settings_module.Settings(cors_allow_origins=[origin])

    assert settings.cors_allow_origins == [origin]


@pytest.mark.parametrize(("origin", "hint"), INVALID)
def test_invalid_origin_stops_the_settings(settings_module: ModuleType, origin: str, hint: str) -> None:
    with pytest.raises(ValueError, match=r"cors_allow_origins|Value error") as error:
        settings_module.Settings(cors_allow_origins=["https://ok.example.com", origin])

    assert hint.lower() in str(error.value).lower()


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "TABLE_CHECK_CORS_ALLOW_ORIGINS",
            "https://a.example.com, http://localhost:5173",
            ["https://a.example.com", "http://localhost:5173"],
        ),
        ("TABLE_CHECK_CORS_ALLOW_ORIGINS", '["https://a.example.com"]', ["https://a.example.com"]),
        ("TABLE_CHECK_CORS_ALLOW_METHODS", "GET,POST", ["GET", "POST"]),
        ("TABLE_CHECK_CORS_EXPOSE_HEADERS", "", []),
    ],
)
def test_environment_overrides_lists(
    settings_module: ModuleType, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: list[str]
) -> None:
    monkeypatch.setenv(variable, value)
    field = variable.removeprefix("TABLE_CHECK_").lower()

    assert getattr(settings_module.Settings(), field) == expected


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"TABLE_CHECK_CORS_ALLOW_ORIGINS": "http://localhost:8080/"}, "TABLE_CHECK_CORS_ALLOW_ORIGINS"),
        ({"TABLE_CHECK_CORS_ALLOW_ORIGINS": "*"}, "credentials"),
        ({"TABLE_CHECK_CORS_ALLOW_ORIGIN_REGEX": "https://.*"}, "admits any origin"),
        ({"TABLE_CHECK_CORS_MAX_AGE": "100000"}, "out of range"),
        ({"TABLE_CHECK_CORS_MAX_AGE": "soon"}, "TABLE_CHECK_CORS_MAX_AGE"),
    ],
)
def test_bad_environment_stops_loading_with_one_clear_line(
    settings_module: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    environment: dict[str, str],
    message: str,
) -> None:
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)

    with pytest.raises(SystemExit) as stop:
        settings_module.load_settings()

    assert stop.value.code not in (0, None)
    [line] = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert line.startswith("Invalid settings: ")
    assert message in line
    assert "\n" not in line and "Traceback" not in line
