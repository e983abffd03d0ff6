"""Answers to the template's questions: from command-line flags to Copier data, and from answers to a `Policy`.

A CORS answer present in Copier's data is stored in .copier-answers.yml and pinned across updates; one left out is
not stored and takes the template's current recommendation on every update. So `new` passes exactly the answers
the person gave, never a default of its own, and its output is what `copier copy --data` gives with the same values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi_cors_scaffold.policy import Policy, setting_errors

# Question name in copier.yml -> field of `Policy` (Starlette's keyword argument).
CORS_QUESTIONS = {
    "allowed_origins": "allow_origins",
    "allow_origin_regex": "allow_origin_regex",
    "allow_credentials": "allow_credentials",
    "allow_methods": "allow_methods",
    "allow_headers": "allow_headers",
    "expose_headers": "expose_headers",
    "max_age": "max_age",
}

# Question name -> the `new` flag that answers it, to name the flag in error messages.
FLAGS = {
    "project_name": "--name",
    "project_slug": "--slug",
    "package_name": "--package",
    "description": "--description",
    "python_version": "--python",
    "customize": "--customize",
    "allowed_origins": "--origin",
    "allow_origin_regex": "--regex",
    "allow_credentials": "--credentials/--no-credentials",
    "allow_methods": "--method",
    "allow_headers": "--header",
    "expose_headers": "--expose-header",
    "max_age": "--max-age",
    "docker": "--docker/--no-docker",
    "ci_workflow": "--ci/--no-ci",
    "pre_commit": "--pre-commit/--no-pre-commit",
    "renovate": "--renovate/--no-renovate",
}

_ITEM = re.compile(r"[^,\s]+")


def split_items(values: Iterable[str]) -> list[str]:
    """Repeated flags and comma-separated lists alike (no origin, method or header name contains a comma).

    A value without a comma is kept exactly as given, spaces included, so that the rules judge what was typed.
    """
    return [item.strip() if "," in value else item for value in values for item in value.split(",")]


def given(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers actually given: a flag left out (None) must not reach Copier, or it would be pinned."""
    return {name: value for name, value in answers.items() if value is not None}


def parse_data(pairs: Iterable[str]) -> dict[str, str]:
    """`KEY=VALUE` pairs as `copier --data` takes them; Copier casts each value by its question's type."""
    data = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise ValueError(f"--data {pair!r} is not KEY=VALUE, e.g. --data 'min_fastapi=0.166'.")
        data[key.strip()] = value
    return data


def as_list(value: Any) -> tuple[str, ...]:
    """A list answer as the template reads it: a string is split on commas and spaces, like its `as_list` macro."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(_ITEM.findall(value))
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return (str(value),)


def policy_from_answers(answers: Mapping[str, Any], recommended: Policy) -> Policy:
    """The policy a project runs with: its answers where given, the template's recommendation elsewhere."""
    fields: dict[str, Any] = {}
    for question, field in CORS_QUESTIONS.items():
        if question not in answers:
            continue
        value = answers[question]
        if field == "allow_origin_regex":
            fields[field] = str(value) if value else None
        elif field == "allow_credentials":
            fields[field] = bool(value)
        elif field == "max_age":
            fields[field] = int(value)
        else:
            fields[field] = as_list(value)
    return Policy(**{**_fields_of(recommended), **fields})


def answer_errors(answers: Mapping[str, Any], recommended: Policy) -> list[str]:
    """The package's policy rules on the CORS answers given (the rest at their recommendation), each naming a flag.

    Run before Copier, so a bad answer is refused in one line before anything is rendered.
    """
    if not any(question in answers for question in CORS_QUESTIONS):
        return []
    questions = {field: question for question, field in CORS_QUESTIONS.items()}
    policy = policy_from_answers(answers, recommended)
    return [f"{FLAGS[questions[setting]]}: {message}" for setting, message in setting_errors(policy)]


def recommended_policy(questions: Mapping[str, Any]) -> Policy:
    """The template's recommendation: the `default` of each CORS question in copier.yml (parsed)."""
    defaults = {
        question: spec["default"]
        for question, spec in questions.items()
        if question in CORS_QUESTIONS and isinstance(spec, Mapping) and "default" in spec
    }
    return policy_from_answers(defaults, Policy())


def _fields_of(policy: Policy) -> dict[str, Any]:
    return {field: getattr(policy, field) for field in CORS_QUESTIONS.values()}
