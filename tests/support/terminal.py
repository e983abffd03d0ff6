"""Copier's questionnaire in an 80-column pseudo-terminal, read from an emulated screen as a person sees it."""

from __future__ import annotations

import time
from pathlib import Path

import pexpect
import pyte

from tests.support.paths import BIN, REPOSITORY

DOWN, SPACE, ENTER, CLEAR_LINE = "\x1b[B", " ", "\r", "\x15"
NAME_PROMPTS = ("Human name", "Distribution name", "Python package", "One line", "Lowest Python")
PRODUCTION_FILES = (
    "Add a Dockerfile",
    "Add a GitHub Actions workflow",
    "Add a .pre-commit-config.yaml",
    "Add a renovate.json",
)
COLUMNS, LINES = 80, 50


class Terminal:
    """Copier's prompts redraw only what changed, so their text is read from an emulated screen, as a person sees it."""

    def __init__(self, destination: Path, *data: str) -> None:
        """`copier copy` of this checkout into `destination`; `data` are `--data KEY=VALUE` answers not to ask."""
        answers = [argument for pair in data for argument in ("--data", pair)]
        self.child = pexpect.spawn(
            str(BIN / "copier"),
            ["copy", "--vcs-ref=HEAD", *answers, str(REPOSITORY), str(destination)],
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

    def accept_each(self, prompts: tuple[str, ...]) -> None:
        for prompt in prompts:
            self.accept(prompt)

    def keys(self, prompt: str, keys: str) -> None:
        self.wait_for(prompt)
        self.child.send(keys)

    def finish(self) -> int | None:
        """Accept the optional production files, wait for Copier to end; its exit status."""
        self.accept_each(PRODUCTION_FILES)
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus

    def line_with(self, text: str) -> str:
        """The screen line that shows `text`, as wide as the terminal lets it be."""
        return next(line for line in self.screen.display if text in line)

    def close(self) -> None:
        self.child.terminate(force=True)
