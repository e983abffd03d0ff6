"""Answers to the template's questions: `--data` as Copier takes it, a project's answers file, and the rules' verdict
on them before Copier runs (Copier would refuse a bad answer with a traceback).

A CORS answer present in Copier's data is stored in .copier-answers.yml and pinned across updates; one left out is
not stored and takes the template's current recommendation on every update. So `new` passes exactly the answers
the person gave, never a default of its own, and its output is what `copier copy --data` gives with the same values.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.audit.loading import load_file, load_text
from fastapi_cors_scaffold.errors import ConfigurationError, DataLimitError, Refusal
from fastapi_cors_scaffold.rules.checks import Problem
from fastapi_cors_scaffold.rules.policy import Policy, problems
from fastapi_cors_scaffold.rules.questions import (
    ANSWERS_FILE,
    CORS,
    FIELD_OF,
    FLAGS,
    QUESTION_OF,
    Kind,
    answers_from_flags,
    current_names,
    policy_from_answers,
)


def parse_data(pairs: Iterable[str]) -> dict[str, str]:
    """`KEY=VALUE` pairs as `copier --data` takes them; Copier casts each value by its question's type."""
    data = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise Refusal(f"--data {pair!r} is not KEY=VALUE, e.g. --data 'min_fastapi=0.166'.")
        data[key.strip()] = value
    return data


def known_data(data: dict[str, str], questions: Mapping[str, Any]) -> dict[str, str]:
    """`data` under the questions' current names (a renamed question's old name, as scripts written for an older
    release spell it, answers it), each key naming one of `questions` (copier.yml's, by name): Copier ignores any
    other, so a typo would silently keep the template's value. A yes/no answer must be one (the rules judge the CORS
    ones), and `customize` a list: Copier would read `maybe` as yes, and stop on a `customize` that is no list with a
    traceback."""
    data = current_names(data)
    if unknown := unknown_data_error(data, [name for name in questions if not name.startswith("_")]):
        raise Refusal(unknown)
    for key, value in data.items():
        kind = questions[key].get("type") if isinstance(questions[key], Mapping) else None
        if kind == "bool" and key not in FIELD_OF and not isinstance(_yaml_or_text(value, key), bool):
            raise Refusal(f"--data {key}: not true or false, {value!r}: write --data {key}=true or {key}=false.")
    if "customize" in data and not isinstance(_yaml_or_text(data["customize"], "customize"), list):
        raise Refusal(
            f"--data customize: not a list, {data['customize']!r}: write the settings to choose as a YAML list, "
            "e.g. --data 'customize=[allow_origins, allow_credentials]'."
        )
    return data


def _yaml_or_text(value: str, question: str) -> Any:
    """A `--data` value as Copier reads a YAML answer; the text itself when it is not YAML."""
    try:
        return load_text(value, ".yml", f"--data {question}").data
    except DataLimitError:
        raise
    except ConfigurationError:
        return value


def new_answers(flags: Mapping[str, Any], data: Mapping[str, str], recommended: Policy) -> dict[str, Any]:
    """The answers `new` gives Copier: its flags' (by the questions table) over `--data`'s, each CORS answer judged by
    the rules first and a refusal naming the flag or `--data` key the person used."""
    answers = answers_from_flags(flags)
    from_data = typed_data(data)
    spelled = {**FLAGS, **{question: f"--data {question}" for question in from_data if question not in answers}}
    if problems := answer_errors({**from_data, **answers}, recommended, spelled):
        raise Refusal(problems[0])
    return {**data, **answers}


def read_answers(project: Path) -> dict[str, Any]:
    """A project's answers file as a mapping; empty when there is none.

    Read within the reading limits before Copier reads it, and refused (`ConfigurationError`, `DataLimitError` past
    the limits) when it is not a YAML mapping whose `_commit` and `_src_path` are text: Copier would stop on it with a
    traceback.
    """
    path = project / ANSWERS_FILE
    if not path.is_file():
        return {}
    loaded = load_file(path).data
    restore = f"restore it from version control (git checkout -- {ANSWERS_FILE}) or answer again with copier copy"
    if not isinstance(loaded, dict):
        held = "nothing" if loaded is None else "a list" if isinstance(loaded, list) else "a single value"
        raise ConfigurationError(f"{path} holds {held}, not a mapping of answers: {restore}.")
    for key in ("_commit", "_src_path"):
        if key in loaded and not isinstance(loaded[key], (str, int, float)):
            raise ConfigurationError(
                f"{path}: {key} is not text but {json.dumps(loaded[key], default=str)}: {restore}."
            )
    return loaded


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
    typed: dict[str, Any] = {}
    kinds = {question.key: question.kind for question in CORS}
    for question, value in data.items():
        if question not in kinds:
            continue
        typed[question] = value if kinds[question] is Kind.REGEX else _yaml_or_text(value, question)
    return typed


def answer_errors(answers: Mapping[str, Any], recommended: Policy, spelled: Mapping[str, str]) -> list[str]:
    """The rules on the CORS answers given (the rest at their recommendation), each naming its flag (`spelled`).

    Run before Copier, so a bad answer is refused in one line before anything is rendered.
    """
    if not any(question in answers for question in FIELD_OF):
        return []
    return [
        problem.sentence(spelled.get(QUESTION_OF[problem.setting], QUESTION_OF[problem.setting]))
        for problem in problems(policy_from_answers(answers, recommended))
    ]


def stored_answer_errors(answers: Mapping[str, Any], recommended: Policy) -> list[str]:
    """Stored answers this release refuses, each naming the answer and the `--data` that replaces it.

    A project made by an older release may hold an answer the rules now refuse; Copier would stop the update with
    a traceback, so `update` says this first.
    """
    answers = current_names(answers)
    stored = {question: answers[question] for question in FIELD_OF if question in answers}
    return [
        f"{problem.sentence(QUESTION_OF[problem.setting])} Update with --data '{QUESTION_OF[problem.setting]}="
        f"{_replacement(problem, stored.get(QUESTION_OF[problem.setting]))}'."
        for problem in problems(policy_from_answers(stored, recommended))
        if QUESTION_OF[problem.setting] in stored
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
        if question in FIELD_OF and isinstance(spec, Mapping) and "default" in spec
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
