"""Print the names of the real CLI's commands as JSON, for the bare Typer app the CLI is compared with."""

import json

import typer.main

from fastapi_cors_scaffold.cli import app

command = typer.main.get_command(app)
print(json.dumps(list(getattr(command, "commands", {}))))
