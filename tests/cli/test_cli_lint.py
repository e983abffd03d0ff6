"""`lint`: findings with severity, value, an attacker origin when there is one, and a fix; read from any project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fastapi_cors_scaffold.audit.policy_findings import lint_policy
from fastapi_cors_scaffold.rules.checks import origin_problem
from fastapi_cors_scaffold.rules.findings import Finding, Severity
from fastapi_cors_scaffold.rules.policy import Policy
from tests.support.cli import invoke, run_cli
from tests.support.rendering import render
from tests.support.table import INVALID_ORIGINS, VALID_ORIGINS

RECOMMENDED: dict[str, Any] = {
    "allow_origins": ("http://localhost:8080",),
    "allow_credentials": True,
    "allow_methods": ("*",),
    "allow_headers": ("*",),
}


def findings(**changes: Any) -> list[Finding]:
    options = {key: changes.pop(key) for key in ("service_url", "production", "origins_text") if key in changes}
    return lint_policy(Policy(**{**RECOMMENDED, **changes}), **options)


def only(found: list[Finding], severity: Severity) -> Finding:
    matching = [finding for finding in found if finding.severity is severity]
    assert len(matching) == 1, found
    return matching[0]


def lint_json(*args: str) -> tuple[int, dict[str, Any]]:
    """Exit status and the one configuration `lint --json` reports."""
    result = invoke("lint", *args, "--json")
    assert result.exit_code in (0, 1), result.output
    configurations = json.loads(result.stdout)["configurations"]
    assert len(configurations) == 1, configurations
    return result.exit_code, configurations[0]


def test_the_recommendation_has_no_error() -> None:
    found = findings()
    assert not [f for f in found if f.severity is Severity.ERROR]
    assert only(found, Severity.INFO).value == "http://localhost:8080"


def test_wildcard_with_credentials_is_one_error_naming_reflection() -> None:
    error = only(findings(allow_origins=("*",)), Severity.ERROR)
    assert error.setting == "allow_origins" and error.value == "*"
    assert "lets any site act as the user" in error.message
    assert "reflect any origin with credentials" in error.fix and "turn credentials off" in error.fix


def test_wildcard_without_credentials_is_only_information() -> None:
    assert [f.severity for f in findings(allow_origins=("*",), allow_credentials=False)] == [Severity.INFO]


def test_null_is_one_error() -> None:
    error = only(findings(allow_origins=("https://app.example.com", "null")), Severity.ERROR)
    assert error.value == "null" and "sandboxed" in error.fix


@pytest.mark.parametrize(
    ("regex", "admitted"),
    [
        (r"https://app\.example\.com.*", "https://app.example.com.evil.net"),
        (r"https://.*example\.com", "'https://evilexample.com'"),
        (r"https://app.example\.com", "'https://appxexample.com'"),
        (r"https://(app|null)\.example\.com|null", "'null'"),
        (r"https?://.*", "https://evil.example"),
    ],
)
def test_a_regex_error_shows_an_origin_it_admits(regex: str, admitted: str) -> None:
    found = findings(allow_origin_regex=regex)
    errors = [f for f in found if f.severity is Severity.ERROR]
    assert errors and all(f.setting == "allow_origin_regex" for f in errors)
    assert any(admitted in f.message for f in errors), errors


def test_a_regex_that_stalls_the_service_is_an_error_naming_the_origin_and_the_rewrite(tmp_path: Path) -> None:
    module = tmp_path / "main.py"
    module.write_text(
        "from fastapi import FastAPI\nfrom starlette.middleware.cors import CORSMiddleware\napp = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origin_regex=r'https://([a-z]+-?)*\\.example\\.com')\n"
    )

    code, report = lint_json(str(module))

    errors = [finding for finding in report["findings"] if finding["severity"] == "error"]
    assert code == 1
    assert [(error["setting"], error["line"]) for error in errors] == [("allow_origin_regex", 4)]
    assert f"'https://{'a' * 41}!'" in errors[0]["fix"] and "[a-z0-9]+(-[a-z0-9]+)*" in errors[0]["fix"]


def test_a_regex_for_a_family_of_subdomains_is_a_warning() -> None:
    warning = only(findings(allow_origin_regex=r"https://[a-z0-9-]+\.preview\.example\.com"), Severity.WARNING)
    assert "preview.example.com" in warning.message


def test_an_anchored_regex_for_one_host_is_clean_and_unanchored_is_noted() -> None:
    assert not [
        f
        for f in findings(allow_origin_regex=r"^https://app\.example\.com$")
        if f.severity is not Severity.INFO or "regex" in f.setting
    ]
    note = [f for f in findings(allow_origin_regex=r"https://app\.example\.com") if f.setting == "allow_origin_regex"]
    assert [f.severity for f in note] == [Severity.INFO]
    assert "https://app.example.com.evil.net" in note[0].message


def test_http_origins_are_an_error_for_an_https_service_and_a_warning_otherwise() -> None:
    http = ("http://app.example.com",)
    assert only(findings(allow_origins=http, service_url="https://api.example.com"), Severity.ERROR).value == http[0]
    assert only(findings(allow_origins=http), Severity.WARNING).fix.endswith("'https://app.example.com' instead.")
    regex = r"https?://app\.example\.com"
    assert "'http://app.example.com'" in only(findings(allow_origin_regex=regex), Severity.WARNING).message
    assert only(findings(allow_origin_regex=regex, service_url="https://api.example.com"), Severity.ERROR)


def test_localhost_is_a_warning_in_production_settings() -> None:
    assert only(findings(production=True), Severity.WARNING).value == "http://localhost:8080"


def test_shared_publishing_hosts_are_a_warning() -> None:
    assert "Anyone can publish" in only(findings(allow_origins=("https://codepen.io",)), Severity.WARNING).message


def test_a_string_for_allow_origins_is_substring_matching() -> None:
    text = "https://app.example.com"
    error = only(findings(allow_origins=(text,), origins_text=text), Severity.ERROR)
    assert "'https://app.example.co' is allowed too" in error.message


def test_other_invalid_settings_come_from_the_policy_rules() -> None:
    found = findings(allow_methods=("get",), max_age=10000)
    assert only(found, Severity.ERROR).setting == "allow_methods"
    assert "max_age" in [f.setting for f in found if f.severity is Severity.INFO]


@pytest.mark.parametrize("origin", VALID_ORIGINS)
def test_table_valid_origins_pass_lint_on_the_command_line(origin: str) -> None:
    code, report = lint_json("--origin", origin, "--no-credentials")
    assert code == 0, report
    assert report["errors"] == 0


@pytest.mark.parametrize(
    "origin", [origin for origin in INVALID_ORIGINS if origin.strip() == origin and "," not in origin and origin]
)
def test_table_invalid_origins_fail_lint_with_the_rules_sentence(origin: str) -> None:
    code, report = lint_json("--origin", "https://ok.example.com", "--origin", origin)
    problem = origin_problem(origin)
    assert code == 1
    errors = [f["message"] for f in report["findings"] if f["severity"] == "error"]
    assert problem is None or problem.text() in errors, errors


def test_a_generated_project_is_read_from_its_settings(tmp_path: Path) -> None:
    project = render(tmp_path / "service", {"allow_origins": ["https://app.example.com"]})

    code, report = lint_json(str(project), "--service-url", "https://api.example.com")
    assert code == 0, report
    assert report["file"].endswith("settings.py") and report["kind"] == "class Settings"

    code, report = lint_json(str(project), "--origin", "*")  # the environment replaces the class's defaults
    assert code == 1
    assert [f["value"] for f in report["findings"] if f["severity"] == "error"] == ["*"]

    settings = project / "src" / "my_service" / "settings.py"
    settings.write_text(settings.read_text().replace('["https://app.example.com"]', '["*"]', 1))
    code, report = lint_json(str(project))
    assert code == 1
    assert [f["value"] for f in report["findings"] if f["severity"] == "error"] == ["*"]
    code, report = lint_json(str(settings))
    assert code == 1 and report["kind"] == "class Settings"


def test_an_answers_file_alone_takes_the_recommendation_for_what_it_does_not_pin(tmp_path: Path) -> None:
    (tmp_path / ".copier-answers.yml").write_text("_commit: 1.0.0\nallow_origins:\n- http://app.example.com\n")

    code, report = lint_json(str(tmp_path))

    assert code == 0, report
    assert [(f["severity"], f["value"]) for f in report["findings"]] == [("warning", "http://app.example.com")]
    assert invoke("lint", str(tmp_path), "--strict").exit_code == 1
    assert "1 warning" in invoke("lint", str(tmp_path)).stdout


def test_an_answers_file_open_to_any_origin_has_credentials_off_as_the_questionnaire_leaves_them(
    tmp_path: Path,
) -> None:
    answers = tmp_path / ".copier-answers.yml"
    answers.write_text("_commit: 1.0.0\nallow_origins:\n- '*'\n")

    assert lint_json(str(tmp_path))[0] == 0

    answers.write_text("_commit: 1.0.0\nallow_origins:\n- '*'\nallow_credentials: true\n")
    code, report = lint_json(str(tmp_path))
    assert code == 1 and [f["setting"] for f in report["findings"] if f["severity"] == "error"] == ["allow_origins"]


def test_an_app_module_is_read_without_running_it(tmp_path: Path) -> None:
    module = tmp_path / "main.py"
    module.write_text(
        "import os\nfrom fastapi import FastAPI\nfrom starlette.middleware.cors import CORSMiddleware\n"
        "app = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True,\n"
        "                   expose_headers=os.environ['EXPOSE'].split(','))\n"
    )

    code, report = lint_json(str(module))

    assert code == 1
    assert [(unread["setting"], unread["line"]) for unread in report["unread"]] == [("expose_headers", 6)]
    assert "the environment variable 'EXPOSE'" in report["unread"][0]["comes_from"]
    assert (report["file"], report["line"]) == (str(module), 5)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("cors.json", '{"allow_origins": "https://app.example.com"}'),
        ("cors.toml", 'allow_origins = "https://app.example.com"\n'),
        ("cors.yaml", "allow_origins: https://app.example.com\n"),
    ],
)
def test_keyword_files_keep_a_string_as_the_string_starlette_would_get(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)

    code, report = lint_json(str(tmp_path / name))

    assert code == 1
    assert "substring matching" in report["findings"][0]["message"]


def test_nothing_to_read_is_exit_2(tmp_path: Path) -> None:
    result = invoke("lint", str(tmp_path))

    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "no CORS configuration" in result.stderr


def test_lint_as_a_subprocess(tmp_path: Path) -> None:
    result = run_cli("lint", "--origin", "*", "--json", cwd=tmp_path)

    assert result.returncode == 1
    assert json.loads(result.stdout)["errors"] == 1
