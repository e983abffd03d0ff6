"""The generated settings read lists from the environment and stop a bad start-up with one line (the rules
themselves are tested against the table in tests/rendering/test_rules_table_settings.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.support.rendering import imported_settings


@pytest.fixture(scope="module")
def settings_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with imported_settings(tmp_path_factory.mktemp("project"), "Table Check") as module:
        yield module


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
        ("TABLE_CHECK_CORS_ALLOW_HEADERS", "Authorization, X-Trace", ["Authorization", "X-Trace"]),
        ("TABLE_CHECK_CORS_ALLOW_ORIGIN_REGEX", "", None),
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
        ({"TABLE_CHECK_CORS_ALLOW_ORIGIN_REGEX": "https://.*"}, "any origin admitted by"),
        ({"TABLE_CHECK_CORS_MAX_AGE": "100000"}, "out of range"),
        ({"TABLE_CHECK_CORS_MAX_AGE": "soon"}, "TABLE_CHECK_CORS_MAX_AGE"),
        ({"TABLE_CHECK_CORS_ALLOW_HEADERS": "Authorization, X Foo"}, "not a request header name, 'X Foo'"),
        ({"TABLE_CHECK_CORS_ALLOW_METHODS": "get,post"}, "TABLE_CHECK_CORS_ALLOW_METHODS: a lower-case method, 'get'"),
        (
            {"TABLE_CHECK_CORS_ALLOW_ORIGIN_REGEX": r"https://example\.com.*", "TABLE_CHECK_ENVIRONMENT": "production"},
            "admitting 'https://example.com.evil.net'",
        ),
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
