"""`lint` over a corpus of files in the shapes real projects use: every misconfiguration found, naming its value and
line; every correct configuration, and every one whose values are not in the file, passes without an error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import invoke, run_cli
from tests.support.paths import DATA

CORPUS = DATA / "lint_corpus"

# File -> per configuration in source order: (line of the call, [(severity, setting, value)] errors and warnings,
# [settings not read]).
EXPECTED: dict[str, list[tuple[int | None, list[tuple[str, str, str]], list[str]]]] = {
    "tutorial/main.py": [(12, [], [])],
    "fullstack/backend/app/main.py": [(25, [], ["allow_origins"])],
    "settings/main.py": [(7, [], ["allow_origins", "allow_credentials"])],
    "middleware/app_list.py": [(9, [("error", "allow_origins", "*")], [])],
    "middleware/keyword_class.py": [(5, [("error", "allow_origin_regex", r"https://.*example\.com")], [])],
    "middleware/correct.py": [(7, [], [])],
    "starlette_app/app.py": [(13, [("error", "allow_origins", "null")], [])],
    "wrapped/asgi.py": [(9, [("error", "allow_origins", "https://app.example.com")], [])],
    "two_apps/apps.py": [(7, [], []), (10, [("error", "allow_origins", "*")], [])],
    "kwargs/literal_dict.py": [(11, [], [])],
    "kwargs/inline_dict.py": [(5, [("error", "allow_origins", "*")], [])],
    "values/expressions.py": [(11, [], [])],
    "values/plain_http.py": [(10, [("warning", "allow_origins", "http://legacy.example.com")], [])],
    "environment/from_env.py": [(7, [], ["allow_origins", "allow_methods"])],
    "environment/wildcard_credentials.py": [(7, [("error", "allow_origins", "*")], ["allow_methods", "allow_headers"])],
    "imported/main.py": [(7, [], ["allow_origins"])],
    "partial/main.py": [
        (11, [("error", "allow_origins", "null")], ["allow_origins"]),
        (14, [("error", "allow_origins", "*")], ["allow_origins"]),
        (17, [], ["allow_origins"]),
    ],
    "wrong_types/calls.py": [
        (7, [("error", "allow_origin_regex", r"['https://x\\.example\\.com']")], []),
        (9, [("error", "max_age", "None")], []),
        (11, [("error", "max_age", "'abc'")], []),
        (13, [("error", "allow_methods", "123")], []),
        (15, [("error", "allow_origins", "None")], []),
    ],
    "layouts/app/main.py": [(5, [("error", "allow_origins", "https://app.example.com/")], [])],
    "layouts/backend/app/main.py": [(5, [("warning", "allow_origins", "https://codepen.io")], [])],
    "files/cors.yaml": [(None, [("error", "allow_origins", "*")], [])],
    "files/cors.json": [(None, [("error", "allow_origins", "5")], [])],
    "files/cors.toml": [(None, [], [])],
    "files/config.yaml": [(None, [("error", "allow_origins", "https://*.example.com")], [])],
    "files/answers.yml": [
        (None, [("warning", "allow_origin_regex", r"https://[a-z0-9-]+\.preview\.example\.com")], [])
    ],
    "files/nested.yaml": [(None, [("error", "allow_origins", "*"), ("error", "allow_origins", "*")], [])],
    "values/assigned_twice.py": [(14, [], [])],
    # Middleware order: what runs before CORS is named, with its line (a folder: the app is in another file).
    "order/auth_after_cors.py": [(10, [("warning", "middleware", "AuthenticationMiddleware")], [])],
    "order/http_middleware.py": [(10, [("warning", "middleware", "require_api_key")], [])],
    "order/constructor_list.py": [(10, [("warning", "middleware", "SlowAPIMiddleware")], [])],
    "order/setup": [(8, [("warning", "middleware", "RequireSessionMiddleware")], [])],
    "order/cors_last.py": [(12, [], [])],
    "order/constructor_first.py": [(10, [], [])],
    # WebSocket routes of an app with credentials and no Origin check; checked ones pass.
    "websockets/unchecked.py": [(9, [("warning", "websocket", "/ws/chat")], [])],
    "websockets/routers": [(7, [("warning", "websocket", "/chat/ws")], [])],
    "websockets/checked.py": [(9, [], [])],
    "websockets/origin_logged.py": [(11, [("warning", "websocket", "/ws/prices")], [])],
    "websockets/checked_by_helper.py": [(9, [], [])],
    "websockets/dependency.py": [(17, [], [])],
    "websockets/asgi_guard.py": [(25, [], [])],
    "websockets/starlette_routes.py": [(22, [], [])],
    "websockets/generated": [(6, [], [])],
    # CORSMiddleware's signature: Starlette 0.51's order unless the project pins an older one; unknown keywords.
    "starlette_051/positional.py": [(7, [], [])],
    "starlette_051/pinned": [(8, [], [])],
    "starlette_051/keywords.py": [(7, [("error", "allow_credantials", "allow_credantials")], [])],
}
# Settings classes: shown as information only, whatever their defaults.
SETTINGS_CLASSES = {
    "fullstack/backend/app/core/config.py": ["BACKEND_CORS_ORIGINS", "all_cors_origins"],
    "settings/config.py": ["cors_origins", "cors_allow_credentials"],
}


def lint(*args: str) -> tuple[int, dict[str, Any]]:
    result = invoke("lint", *args, "--json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_file(name: str) -> None:
    code, report = lint(str(CORPUS / name))

    got = [
        (
            configuration["line"],
            [(f["severity"], f["setting"], f["value"]) for f in configuration["findings"] if f["severity"] != "info"],
            [unread["setting"] for unread in configuration["unread"]],
        )
        for configuration in report["configurations"]
    ]
    assert got == EXPECTED[name]
    assert code == (1 if report["errors"] else 0)
    for configuration in report["configurations"]:
        for finding in configuration["findings"]:
            assert finding["line"] is not None or not name.endswith(".py")


@pytest.mark.parametrize("name", sorted(SETTINGS_CLASSES))
def test_settings_classes_are_information_never_an_error(name: str) -> None:
    code, report = lint(str(CORPUS / name))

    assert code == 0
    (configuration,) = report["configurations"]
    assert configuration["informational"] and configuration["kind"] == "settings class Settings"
    assert [f["setting"] for f in configuration["findings"]] == SETTINGS_CLASSES[name]
    assert {f["severity"] for f in configuration["findings"]} == {"info"}
    assert invoke("lint", str(CORPUS / name), "--strict").exit_code == 0


def test_unread_values_are_said_with_where_they_come_from() -> None:
    _, report = lint(str(CORPUS / "fullstack/backend/app/main.py"))
    (unread,) = report["configurations"][0]["unread"]
    assert unread["expression"] == "settings.all_cors_origins" and unread["line"] == 27
    assert "settings, imported from app.core.config" in unread["comes_from"]

    _, report = lint(str(CORPUS / "environment/from_env.py"))
    assert "the environment variable 'CORS_ORIGINS'" in report["configurations"][0]["unread"][0]["comes_from"]

    text = invoke("lint", str(CORPUS / "imported/main.py")).stdout
    assert "Not read: allow_origins, from ALLOWED_ORIGINS, imported from .constants (line 7)" in text


def test_strict_fails_on_unread_values_and_options_fill_them_in() -> None:
    path = str(CORPUS / "fullstack/backend/app/main.py")
    assert invoke("lint", path, "--strict").exit_code == 1

    code, report = lint(path, "--strict", "--origin", "https://dashboard.example.com")
    assert code == 0 and report["unread"] == 0

    code, report = lint(path, "--origin", "*")
    assert code == 1
    assert [f["value"] for f in report["configurations"][0]["findings"] if f["severity"] == "error"] == ["*"]


def test_options_do_not_replace_values_written_in_the_code() -> None:
    code, report = lint(str(CORPUS / "middleware/app_list.py"), "--origin", "https://app.example.com")
    assert code == 1 and report["errors"] == 1


def test_a_tree_in_any_layout_is_searched_and_environments_are_skipped(tmp_path: Path) -> None:
    shutil.copytree(CORPUS / "layouts", tmp_path / "project")
    dangerous = (
        "from starlette.middleware.cors import CORSMiddleware\n"
        "CORSMiddleware(app, allow_origins=['*'], allow_credentials=True)\n"
    )
    for skipped in (".venv/lib/python3.12/site-packages/x", "node_modules/y", "build/lib/z", "env"):
        (tmp_path / "project" / skipped).mkdir(parents=True)
        (tmp_path / "project" / skipped / "cors.py").write_text(dangerous)
    (tmp_path / "project" / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")

    code, report = lint(str(tmp_path / "project"))

    assert code == 1
    files = [Path(c["file"]).relative_to(tmp_path / "project").as_posix() for c in report["configurations"]]
    assert files == ["app/main.py", "backend/app/main.py"]


def test_the_whole_corpus_at_once_reports_each_configuration(tmp_path: Path) -> None:
    code, report = lint(str(CORPUS))

    expected = sum(len(configurations) for configurations in EXPECTED.values()) + len(SETTINGS_CLASSES)
    assert code == 1 and len(report["configurations"]) == expected


def test_several_paths(tmp_path: Path) -> None:
    code, report = lint(str(CORPUS / "tutorial"), str(CORPUS / "files/cors.toml"), str(CORPUS / "two_apps/apps.py"))

    assert code == 1
    assert [Path(c["file"]).name for c in report["configurations"]] == ["main.py", "cors.toml", "apps.py", "apps.py"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("kwargs.yaml", "_commit: 0.1.0\nallow_origins: ['*']\nallow_credentials: true\n"),
        ("cors.yaml", "allow_origins: ['*']\nallow_credentials: true\n"),
    ],
)
def test_answers_files_are_told_apart_from_keyword_files_by_content(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)

    _, report = lint(str(tmp_path / name))

    (configuration,) = report["configurations"]
    answers = text.startswith("_commit")
    assert configuration["kind"] == ("Copier answers" if answers else "Starlette keyword arguments")
    assert [f["value"] for f in configuration["findings"] if f["severity"] == "error"] == ["*"]


def test_a_question_sharing_a_starlette_name_does_not_make_an_answers_file_a_keyword_file(tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text("_src_path: gh:someone/template\nallow_origin_regex: 'https://.*'\n")

    _, report = lint(str(tmp_path / "answers.yaml"))

    (configuration,) = report["configurations"]
    assert configuration["kind"] == "Copier answers"
    assert any("any origin" in f["message"] for f in configuration["findings"] if f["severity"] == "error")


def test_a_wrong_type_in_an_answers_file_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / ".copier-answers.yml").write_text("_commit: 0.1.0\nmax_age: abc\n")

    code, report = lint(str(tmp_path / ".copier-answers.yml"))

    assert code == 1
    found = report["configurations"][0]["findings"]
    assert [(f["setting"], f["value"], f["line"]) for f in found if f["severity"] == "error"] == [
        ("max_age", "'abc'", 2)
    ]


def test_sarif_points_at_files_and_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    result = invoke("lint", "two_apps", "files/cors.yaml", "imported", "--format", "sarif")

    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    located = [
        (
            result["ruleId"],
            result["level"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for result in run["results"]
    ]
    # Each result names its rule (the rule module's key, or lint's own id), never the setting: one class of finding
    # is one rule for code scanning.
    assert ("origins.wildcard_credentials", "error", "two_apps/apps.py", 10) in located
    assert ("origins.public", "note", "two_apps/apps.py", 7) in located
    assert ("origins.wildcard_credentials", "error", "files/cors.yaml", 2) in located
    assert ("value.unread", "note", "imported/main.py", 7) in located
    assert len(rules) == len(set(rules)) == 3
    json_file = invoke("lint", "files/cors.json", "--format", "sarif")
    (finding,) = json.loads(json_file.stdout)["runs"][0]["results"]
    assert finding["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "files/cors.json"}}
    assert all(rules[result["ruleIndex"]] == result["ruleId"] for result in run["results"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.py"], "does not exist"),
        (["tutorial/main.py", "missing"], "does not exist"),
        (["/dev/null"], "is not a regular file or a directory"),
        (["--service-url", "ftp://api.example.com", "tutorial/main.py"], "not an http:// or https:// URL with a host"),
        (["--service-url", "https://", "tutorial/main.py"], "not an http:// or https:// URL with a host"),
        (["--service-url", "http://[::1", "tutorial/main.py"], "is not a URL (Invalid IPv6 URL)"),
        (["files/broken.py"], "is not valid Python"),
        (["files/broken.json"], "cannot be parsed"),
        (["files/list.yaml"], "does not hold a mapping"),
        (["files/other.toml"], "has none of Starlette's settings"),
        (["empty"], "no CORS configuration found"),
    ],
)
def test_bad_input_and_nothing_to_read_are_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path / "corpus")
    Path("files/broken.py").write_text("app.add_middleware(CORSMiddleware,\n")
    Path("files/broken.json").write_text("{'allow_origins': ['*']}")
    Path("files/list.yaml").write_text("- allow_origins\n")
    Path("files/other.toml").write_text("[tool.ruff]\nline-length = 100\n")
    Path("empty").mkdir()
    Path("empty/setup.py").write_text("print('no CORS here')\n")

    result = invoke("lint", *args)

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unparsable_file_in_a_tree_is_skipped_with_a_note(tmp_path: Path) -> None:
    shutil.copytree(CORPUS / "tutorial", tmp_path / "service")
    (tmp_path / "service" / "broken.py").write_text("from starlette.middleware.cors import CORSMiddleware\ndef (:\n")
    (tmp_path / "service" / "unrelated.py").write_text("def (:\n")  # never mentions CORS: never parsed

    code, report = lint(str(tmp_path / "service"))

    assert code == 0 and len(report["configurations"]) == 1
    assert len(report["notes"]) == 1 and "broken.py is not valid Python" in report["notes"][0]


def test_lint_of_the_corpus_as_a_subprocess_in_each_format(tmp_path: Path) -> None:
    text = run_cli("lint", str(CORPUS / "two_apps"), cwd=tmp_path)
    assert text.returncode == 1
    assert "2 configurations: 1 error" in text.stdout and "apps.py:10" in text.stdout

    sarif = run_cli("lint", str(CORPUS / "tutorial"), "--format", "sarif", cwd=tmp_path)
    assert sarif.returncode == 0
    assert json.loads(sarif.stdout)["runs"][0]["results"][0]["level"] == "note"


def test_a_named_file_without_cors_beside_others_is_a_note(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text("class Item:\n    name: str\n")

    code, report = lint(str(tmp_path / "models.py"), str(CORPUS / "middleware/correct.py"))

    assert code == 0 and len(report["configurations"]) == 1
    assert report["notes"] == [f"{tmp_path / 'models.py'} holds no CORS configuration."]


def test_unrelated_data_files_in_a_tree_are_not_read(tmp_path: Path) -> None:
    shutil.copytree(CORPUS / "tutorial", tmp_path / "site")
    (tmp_path / "site" / "mkdocs.yml").write_text(
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.emoji.twemoji\n"
    )
    (tmp_path / "site" / "package.json").write_text('{"name": "front-end", "version": "1.0.0"}')
    (tmp_path / "site" / ".copier-answers.yml").write_text(
        "_commit: v2\n_src_path: gh:someone/other-template\nname: x\n"
    )

    code, report = lint(str(tmp_path / "site"))

    assert code == 0 and report["notes"] == []
    assert [Path(c["file"]).name for c in report["configurations"]] == ["main.py"]


def test_a_copier_template_questions_file_is_not_a_configuration(tmp_path: Path) -> None:
    shutil.copytree(CORPUS / "tutorial", tmp_path / "template")
    questions = "allow_credentials:\n  type: bool\n  default: true\nmax_age:\n  type: int\n  default: 600\n"
    (tmp_path / "template" / "copier.yml").write_text(questions)

    code, report = lint(str(tmp_path / "template"))
    assert code == 0 and [Path(c["file"]).name for c in report["configurations"]] == ["main.py"]

    refused = invoke("lint", str(tmp_path / "template" / "copier.yml"))
    assert refused.exit_code == 2 and "questions, not a configuration" in refused.stderr
