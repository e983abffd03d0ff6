"""`lint` on the cross-origin guard's switch: off while credentials are on is an error where the setting exists (a
generated project's settings, its answers file, the command line for either), and nothing anywhere else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.cli import invoke
from tests.support.rendering import render

SETTING = "cross_origin_protection"


def lint(*args: str) -> tuple[int, list[dict[str, Any]]]:
    """Exit status and the findings of every configuration `lint --json` reports."""
    result = invoke("lint", *args, "--json")
    assert result.exit_code in (0, 1), result.output
    configurations = json.loads(result.stdout)["configurations"]
    return result.exit_code, [finding for configuration in configurations for finding in configuration["findings"]]


def errors(findings: list[dict[str, Any]]) -> list[str]:
    """The setting of each error."""
    return [finding["setting"] for finding in findings if finding["severity"] == "error"]


def test_a_generated_project_with_the_guard_off_and_credentials_on_is_an_error(tmp_path: Path) -> None:
    project = render(tmp_path / "service", {"allow_origins": ["https://app.example.com"]})
    settings = project / "src" / "my_service" / "settings.py"

    assert lint(str(project))[0] == 0
    code, findings = lint(str(project), "--no-cross-origin-protection")
    assert (code, errors(findings)) == (1, [SETTING])
    assert findings[0]["message"] == "cross_origin_protection: off lets other sites act as the user"

    settings.write_text(settings.read_text().replace("Field(default=True,", "Field(default=False,", 1))
    code, findings = lint(str(settings))
    assert (code, errors(findings)) == (1, [SETTING])
    assert lint(str(settings), "--no-credentials")[0] == 0


def test_an_answers_file_that_turns_the_guard_off_is_an_error_while_credentials_are_on(tmp_path: Path) -> None:
    answers = tmp_path / ".copier-answers.yml"
    answers.write_text("_commit: 1.0.0\nallow_origins:\n- https://app.example.com\ncross_origin_protection: false\n")

    code, findings = lint(str(tmp_path))
    assert (code, errors(findings)) == (1, [SETTING])

    answers.write_text(answers.read_text() + "allow_credentials: false\n")
    assert lint(str(tmp_path))[0] == 0


def test_an_app_that_is_no_generated_service_has_no_such_setting(tmp_path: Path) -> None:
    module = tmp_path / "main.py"
    module.write_text(
        "from fastapi import FastAPI\nfrom starlette.middleware.cors import CORSMiddleware\n"
        "app = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['https://app.example.com'], allow_credentials=True)\n"
    )

    code, findings = lint(str(module), "--no-cross-origin-protection")

    assert code == 0, findings
    assert SETTING not in [finding["setting"] for finding in findings]


def test_a_project_generated_before_the_guard_is_not_judged_on_it(tmp_path: Path) -> None:
    project = render(tmp_path / "service", {"allow_origins": ["https://app.example.com"]})
    settings = project / "src" / "my_service" / "settings.py"
    lines = settings.read_text().splitlines(keepends=True)
    settings.write_text("".join(line for line in lines if "cors_cross_origin_protection: bool" not in line))

    assert lint(str(settings), "--no-cross-origin-protection")[0] == 0
