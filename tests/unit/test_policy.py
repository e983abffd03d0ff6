"""`Policy` is Starlette's CORSMiddleware arguments with Starlette's defaults; its problems are the one rule set's."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from starlette.middleware.cors import CORSMiddleware

from fastapi_cors_scaffold.rules.checks import policy_problems
from fastapi_cors_scaffold.rules.policy import STARLETTE_KEYWORDS, Policy, policy_notes, problems


def test_defaults_are_starlettes() -> None:
    starlette = inspect.signature(CORSMiddleware.__init__).parameters
    for keyword in STARLETTE_KEYWORDS:
        default = starlette[keyword].default
        assert getattr(Policy(), keyword) == (tuple(default) if isinstance(default, tuple | list) else default)


def test_the_other_fields_are_no_keyword_of_starlette_and_absent_by_default() -> None:
    starlette = inspect.signature(CORSMiddleware.__init__).parameters
    others = [field.name for field in dataclasses.fields(Policy) if field.name not in STARLETTE_KEYWORDS]

    assert others == ["cross_origin_protection"]
    assert all(name not in starlette and getattr(Policy(), name) is None for name in others)


def test_problems_are_the_rule_sets() -> None:
    policy = Policy(allow_origins=("*",), allow_credentials=True, allow_methods=("get",), max_age=-1)
    assert problems(policy) == policy_problems(**dataclasses.asdict(policy))
    assert [problem.rule for problem in problems(policy)] == [
        "methods.lower_case",
        "max_age.range",
        "origins.wildcard_credentials",
    ]


def test_a_careful_production_policy_passes() -> None:
    policy = Policy(
        allow_origins=("https://app.example.com", "https://admin.example.com:8443"),
        allow_origin_regex=r"https://[a-z0-9-]+\.preview\.example\.com",
        allow_credentials=True,
        allow_methods=("GET", "POST", "PATCH", "DELETE"),
        allow_headers=("Authorization", "Content-Type", "X-Request-ID"),
        expose_headers=("X-Total-Count",),
        max_age=7200,
    )
    assert problems(policy) == []
    assert policy_notes(policy) == []


@pytest.mark.parametrize("max_age", [7201, 86400])
def test_max_age_above_chromium_cap_is_a_note(max_age: int) -> None:
    (note,) = policy_notes(Policy(allow_origins=("https://a.example",), max_age=max_age))
    assert "browsers cap it (Chromium at 7200 s, Firefox at 86400 s, WebKit at 600 s)" in note
