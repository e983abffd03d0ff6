"""A bare Typer app with one empty command per name in BASELINE_COMMANDS (a JSON list), a group like the real CLI
when there are several: what `--help` costs with Typer alone."""

import json
import os

import typer

app = typer.Typer()
names = json.loads(os.environ.get("BASELINE_COMMANDS", "[]")) or ["main"]

if len(names) > 1:

    @app.callback()
    def main() -> None:
        """The CLI."""


def empty() -> None:
    """A command that does nothing."""


for name in names:
    app.command(name, help=f"{name}.")(empty)

if __name__ == "__main__":
    app()
