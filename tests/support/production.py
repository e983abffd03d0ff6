"""The project the production tests render (or make with `new`, which locks it), with its names, and its Dockerfile
read the way the tests replay it (no Docker engine runs here)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.cli import HOME_VARIABLE, LOCAL_GIT_ONLY, run_cli
from tests.support.rendering import render

PACKAGE = "prod_check"
PREFIX = "PROD_CHECK_"


@dataclass
class Stage:
    """One FROM block of a Dockerfile, reduced to what the tests replay: its COPY (from the build context) and RUN
    instructions in order, as (instruction, arguments)."""

    name: str | None
    env: dict[str, str] = field(default_factory=dict)
    steps: list[tuple[str, str]] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)


def parse_dockerfile(text: str) -> list[Stage]:
    """Stages with their ENV, COPY from the context, RUN (BuildKit flags dropped), exec-form CMD and HEALTHCHECK."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    stages: list[Stage] = []
    for instruction in "\n".join(lines).replace("\\\n", " ").splitlines():
        keyword, _, rest = instruction.strip().partition(" ")
        if keyword == "FROM":
            alias = re.search(r"\sAS\s+(\S+)", rest, re.IGNORECASE)
            stages.append(Stage(alias[1] if alias else None))
        elif keyword == "ENV":
            stages[-1].env.update(pair.partition("=")[::2] for pair in shlex.split(rest))
        elif keyword == "RUN":
            stages[-1].steps.append(("RUN", re.sub(r"^(--\S+\s+)*", "", rest.strip())))
        elif keyword == "COPY" and not rest.startswith("--from="):
            stages[-1].steps.append(("COPY", rest.strip()))
        elif keyword == "CMD":
            stages[-1].cmd = json.loads(rest)
        elif keyword == "HEALTHCHECK":
            stages[-1].healthcheck = json.loads(rest.split(" CMD ", 1)[1])
    return stages


def docker_context(project: Path, destination: Path) -> Path:
    """What `docker build .` sends: the template's .dockerignore excludes everything (`*`) but the entries it names
    with `!`, and every `__pycache__`."""
    patterns = [line for line in (project / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert patterns[0] == "*" and patterns[-1] == "**/__pycache__", "the .dockerignore changed shape: update this"
    destination.mkdir()
    for kept in (pattern.removeprefix("!").rstrip("/") for pattern in patterns[1:-1]):
        if (project / kept).is_dir():
            shutil.copytree(project / kept, destination / kept, ignore=shutil.ignore_patterns("__pycache__"))
        elif (project / kept).is_file():
            shutil.copy2(project / kept, destination / kept)
    return destination


def render_production(directory: Path) -> tuple[Path, list[Stage]]:
    """A project with every optional file, rendered into `directory`, and its Dockerfile's stages."""
    project = render(directory / "service", {"project_name": "Prod Check"})
    return project, parse_dockerfile((project / "Dockerfile").read_text())


def locked_production(directory: Path) -> tuple[Path, list[Stage]]:
    """The same project made by `fastapi-cors-scaffold new` in `directory`, which runs `uv lock` in it against the
    package index, and its Dockerfile's stages."""
    env = {
        HOME_VARIABLE: str(directory / "home"),
        "COPIER_CACHE_DIR": str(directory / "copier-cache"),
        "FASTAPI_CORS_SCAFFOLD_LOCK": "1",
        **dict([LOCAL_GIT_ONLY]),
    }
    made = run_cli("new", "service", "--name", "Prod Check", "--defaults", "--quiet", cwd=directory, env=env)
    assert made.returncode == 0 and not made.stderr, made.stderr
    project = directory / "service"
    return project, parse_dockerfile((project / "Dockerfile").read_text())
