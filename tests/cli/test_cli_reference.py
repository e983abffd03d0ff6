"""The CLI reference (docs/cli.md) against the commands Typer builds: a section for every command, and every option of
the command named in it."""

from __future__ import annotations

import re

import pytest
import typer

from fastapi_cors_scaffold.cli import app
from tests.support.docs import DOCS, section

REFERENCE = DOCS / "cli.md"
COMMANDS = typer.main.get_command(app)
assert isinstance(COMMANDS, typer.core.TyperGroup)


@pytest.mark.parametrize("name", sorted(COMMANDS.commands))
def test_the_reference_names_every_option_of_the_command(name: str) -> None:
    text = section(REFERENCE.read_text(encoding="utf-8"), name)
    spellings = [
        spelling
        for param in COMMANDS.commands[name].params
        for spelling in [*param.opts, *param.secondary_opts]
        if spelling.startswith("-") and spelling != "--help"
    ]

    missing = [spelling for spelling in spellings if not re.search(rf"[`/]{re.escape(spelling)}(?![a-z-])", text)]
    assert spellings and missing == []


def test_the_reference_names_the_options_of_the_command_itself() -> None:
    text = REFERENCE.read_text(encoding="utf-8").split("\n## ", 1)[0]
    spellings = [spelling for param in COMMANDS.params for spelling in param.opts if spelling.startswith("--")]

    assert spellings and [spelling for spelling in spellings if f"{spelling}`" not in text] == []
