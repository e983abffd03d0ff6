"""Every refusal of the library is a `Refusal`, and the command group alone turns one into a line and exit 2."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import fastapi_cors_scaffold
from fastapi_cors_scaffold import errors
from fastapi_cors_scaffold.errors import Refusal
from fastapi_cors_scaffold.projects import template as shipped
from tests.support.cli import invoke


def errors_of_the_library() -> set[type[Exception]]:
    """Every public exception class a module of the package defines, in any room (a private one is control flow
    inside its module and never reaches a command)."""
    found = set()
    for module in pkgutil.walk_packages(fastapi_cors_scaffold.__path__, "fastapi_cors_scaffold."):
        for value in vars(importlib.import_module(module.name)).values():
            if (
                isinstance(value, type)
                and issubclass(value, Exception)
                and value.__module__ == module.name
                and not value.__name__.startswith("_")
            ):
                found.add(value)
    return found


def test_each_error_the_library_defines_is_a_refusal_in_one_module() -> None:
    found = errors_of_the_library()

    assert {
        errors.ScaffoldError,
        errors.TemplateMissingError,
        errors.HistoryError,
        errors.ConfigurationError,
        errors.ProbeError,
        errors.FleetError,
        errors.BrowserUnavailable,
    } <= found
    assert [error.__name__ for error in found if not issubclass(error, Refusal)] == []
    assert [error.__name__ for error in found if error.__module__ != errors.__name__] == []


@pytest.mark.parametrize(
    "arguments",
    [["--version"], ["new", "service", "--defaults"], ["update", "--defaults"], ["template", "--bundle"]],
    ids=" ".join,
)
def test_a_refusal_anywhere_in_a_run_is_one_line_and_exit_2(
    arguments: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    def refuse() -> shipped.Template:
        raise Refusal("The template is not here:\nreinstall the package.")

    monkeypatch.setattr(shipped, "locate", refuse)
    result = invoke(*arguments)

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: The template is not here: reinstall the package.\n"


def test_bad_data_is_refused_before_the_template_is_looked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(shipped, "locate", lambda: pytest.fail("located"))
    result = invoke("new", "service", "--defaults", "--data", "no-equals-sign")

    assert result.exit_code == 2
    assert result.stderr == "error: --data 'no-equals-sign' is not KEY=VALUE, e.g. --data 'min_fastapi=0.166'.\n"


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    def interrupted() -> shipped.Template:
        raise KeyboardInterrupt

    monkeypatch.setattr(shipped, "locate", interrupted)
    result = invoke("update", "--defaults")

    assert (result.exit_code, result.stderr) == (130, "Interrupted.\n")
