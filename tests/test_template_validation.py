"""The questionnaire refuses every bad answer with one sentence, and writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.rendering import BIN, REPOSITORY, render, run
from tests.table import load_origin_table

VALID, INVALID = load_origin_table()


def refusal(tmp_path: Path, data: dict[str, Any]) -> str:
    destination = tmp_path / "service"
    with pytest.raises(ValueError, match="Validation error") as error:
        render(destination, data)
    assert not destination.exists(), "a refused answer must leave no half-written project"
    return str(error.value)


@pytest.mark.parametrize("origin", VALID)
def test_valid_origin_is_accepted(tmp_path: Path, origin: str) -> None:
    project = render(tmp_path / "service", {"allowed_origins": [origin]})

    assert f'"{origin}"' in (project / "src" / "my_service" / "settings.py").read_text()


@pytest.mark.parametrize(("origin", "hint"), INVALID)
def test_invalid_origin_is_refused_with_a_hint(tmp_path: Path, origin: str, hint: str) -> None:
    message = refusal(tmp_path, {"allowed_origins": ["https://ok.example.com", origin]})

    assert "allowed_origins" in message
    assert hint.lower() in message.lower()


BAD_POLICIES = [
    ({"allowed_origins": ["*"]}, "allow_credentials=true is refused"),
    ({"allowed_origins": ["*", "https://a.example.com"], "allow_credentials": False}, "cannot be mixed"),
    ({"allowed_origins": ["https://a.example.com", "https://a.example.com"]}, "listed twice"),
    ({"allowed_origins": []}, "list at least one origin"),
    ({"allow_origin_regex": "https://(app"}, "missing )"),
    ({"allow_origin_regex": r"https://app.example\.com"}, "admits 'appxexample'"),
    ({"allow_origin_regex": r"https://.*example\.com"}, "look-alike"),
    ({"allow_origin_regex": ".*"}, "must start with the scheme"),
    ({"allow_origin_regex": r"https?://.*"}, "admits any origin"),
    ({"allow_origin_regex": r"(https://a\.example\.com|null)"}, "must start with the scheme"),
    ({"allow_origin_regex": r"^https://a\.example\.com|null"}, "'null'"),
    ({"allow_methods": ["*", "GET"]}, "cannot be mixed"),
    ({"allow_methods": []}, "choose at least one method"),
    ({"allow_headers": ["X Bad"]}, "not a valid request header name"),
    ({"allow_headers": "Authorization, authorization"}, "listed twice"),
    ({"expose_headers": ["X-Ok", "X(Bad)"]}, "not a valid response header name"),
    ({"max_age": -1}, "out of range"),
    ({"max_age": 86401}, "out of range"),
    ({"project_name": "  "}, "empty"),
    ({"project_name": "Billing\rAPI"}, "control or line-break character"),
    ({"description": "Two\nlines"}, "control or line-break character"),
    ({"description": "Next\u0085line"}, "control or line-break character"),
    ({"project_slug": "Billing API"}, "not a distribution name"),
    ({"package_name": "billing-api"}, "not a Python package name"),
]


@pytest.mark.parametrize(("data", "hint"), BAD_POLICIES, ids=[hint for _, hint in BAD_POLICIES])
def test_bad_policy_is_refused(tmp_path: Path, data: dict[str, Any], hint: str) -> None:
    assert hint.lower() in refusal(tmp_path, data).lower()


@pytest.mark.parametrize(
    "data",
    [
        {"allowed_origins": ["*"], "allow_credentials": False},
        {"allow_origin_regex": r"https://[a-z0-9-]+\.example\.com", "allowed_origins": []},
        {"max_age": 86400},
        {"allow_methods": ["GET", "POST"]},
    ],
)
def test_acceptable_policy_renders(tmp_path: Path, data: dict[str, Any]) -> None:
    assert (render(tmp_path / "service", data) / "pyproject.toml").is_file()


def test_copier_cli_stops_on_a_bad_origin_and_writes_nothing(tmp_path: Path) -> None:
    destination = tmp_path / "service"
    result = run(
        [
            str(BIN / "copier"),
            "copy",
            "--defaults",
            "--vcs-ref=HEAD",
            "--data",
            "allowed_origins=[http://localhost:8080/]",
            str(REPOSITORY),
            str(destination),
        ],
        tmp_path,
    )

    assert result.returncode != 0
    assert "drop the trailing slash" in result.stderr
    assert not destination.exists()
