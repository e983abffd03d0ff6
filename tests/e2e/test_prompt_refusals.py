"""Every refusal the questionnaire can give, typed at its prompt in an 80-column terminal: what Copier leaves visible
after its prefix (`Validation error for question 'allow_origins': `) says what is wrong on its own.

One Copier session per question, the other questions answered with `--data`; each refused row of the rules table
whose value a person can type at that prompt is typed in turn, and the screen line is read as a person reads it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from fastapi_cors_scaffold.rules.checks import MESSAGES, split_list
from tests.support.table import ROWS, questionnaire_problem
from tests.support.terminal import CLEAR_LINE, COLUMNS, ENTER, Terminal

# The questions whose text prompts run the rules' validators (Copier validates no yes/no prompt), with the words of
# their prompt.
PROMPTS = {
    "allow_origin_regex": "Regex for a family",
    "allow_origins": "Origins allowed",
    "allow_methods": "HTTP methods allowed",
    "allow_headers": "Request headers browser code",
    "expose_headers": "Response headers browser code",
    "max_age": "Seconds a browser",
}
ANSWERED = (
    "project_name=Prompt Check",
    "project_slug=prompt-check",
    "package_name=prompt_check",
    "description=Checks the prompts.",
    "python_version=3.11",
    "docker=false",
    "ci_workflow=false",
    "pre_commit=false",
    "renovate=false",
)


def typed(question: str, value: object) -> str | None:
    """What a person types for `value` at the question's prompt: a regex as it is, a number, a list as comma-separated
    text where the prompt reads that back as the same list, else as a YAML flow list (`["*"]`)."""
    if question == "allow_origin_regex":
        return value if isinstance(value, str) and value and "\n" not in value else None
    if question == "max_age":
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else None
    if not isinstance(value, list) or not all(isinstance(item, str) and item.isprintable() for item in value):
        return None
    text = ", ".join(value)
    try:
        plain = yaml.safe_load(text) == text and split_list(text) == value
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(value)


# Judged by the credentials question's validator, which Copier runs for --data but never at a yes/no prompt (the
# origins prompt, asked first, judges the origins without credentials).
NOT_AT_A_PROMPT = frozenset({"origins.wildcard_credentials"})
Case = tuple[str, str, str]
Session = tuple[str, tuple[str, ...]]


def refused_at_the_prompts() -> dict[Session, list[Case]]:
    """For each prompt (and the credentials answer given beside it, which the exposed headers' rules read), the
    (typed text, first clause Copier shows, rule) of each row the questionnaire refuses there."""
    sessions: dict[Session, dict[str, Case]] = {}
    for row in ROWS:
        question = next((name for name in row.changed if name in PROMPTS), None)
        others = {name: value for name, value in row.changed.items() if name != question}
        if question is None or set(others) - {"allow_credentials"}:
            continue
        problem = questionnaire_problem(row)
        text = typed(question, row.changed[question])
        if problem is None or text is None or problem.setting != question or problem.rule in NOT_AT_A_PROMPT:
            continue
        given = tuple(f"{name}={str(value).lower()}" for name, value in others.items())
        clause = problem.text("x")[len("x: ") :]
        sessions.setdefault((question, given), {}).setdefault(text, (text, clause, problem.rule))
    return {session: list(cases.values()) for session, cases in sessions.items()}


def what_is_wrong(clause: str, rule: str) -> str:
    """The words of the clause before the value: what the rule says is wrong."""
    before = MESSAGES[rule]["text"].removeprefix("{setting}: ").split("{value}")[0]
    pattern = re.sub(r"\\\{[a-z_]+\\\}", ".+?", re.escape(before))
    found = re.match(pattern, clause)
    assert found, (clause, rule)
    return found[0].rstrip()


SESSIONS = refused_at_the_prompts()


def test_every_prompt_is_tried_with_refusals() -> None:
    assert {question for question, _ in SESSIONS} == set(PROMPTS)


@pytest.mark.parametrize("session", SESSIONS, ids=lambda session: " ".join([session[0], *session[1]]))
def test_the_visible_part_of_each_refusal_says_what_is_wrong(session: Session, tmp_path: Path) -> None:
    question, given = session
    prefix = f"Validation error for question '{question}': "
    terminal = Terminal(tmp_path / "service", *ANSWERED, *given, f"customize=[{question}]")
    try:
        terminal.wait_for(PROMPTS[question])
        for text, clause, rule in SESSIONS[session]:
            shown = (prefix + clause)[:COLUMNS]
            terminal.child.send(CLEAR_LINE + text + ENTER)
            terminal.wait_for(shown)
            line = terminal.line_with(prefix)
            words = what_is_wrong(clause, rule)

            assert line.startswith(shown), (text, line)
            assert words, f"{text!r}: the refusal leads with the value, not with what is wrong: {clause!r}"
            assert len(prefix + words) < COLUMNS, f"{text!r}: only {line!r} is visible of {prefix + clause!r}"
    finally:
        terminal.close()
