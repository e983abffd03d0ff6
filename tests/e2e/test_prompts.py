"""What a person sees: the questionnaire driven through a pseudo-terminal, as typed at the keyboard."""

from __future__ import annotations

import time
from pathlib import Path

import pexpect
import pyte
import yaml

from tests.support.paths import BIN, REPOSITORY

DOWN, SPACE, ENTER, CLEAR_LINE = "\x1b[B", " ", "\r", "\x15"
PRODUCTION_FILES = (
    "Add a Dockerfile",
    "Add a GitHub Actions workflow",
    "Add a .pre-commit-config.yaml",
    "Add a renovate.json",
)
COLUMNS, LINES = 80, 50


class Terminal:
    """Copier's prompts redraw only what changed, so their text is read from an emulated screen, as a person sees it."""

    def __init__(self, destination: Path) -> None:
        self.child = pexpect.spawn(
            str(BIN / "copier"),
            ["copy", "--vcs-ref=HEAD", str(REPOSITORY), str(destination)],
            encoding="utf-8",
            timeout=30,
            dimensions=(LINES, COLUMNS),
            env={"PATH": str(BIN), "HOME": str(destination.parent), "TERM": "xterm", "NO_COLOR": "1"},
        )
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.screen.write_process_input = self.child.send  # answer the prompt's cursor-position requests at once
        self.stream = pyte.Stream(self.screen)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in "\n".join(self.screen.display):
            assert time.monotonic() < deadline, f"{text!r} never appeared on:\n" + "\n".join(self.screen.display)
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.2))
            except pexpect.TIMEOUT:
                continue

    def answer(self, prompt: str, text: str) -> None:
        """Wait for `prompt`, erase the pre-filled default and type `text`."""
        self.keys(prompt, CLEAR_LINE + text + ENTER)

    def accept(self, prompt: str) -> None:
        self.keys(prompt, ENTER)

    def keys(self, prompt: str, keys: str) -> None:
        self.wait_for(prompt)
        self.child.send(keys)

    def finish(self) -> int | None:
        """Accept the optional production files, wait for Copier to end; its exit status."""
        for prompt in PRODUCTION_FILES:
            self.accept(prompt)
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


def test_person_types_origins_without_yaml_and_is_re_asked_with_the_first_clause_in_view(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    terminal.answer("Human name", "Billing API")
    for prompt in ("Distribution name", "Python package", "One line", "Lowest Python"):
        terminal.accept(prompt)
    terminal.keys("Which CORS settings", DOWN + SPACE + DOWN + SPACE + ENTER)  # allowed origins and credentials
    terminal.answer("Origins allowed", "https://app.example.com, http://localhost:5173/")
    terminal.wait_for("Validation error for question 'allow_origins': 'http://localhost:5173/' ends")
    terminal.answer("Origins allowed", "https://app.example.com, http://localhost:5173")
    terminal.keys("credentialed requests", "y")

    assert terminal.finish() == 0
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["allow_origins"] == "https://app.example.com, http://localhost:5173"
    assert answers["allow_credentials"] is True
    assert "max_age" not in answers, "a setting the person did not choose must follow the template"
    settings = (destination / "src" / "billing_api" / "settings.py").read_text()
    assert '["https://app.example.com", "http://localhost:5173"]' in settings


def test_any_origin_is_never_a_dead_end_credentials_follow(tmp_path: Path) -> None:
    """Origins come before credentials: "*" is accepted and credentials, not asked, stay off as browsers require."""
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    for prompt in ("Human name", "Distribution name", "Python package", "One line", "Lowest Python"):
        terminal.accept(prompt)
    terminal.keys("Which CORS settings", DOWN + SPACE + DOWN + SPACE + ENTER)
    terminal.answer("Origins allowed", '"*"')

    assert terminal.finish() == 0
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["allow_origins"] == "*"
    assert "allow_credentials" not in answers
    assert "cors_allow_credentials: bool = False" in (destination / "src" / "my_service" / "settings.py").read_text()


def test_an_empty_origins_answer_says_no_origin_was_given(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    for prompt in ("Human name", "Distribution name", "Python package", "One line", "Lowest Python"):
        terminal.accept(prompt)
    terminal.keys("Which CORS settings", DOWN + SPACE + ENTER)
    terminal.answer("Origins allowed", "")
    terminal.wait_for("Validation error for question 'allow_origins': no origin was given")
    terminal.answer("Origins allowed", "https://app.example.com")

    assert terminal.finish() == 0


def test_pressing_enter_everywhere_gives_the_recommended_service(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    for prompt in ("Human name", "Distribution name", "Python package", "One line", "Lowest Python"):
        terminal.accept(prompt)
    terminal.accept("Which CORS settings")

    assert terminal.finish() == 0
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["customize"] == []
    assert not {"allow_origins", "allow_credentials", "max_age"} & answers.keys()
    assert '["http://localhost:8080"]' in (destination / "src" / "my_service" / "settings.py").read_text()


def test_regex_and_max_age_are_re_asked(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    terminal = Terminal(destination)
    for prompt in ("Human name", "Distribution name", "Python package", "One line", "Lowest Python"):
        terminal.accept(prompt)
    terminal.keys("Which CORS settings", SPACE + DOWN * 6 + SPACE + ENTER)  # origin regex and max_age
    terminal.answer("Regex for a family", r"https://app.example\.com")
    terminal.wait_for("Validation error for question 'allow_origin_regex': 'https://app.example")
    terminal.answer("Regex for a family", r"https://[a-z0-9-]+\.example\.com")
    terminal.answer("Seconds a browser", "90000")
    terminal.wait_for("out of range")
    terminal.answer("Seconds a browser", "1200")

    assert terminal.finish() == 0
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["allow_origin_regex"] == r"https://[a-z0-9-]+\.example\.com"
    assert answers["max_age"] == 1200
    assert "allow_origins" not in answers
