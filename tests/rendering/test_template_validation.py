"""The questionnaire refuses bad names and descriptions with one sentence and writes nothing; the CORS answers are
tested row by row against the rules table in tests/e2e/test_rules_table_questionnaire.py."""

from __future__ import annotations

import json
import keyword
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.paths import BIN, REPOSITORY
from tests.support.rendering import render, run


def refusal(tmp_path: Path, data: dict[str, Any]) -> str:
    destination = tmp_path / "service"
    with pytest.raises(ValueError, match="Validation error") as error:
        render(destination, data)
    assert not destination.exists(), "a refused answer must leave no half-written project"
    return str(error.value)


BAD_ANSWERS = [
    ({"allow_origin_regex": "https://a**"}, "multiple repeat"),
    ({"allow_origins": ""}, "question 'allow_origins': no origin was given"),
    ({"allow_headers": "Authorization, X Foo"}, "question 'allow_headers': not a request header name, 'X Foo'"),
    ({"project_name": "  "}, "empty"),
    ({"project_name": "Billing\rAPI"}, "control or line-break character"),
    ({"description": "Two\nlines"}, "control or line-break character"),
    ({"description": "Next\u0085line"}, "control or line-break character"),
    ({"project_slug": "Billing API"}, "not a distribution name"),
    ({"package_name": "billing-api"}, "not a Python package name"),
    ({"package_name": "import"}, "'import' is a Python keyword or the name of a module the service imports"),
    ({"package_name": "json"}, "choose another, e.g. 'json_service'"),
    ({"package_name": "fastapi"}, "'fastapi' is a Python keyword or the name of a module"),
    ({"project_slug": "uvicorn"}, "'uvicorn' is the name of a package the service depends on"),
]


@pytest.mark.parametrize(("data", "hint"), BAD_ANSWERS, ids=[hint for _, hint in BAD_ANSWERS])
def test_bad_policy_is_refused(tmp_path: Path, data: dict[str, Any], hint: str) -> None:
    assert hint.lower() in refusal(tmp_path, data).lower()


def test_copier_cli_stops_on_a_bad_origin_and_writes_nothing(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    result = run(
        [
            str(BIN / "copier"),
            "copy",
            "--defaults",
            "--vcs-ref=HEAD",
            "--data",
            "allow_origins=[http://localhost:8080/]",
            str(REPOSITORY),
            str(destination),
        ],
        tmp_path,
    )

    assert result.returncode != 0
    assert "drop the trailing slash" in result.stderr
    assert not destination.exists()


@pytest.mark.parametrize(
    ("name", "slug", "package"),
    [
        ("Café Ünïcødé", "cafe-unicode", "cafe_unicode"),
        ("Straße Œuvre", "strasse-oeuvre", "strasse_oeuvre"),
        ("Import", "import", "import_service"),
        ("FastAPI", "fastapi-service", "fastapi_service"),
        ("日本", "service", "service"),
    ],
)
def test_derived_names_are_ascii_and_never_shadow_a_module(tmp_path: Path, name: str, slug: str, package: str) -> None:
    project = render(tmp_path / "service", {"project_name": name})

    assert f'name = "{slug}"' in (project / "pyproject.toml").read_text()
    assert (project / "src" / package / "main.py").is_file()


def test_the_reserved_names_cover_this_python() -> None:
    names = json.loads((REPOSITORY / "includes" / "names.json").read_text())
    public = {name for name in sys.stdlib_module_names if not name.startswith("_")}

    assert public | set(keyword.kwlist) | set(keyword.softkwlist) - {"_"} <= set(names["reserved"])
    for letter, ascii_form in names["ascii"].items():
        decomposed = "".join(c for c in unicodedata.normalize("NFKD", letter) if not unicodedata.combining(c))
        assert ascii_form == decomposed or not decomposed.isascii(), letter


PROMPT_COLUMNS = 80  # tests/e2e/test_prompts.py drives the questionnaire in a terminal this wide


def test_every_help_line_fits_an_80_column_prompt() -> None:
    questions = yaml.safe_load((REPOSITORY / "copier.yml").read_text())
    long = [
        (name, line)
        for name, spec in questions.items()
        if isinstance(spec, dict) and "help" in spec
        for line in spec["help"].splitlines()
        if len(line) > PROMPT_COLUMNS - 4
    ]

    assert long == []
