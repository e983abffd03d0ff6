"""Generated projects for a matrix of answers pass their own gates: their test suite, ruff and mypy --strict; their
CORS tests follow a policy the environment changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import BIN
from tests.support.rendering import check_project, project_env, render, run

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


def test_the_cors_tests_follow_a_regex_set_in_the_environment(tmp_path: Path) -> None:
    """The regex's examples are rendered from the answer; the environment decides which of them must be granted."""
    project = render(tmp_path / "service", ANSWER_SETS["regex-only"])
    command = [str(BIN / "python"), "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests/test_cors.py"]

    def with_regex(regex: str) -> str:
        result = run(command, project, {**project_env(project), "MY_SERVICE_CORS_ALLOW_ORIGIN_REGEX": regex})
        return result.stdout + result.stderr

    narrower = with_regex(r"https://admin\.example\.com")
    assert "test_an_allowed_origin_is_granted[https://admin.example.com] PASSED" in narrower
    assert "test_a_foreign_origin_is_refused[https://app.example.com] PASSED" in narrower
    assert " passed" in narrower and "failed" not in narrower, narrower

    elsewhere = with_regex(r"https://[a-z]+\.other\.example")
    assert "test_the_regex_admits_an_example FAILED" in elsewhere
    assert "matches no origin in REGEX_EXAMPLES" in elsewhere
    assert "1 failed" in elsewhere, elsewhere
