"""`new`: the shipped template rendered with exactly the answers given, bad input refused in one line."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect
import pytest
import yaml

from fastapi_cors_scaffold.cors_rules import origin_problem, split_list
from tests.cli_support import (
    BIN,
    CHECKOUT_VARIABLE,
    COMMAND,
    HOME_VARIABLE,
    TEMPLATE_PATHS,
    committed_copy,
    invoke,
    run_cli,
)
from tests.table import INVALID_ORIGINS, VALID_ORIGINS

CORS_KEYS = ("allow_credentials", "allow_origin_regex", "allowed_origins", "allow_methods", "allow_headers")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template at this repository's HEAD: other people's uncommitted edits cannot break these tests."""
    return committed_copy(tmp_path_factory.mktemp("template") / "checkout", *TEMPLATE_PATHS)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_VARIABLE, str(tmp_path / "home"))
    monkeypatch.setenv(CHECKOUT_VARIABLE, str(checkout))


def answers_of(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_new_with_defaults_records_the_installed_bundle_and_no_cors_answer(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "service"), "--defaults", "--quiet")

    assert result.exit_code == 0, result.output
    answers = answers_of(tmp_path / "service")
    assert answers["_src_path"] == str(tmp_path / "home" / "template.bundle")
    assert str(answers["_commit"]) in result.stdout
    assert not set(CORS_KEYS) & set(answers), "a CORS setting nobody chose must follow the template"
    assert (tmp_path / "service" / "src" / "my_service" / "settings.py").is_file()


def test_new_is_byte_for_byte_copier_copy_with_the_same_data(tmp_path: Path) -> None:
    flags = [
        *("--name", "Billing API", "--origin", "https://app.example.com", "--origin", "http://localhost:5173"),
        *("--no-credentials", "--method", "GET,POST", "--header", "Authorization", "--header", "X-Request-Id"),
        *(
            "--expose-header",
            "X-Total-Count",
            "--max-age",
            "300",
            "--regex",
            r"https://[a-z0-9-]+\.preview\.example\.com",
        ),
    ]
    result = invoke("new", str(tmp_path / "by-cli"), "--defaults", "--quiet", *flags)
    assert result.exit_code == 0, result.output
    source = str(answers_of(tmp_path / "by-cli")["_src_path"])
    data = {
        "project_name": "Billing API",
        "allowed_origins": '["https://app.example.com", "http://localhost:5173"]',
        "allow_credentials": "false",
        "allow_methods": '["GET", "POST"]',
        "allow_headers": '["Authorization", "X-Request-Id"]',
        "expose_headers": '["X-Total-Count"]',
        "max_age": "300",
        "allow_origin_regex": r"https://[a-z0-9-]+\.preview\.example\.com",
    }
    copied = run_cli(
        "copy",
        "--quiet",
        "--defaults",
        *(argument for key, value in data.items() for argument in ("--data", f"{key}={value}")),
        source,
        str(tmp_path / "by-copier"),
        cwd=tmp_path,
        command=str(BIN / "copier"),
    )
    assert copied.returncode == 0, copied.stderr

    assert tree(tmp_path / "by-cli") == tree(tmp_path / "by-copier")
    assert answers_of(tmp_path / "by-cli")["max_age"] == 300


@pytest.mark.parametrize("origin", [origin for origin in INVALID_ORIGINS if split_list(origin) == [origin]])
def test_invalid_origin_is_refused_in_one_line_before_anything_is_written(tmp_path: Path, origin: str) -> None:
    result = invoke(
        "new", str(tmp_path / "service"), "--defaults", "--origin", "https://ok.example.com", "--origin", origin
    )
    problem = origin_problem(origin, "--origin") if origin != "*" else None

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: --origin: ")
    if problem:
        assert result.stderr == f"error: {problem.sentence()}\n"
    assert not (tmp_path / "service").exists()


def test_every_valid_origin_of_the_table_is_accepted_and_recorded(tmp_path: Path) -> None:
    result = invoke(
        "new", str(tmp_path / "service"), "--defaults", "--quiet", *(f"--origin={o}" for o in VALID_ORIGINS)
    )

    assert result.exit_code == 0, result.output
    assert answers_of(tmp_path / "service")["allowed_origins"] == VALID_ORIGINS


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--origin", "*"], "--origin: '*' with credentials"),
        (["--origin", "https://a.example.com,https://a.example.com"], "listed twice"),
        (["--regex", r"https://app.example\.com"], "'https://appxexample.com'"),
        (["--regex", r"https://example\.com.*"], "'https://example.com.evil.net'"),
        (["--method", "get"], "write GET"),
        (["--method", "TRACE"], "fetch() forbids"),
        (["--header", "Authorization, X Foo"], "--header: 'X Foo' is not a request header name"),
        (["--expose-header", "*"], "--expose-header: '*' with credentials exposes nothing"),
        (["--max-age", "-1"], "out of range"),
        (["--slug", "Billing API"], "--slug: 'Billing API' is not a distribution name"),
        (["--package", "billing-api"], "--package: 'billing-api' is not a Python package name"),
        (["--python", "3.9"], "--python"),
        (["--data", "no-equals-sign"], "KEY=VALUE"),
    ],
)
def test_bad_answers_get_one_clean_line_and_exit_2(tmp_path: Path, flags: list[str], fragment: str) -> None:
    result = invoke("new", str(tmp_path / "service"), "--defaults", *flags)

    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not (tmp_path / "service").exists()


def test_a_non_empty_destination_is_left_untouched(tmp_path: Path) -> None:
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "notes.txt").write_text("mine")

    result = invoke("new", str(tmp_path / "service"), "--defaults")

    assert result.exit_code == 2 and "not empty" in result.stderr
    assert [p.name for p in (tmp_path / "service").iterdir()] == ["notes.txt"]


def test_questions_without_a_terminal_need_defaults(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "service"), "--origin", "https://app.example.com")

    assert result.exit_code == 2 and "--defaults" in result.stderr
    assert not (tmp_path / "service").exists()


def test_as_a_subprocess_a_refusal_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = run_cli("new", "service", "--defaults", "--origin", "HTTPS://App.Example.com", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == (
        "error: --origin: 'HTTPS://App.Example.com' has upper case: write 'https://app.example.com', "
        "as browsers send it.\n"
    )
    assert not (tmp_path / "service").exists()


def test_missing_answers_are_asked_through_copier_prompts(tmp_path: Path) -> None:
    """In a terminal, questions without a flag are Copier's own prompts; Enter takes each recommendation."""
    child = pexpect.spawn(
        COMMAND,
        ["new", str(tmp_path / "service"), "--name", "Prompted", "--quiet"],
        cwd=str(tmp_path),
        env={**os.environ, "TERM": "dumb"},
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
    )
    child.delaybeforesend = None
    child.expect("Distribution name")
    child.send("\r")
    while child.expect(["\N{MICROPHONE}", pexpect.EOF]) == 0:  # Copier's mark of a question (shown again once answered)
        child.send("\r")
    child.close()

    assert child.exitstatus == 0, child.before
    answers = answers_of(tmp_path / "service")
    assert answers["project_name"] == "Prompted"
    assert answers["project_slug"] == "prompted"


def test_a_regex_given_with_data_meets_the_same_rules_as_the_flag(tmp_path: Path) -> None:
    """The questionnaire cannot look up public suffixes; `new` checks --data answers with the package's rules."""
    result = invoke(
        "new", str(tmp_path / "service"), "--defaults", "--data", r"allow_origin_regex=https://[a-z0-9-]+\.vercel\.app"
    )

    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: --data allow_origin_regex: 'https://[a-z0-9-]+\\.vercel\\.app' admits 'https://attacker.vercel.app'"
    )
    assert not (tmp_path / "service").exists()


@pytest.mark.parametrize(
    ("key", "hint"), [("allow_origins", "did you mean allowed_origins?"), ("zzz", "the questions are")]
)
def test_an_unknown_data_key_is_refused_with_the_nearest_question(tmp_path: Path, key: str, hint: str) -> None:
    """Copier would ignore it silently and keep the template's value (with credentials on)."""
    result = invoke("new", str(tmp_path / "service"), "--defaults", "--data", f"{key}=[https://app.example.com]")

    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --data {key}: the template has no question '{key}': ")
    assert hint in result.stderr
    assert not (tmp_path / "service").exists()
