"""Any valid answers render a project that parses, is ruff-clean and passes its own tests, and keeps the answers'
values exactly: nothing typed into a question can break out of a string literal into code, TOML or YAML.

Rendering and checking a project costs seconds, so hypothesis draws few examples, the nastiest strings are fixed
examples that run every time, and mypy is left to the matrix of answers in test_generated_checks.py (an answer
changes values, never types).
"""

from __future__ import annotations

import ast
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.support.paths import BIN
from tests.support.rendering import project_env, render, run
from tests.support.table import VALID_ORIGINS

QUOTES_AND_ESCAPES = ['"', "'", "\\", '"""', "'''", "`", "#", "|", "$x", "%", "%s", "%(x)d", "\\x22", "\\u00e9"]
TEMPLATE_SYNTAX = ["{{", "}}", "{%", "%}", "{#", "{%- raw %}"]
UNUSUAL_UNICODE = ["\u202e", "\u200b", "\u2019", "\U0010fffd", "\u00a0"]
NASTY = [*QUOTES_AND_ESCAPES, *TEMPLATE_SYNTAX, *UNUSUAL_UNICODE, "é", "Кафе", "日本", "😀"]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
TOKEN = r"[A-Za-z][!#$%&'*+.^_`|~0-9A-Za-z-]{0,12}"
REGEXES = [
    "",
    r"https://[a-z0-9-]+\.preview\.example\.com",
    r"""https://(app|"quoted"|it's)\.example\.com(:[0-9]{2,5})?""",
]


def text() -> st.SearchStrategy[str]:
    """Unicode text salted with the characters that end strings, start templates or format values.

    Without control and line-break characters: the questionnaire refuses them
    (tests/rendering/test_template_validation.py).
    """
    piece = st.sampled_from(NASTY) | st.text(st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=6)
    return st.lists(piece, max_size=8).map("".join)


def names(kind: str) -> st.SearchStrategy[list[str]]:
    """HTTP token names (quotes, `|` and `%` are token characters), or `*` alone where it is allowed."""
    listed = st.lists(st.from_regex(TOKEN, fullmatch=True), max_size=6, unique_by=str.lower)
    return listed if kind == "expose" else listed | st.just(["*"])


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    """Answers the questionnaire accepts; the project name starts with a letter so that the derived slug is valid."""
    credentials = draw(st.booleans())
    origins = draw(st.lists(st.sampled_from(VALID_ORIGINS), min_size=1, max_size=len(VALID_ORIGINS), unique=True))
    return {
        "project_name": draw(st.sampled_from("AbZ")) + draw(text()),
        "description": draw(text()),
        "python_version": draw(st.sampled_from(["3.11", "3.12", "3.13", "3.14"])),
        "allow_credentials": credentials,
        "allow_origins": ["*"] if not credentials and draw(st.booleans()) else origins,
        "allow_origin_regex": draw(st.sampled_from(REGEXES)),
        "allow_methods": draw(st.lists(st.sampled_from(METHODS), min_size=1, unique=True) | st.just(["*"])),
        "allow_headers": draw(names("allow")),
        "expose_headers": draw(names("expose")),
        "max_age": draw(st.integers(0, 86400)),
    }


CHECKS = [
    [str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
    [str(BIN / "ruff"), "check", "--no-cache", "."],
    [str(BIN / "ruff"), "format", "--no-cache", "--check", "."],
]
NASTIEST = {
    "project_name": 'Bob\u2019s "API" \\ {{ name }} {% raw %} %s %(x)d Кафе 😀\u202e \\',
    "description": 'Says "hi" \\ to {{ you }} {%- if x %} at 100% \u2019 日本 😀 """ \'\'\' # ends with \\',
    "allow_origins": VALID_ORIGINS,
    "allow_origin_regex": REGEXES[2],
    "allow_headers": ["X-Quote'd", "X-Pipe|d", "X-100%", "Authorization"],
    "expose_headers": ["X-`tick`", "X-Request-Id"],
    "python_version": "3.14",
}
LONG = {
    "project_name": "サービス" * 30,
    "description": "A description that goes on " * 20,
    "allow_origins": VALID_ORIGINS[:12],
    "allow_headers": [f"X-Header-Number-{number}" for number in range(12)],
    "expose_headers": [f"X-Exposed-Number-{number}" for number in range(12)],
}


@settings(
    max_examples=5,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(answers=answers())
@example(answers=NASTIEST)
@example(answers=LONG)
@example(answers={"project_name": "x\\", "description": "\\"})
def test_any_valid_answers_render_a_clean_working_project(
    tmp_path_factory: pytest.TempPathFactory, answers: dict[str, Any]
) -> None:
    project = render(tmp_path_factory.mktemp("robust") / "service", answers)

    for path in project.rglob("*"):
        if path.suffix == ".py":
            ast.parse(path.read_text(), str(path))
        elif path.suffix == ".toml":
            tomllib.loads(path.read_text())
        elif path.suffix in {".yml", ".yaml"}:
            yaml.safe_load(path.read_text())
    assert rendered_values(project) == expected_values(answers)
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["project_name"] == answers["project_name"]
    for command in CHECKS:
        result = run(command, project, project_env(project))
        assert result.returncode == 0, f"{' '.join(command[1:3])} failed:\n{result.stdout}\n{result.stderr}"


def expected_values(answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": answers["project_name"],
        "description": answers.get("description", "A FastAPI service with CORS configured from the start."),
        "origins": answers.get("allow_origins", ["http://localhost:8080"]),
        "regex": answers.get("allow_origin_regex") or None,
        "headers": answers.get("allow_headers", ["*"]),
        "exposed": answers.get("expose_headers", []),
    }


VALUES = """
import json, sys, tomllib
from {package}.main import app
from {package}.settings import Settings

settings = Settings()
with open("pyproject.toml", "rb") as file:
    description = tomllib.load(file)["project"]["description"]
json.dump(
    {{
        "title": app.title,
        "description": description,
        "origins": settings.cors_allow_origins,
        "regex": settings.cors_allow_origin_regex,
        "headers": settings.cors_allow_headers,
        "exposed": settings.cors_expose_headers,
    }},
    sys.stdout,
)
"""


def rendered_values(project: Path) -> dict[str, Any]:
    """The values as the generated service itself sees them once it is imported."""
    package = next(path.name for path in (project / "src").iterdir() if (path / "main.py").is_file())
    result = run([str(BIN / "python"), "-c", VALUES.format(package=package)], project, project_env(project))
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout)
    return values
