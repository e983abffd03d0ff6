"""Generated projects for a matrix of answers pass their own gates: their test suite, ruff and mypy --strict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.rendering import check_project, render

ANSWER_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "no-credentials": {"allow_credentials": False, "allow_origins": ["https://app.example.com"]},
    "any-origin": {"allow_credentials": False, "allow_origins": ["*"]},
    "regex": {
        "allow_origin_regex": r"https://[a-z0-9-]+\.preview\.example\.com",
        "allow_origins": ["https://app.example.com"],
    },
    "regex-only": {"allow_origin_regex": r"https://(app|admin)\.example\.com", "allow_origins": []},
    "few-methods": {"allow_methods": ["GET", "POST", "DELETE"], "allow_origins": "http://localhost:5173"},
    "headers": {
        "allow_headers": ["Authorization", "X-Request-Id"],
        "expose_headers": "X-Request-Id, X-Total-Count",
        "max_age": 7200,
        "python_version": "3.12",
    },
    "ipv6": {"allow_origins": ["http://[::1]:8080", "http://127.0.0.1:5173"], "project_name": "Billing API"},
}


@pytest.mark.parametrize("answers", ANSWER_SETS.values(), ids=ANSWER_SETS.keys())
def test_generated_project_passes_its_own_checks(tmp_path: Path, mypy_cache: Path, answers: dict[str, Any]) -> None:
    project = render(tmp_path / "service", answers)

    check_project(project, mypy_cache)
