"""Answers to the template's questions: from command-line flags to Copier data, and from answers to a `Policy`.

A CORS answer present in Copier's data is stored in .copier-answers.yml and pinned across updates; one left out is
not stored and takes the template's current recommendation on every update. So `new` passes exactly the answers
the person gave, never a default of its own, and its output is what `copier copy --data` gives with the same values.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi_cors_scaffold.cors_rules import Problem, split_list
from fastapi_cors_scaffold.policy import Policy, problems

# Question name in copier.yml -> field of `Policy` (Starlette's keyword argument).
CORS_QUESTIONS = {
    "allow_origins": "allow_origins",
    "allow_origin_regex": "allow_origin_regex",
    "allow_credentials": "allow_credentials",
    "allow_methods": "allow_methods",
    "allow_headers": "allow_headers",
    "expose_headers": "expose_headers",
    "max_age": "max_age",
}

QUESTIONS = {field: question for question, field in CORS_QUESTIONS.items()}
# Old question name -> its new name: answers files written by earlier releases still hold the old one.
RENAMED = {"allowed_origins": "allow_origins"}

# Question name -> the `new` flag that answers it, to name the flag in error messages.
FLAGS = {
    "project_name": "--name",
    "project_slug": "--slug",
    "package_name": "--package",
    "description": "--description",
    "python_version": "--python",
    "customize": "--customize",
    "allow_origins": "--origin",
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


def split_items(values: Iterable[str]) -> list[str]:
    """Repeated flags and comma-separated lists alike, split and trimmed as the prompt and the environment do."""
    return [item for value in values for item in split_list(value)]


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


def unknown_data_error(data: Mapping[str, str], questions: Iterable[str]) -> str | None:
    """Copier ignores a `--data` key no question has, so a typo would silently keep the template's value."""
    known = sorted(questions)
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]}?" if close else f"the questions are {', '.join(known)}."
            return f"--data {key}: the template has no question '{key}': {hint}"
    return None


def typed_data(data: Mapping[str, str]) -> dict[str, Any]:
    """The CORS answers among `--data` values, read as Copier reads them (YAML, but the regex is plain text)."""
    import yaml

    typed: dict[str, Any] = {}
    for question, value in data.items():
        if question not in CORS_QUESTIONS:
            continue
        try:
            typed[question] = value if question == "allow_origin_regex" else yaml.safe_load(value)
        except yaml.YAMLError:
            typed[question] = value
    return typed


def as_list(value: Any) -> tuple[str, ...]:
    """A list answer as the template reads it: a string is split on commas, like its `as_list` macro."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(split_list(value))
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return (str(value),)


def current_names(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers under the questions' current names (an answer under the new name wins over one under the old)."""
    renamed = {RENAMED[key]: value for key, value in answers.items() if key in RENAMED}
    return {**renamed, **{key: value for key, value in answers.items() if key not in RENAMED}}


def policy_from_answers(answers: Mapping[str, Any], recommended: Policy) -> Policy:
    """The policy a project runs with: its answers where given, the template's recommendation elsewhere."""
    answers = current_names(answers)
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


def answer_errors(answers: Mapping[str, Any], recommended: Policy, spelled: Mapping[str, str] = FLAGS) -> list[str]:
    """The rules on the CORS answers given (the rest at their recommendation), each naming its flag (`spelled`).

    Run before Copier, so a bad answer is refused in one line before anything is rendered.
    """
    if not any(question in answers for question in CORS_QUESTIONS):
        return []
    return [
        problem.sentence(spelled.get(QUESTIONS[problem.setting], QUESTIONS[problem.setting]))
        for problem in problems(policy_from_answers(answers, recommended))
    ]


def stored_answer_errors(answers: Mapping[str, Any], recommended: Policy) -> list[str]:
    """Stored answers this release refuses, each naming the answer and the `--data` that replaces it.

    A project made by an older release may hold an answer the rules now refuse; Copier would stop the update with
    a traceback, so `update` says this first.
    """
    answers = current_names(answers)
    stored = {question: answers[question] for question in CORS_QUESTIONS if question in answers}
    return [
        f"{problem.sentence(QUESTIONS[problem.setting])} Update with --data '{QUESTIONS[problem.setting]}="
        f"{_replacement(problem, stored.get(QUESTIONS[problem.setting]))}'."
        for problem in problems(policy_from_answers(stored, recommended))
        if QUESTIONS[problem.setting] in stored
    ]


def _replacement(problem: Problem, answer: Any) -> str:
    """The answer with the refused item replaced by the rule's suggestion, or a placeholder for the person."""
    suggestion = problem.params.get("suggestion", "").strip("'")
    if isinstance(answer, list | tuple):
        items = [suggestion if str(item) == problem.value else str(item) for item in answer]
        if suggestion:
            return "[" + ", ".join(items) + "]"
    elif suggestion:
        return suggestion
    return "<an accepted value>"


def recommended_policy(questions: Mapping[str, Any]) -> Policy:
    """The template's recommendation: the `default` of each CORS question in copier.yml (parsed)."""
    defaults = {
        question: _recommended(spec["default"])
        for question, spec in questions.items()
        if question in CORS_QUESTIONS and isinstance(spec, Mapping) and "default" in spec
    }
    recommended = policy_from_answers({**defaults, "allow_credentials": False}, Policy())
    # Credentials default to on unless the origins are '*' (a Jinja default in copier.yml): follow the same rule.
    return dataclasses.replace(recommended, allow_credentials="*" not in recommended.allow_origins)


def _recommended(default: Any) -> Any:
    """A default as a new project gets it: one written in Jinja (to read a renamed question's old answer) is
    rendered with no answers at all, and read as YAML, as Copier reads it."""
    if not isinstance(default, str) or "{{" not in default or "{%" in default:
        return default
    import yaml
    from jinja2.sandbox import SandboxedEnvironment

    environment = SandboxedEnvironment()
    environment.filters["to_json"] = json.dumps
    return yaml.safe_load(environment.from_string(default).render())


def _fields_of(policy: Policy) -> dict[str, Any]:
    return {field: getattr(policy, field) for field in CORS_QUESTIONS.values()}
