"""What a person sees: the questionnaire (`copier copy`, and `new` without flags) driven through a pseudo-terminal, as
typed at the keyboard."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect
import pytest

from tests.support.cli import COMMAND, TEMPLATE_VARIABLE, released_checkout
from tests.support.paths import BIN
from tests.support.rendering import answers_of, project_env, run
from tests.support.terminal import DOWN, ENTER, NAME_PROMPTS, SPACE, Terminal


def test_person_types_origins_without_yaml_and_is_re_asked_with_the_first_clause_in_view(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    terminal.answer("Human name", "Billing API")
    terminal.accept_each(NAME_PROMPTS[1:])
    terminal.keys("Which CORS settings", DOWN + SPACE + DOWN + SPACE + ENTER)  # allowed origins and credentials
    terminal.answer("Origins allowed", "https://app.example.com, http://localhost:5173/")
    terminal.wait_for("Validation error for question 'allow_origins': a trailing slash in 'http://")
    terminal.answer("Origins allowed", "https://app.example.com, http://localhost:5173")
    terminal.keys("credentialed requests", "y")

    assert terminal.finish() == 0
    answers = answers_of(destination)
    assert answers["allow_origins"] == "https://app.example.com, http://localhost:5173"
    assert answers["allow_credentials"] is True
    assert "max_age" not in answers, "a setting the person did not choose must follow the template"
    settings = (destination / "src" / "billing_api" / "settings.py").read_text()
    assert '["https://app.example.com", "http://localhost:5173"]' in settings


def test_any_origin_is_never_a_dead_end_credentials_follow(tmp_path: Path) -> None:
    """Origins come before credentials: "*" is accepted and credentials, not asked, stay off as browsers require."""
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    terminal.accept_each(NAME_PROMPTS)
    terminal.keys("Which CORS settings", DOWN + SPACE + DOWN + SPACE + ENTER)
    terminal.answer("Origins allowed", '"*"')

    assert terminal.finish() == 0
    answers = answers_of(destination)
    assert answers["allow_origins"] == "*"
    assert "allow_credentials" not in answers
    assert "cors_allow_credentials: bool = False" in (destination / "src" / "my_service" / "settings.py").read_text()


def test_an_empty_origins_answer_says_no_origin_was_given(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    terminal.accept_each(NAME_PROMPTS)
    terminal.keys("Which CORS settings", DOWN + SPACE + ENTER)
    terminal.answer("Origins allowed", "")
    terminal.wait_for("Validation error for question 'allow_origins': no origin was given")
    terminal.answer("Origins allowed", "https://app.example.com")

    assert terminal.finish() == 0


def test_pressing_enter_everywhere_gives_the_recommended_service(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    terminal.accept_each(NAME_PROMPTS)
    terminal.accept("Which CORS settings")

    assert terminal.finish() == 0
    answers = answers_of(destination)
    assert answers["customize"] == []
    assert not {"allow_origins", "allow_credentials", "max_age"} & answers.keys()
    assert '["http://localhost:8080"]' in (destination / "src" / "my_service" / "settings.py").read_text()


def test_regex_and_max_age_are_re_asked(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    terminal.accept_each(NAME_PROMPTS)
    terminal.keys("Which CORS settings", SPACE + DOWN * 6 + SPACE + ENTER)  # origin regex and max_age
    terminal.answer("Regex for a family", r"https://app.example\.com")
    terminal.wait_for("Validation error for question 'allow_origin_regex': an unescaped dot in 'https")
    terminal.answer("Regex for a family", r"https://[a-z0-9-]+\.example\.com")
    terminal.answer("Seconds a browser", "90000")
    terminal.wait_for("out of range")
    terminal.answer("Seconds a browser", "1200")

    assert terminal.finish() == 0
    answers = answers_of(destination)
    assert answers["allow_origin_regex"] == r"https://[a-z0-9-]+\.example\.com"
    assert answers["max_age"] == 1200
    assert "allow_origins" not in answers


def test_the_guard_turned_off_at_its_yes_no_prompt_is_refused_when_production_starts(tmp_path: Path) -> None:
    """Copier validates no yes/no answer, so the prompt says so, and the service's production profile refuses it."""
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    terminal.accept_each(NAME_PROMPTS)
    terminal.keys("Which CORS settings", DOWN * 7 + SPACE + ENTER)  # cross-origin protection
    terminal.wait_for("this prompt cannot check that")
    terminal.keys("Refuse forged requests", "n")

    assert terminal.finish() == 0
    assert answers_of(destination)["cross_origin_protection"] is False
    start = [str(BIN / "python"), "-c", "from my_service.settings import load_settings; load_settings()"]
    production = {
        **project_env(destination),
        "MY_SERVICE_ENVIRONMENT": "production",
        "MY_SERVICE_CORS_ALLOW_ORIGINS": "https://app.example.com",
    }
    result = run(start, destination, production)
    assert result.returncode == 3
    assert "MY_SERVICE_CROSS_ORIGIN_PROTECTION: off lets other sites act as the user" in result.stderr


def test_missing_answers_are_asked_through_copier_prompts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a terminal, `new`'s questions without a flag are Copier's own prompts; Enter takes each recommendation."""
    released_checkout(tmp_path, monkeypatch)
    monkeypatch.delenv(TEMPLATE_VARIABLE, raising=False)
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
