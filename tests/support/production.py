"""The project the production tests render, with its names, and its Dockerfile read the way the tests replay it
(no Docker engine runs here)."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.rendering import render

PACKAGE = "prod_check"
PREFIX = "PROD_CHECK_"


@dataclass
class Stage:
    """One FROM block of a Dockerfile, reduced to what the tests replay."""

    name: str | None
    env: dict[str, str] = field(default_factory=dict)
    runs: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)


def parse_dockerfile(text: str) -> list[Stage]:
    """Stages with their ENV, RUN (BuildKit flags dropped), exec-form CMD and HEALTHCHECK."""
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
            stages[-1].runs.append(re.sub(r"^(--\S+\s+)*", "", rest.strip()))
        elif keyword == "CMD":
            stages[-1].cmd = json.loads(rest)
        elif keyword == "HEALTHCHECK":
            stages[-1].healthcheck = json.loads(rest.split(" CMD ", 1)[1])
    return stages


def render_production(directory: Path) -> tuple[Path, list[Stage]]:
    """A project with every optional file, rendered into `directory`, and its Dockerfile's stages."""
    project = render(directory / "service", {"project_name": "Prod Check"})
    return project, parse_dockerfile((project / "Dockerfile").read_text())
