"""The template's questions, one row each: the Copier key, `new`'s flag (with its help), the `Policy` field and the
environment variable of the generated service, and the kind of answer; and how answers become a `Policy`.

Every mapping between these names (the commands' options, flags to answers, answers to a policy, the flag an error
names) is derived from this table, so a question is added or renamed in one row. Tests hold copier.yml, the CLI
reference (docs/cli.md) and the generated settings to it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from fastapi_cors_scaffold.rules.checks import split_list
from fastapi_cors_scaffold.rules.policy import Policy

Answer = TypeVar("Answer")

# Where Copier keeps a project's answers (copier.yml's `_answers_file`): what marks a generated project.
ANSWERS_FILE = ".copier-answers.yml"


class Kind(StrEnum):
    """How an answer is written on the command line and read by the template."""

    TEXT = "text"
    LIST = "list"  # a repeatable flag, each value split on commas
    REGEX = "regex"  # text, where '' means none
    BOOL = "bool"  # --flag/--no-flag
    INT = "int"


@dataclass(frozen=True)
class Question:
    """One question of copier.yml. `flag` is `new`'s option (None: answered with --data only), with its `help`, the
    `metavar` naming its value and a `short` alias; a question with a `field` is a CORS setting, which `lint` takes
    too, and the service reads from `<PACKAGE>_<variable>`."""

    key: str
    kind: Kind
    flag: str | None = None
    field: str | None = None
    variable: str | None = None
    formerly: str | None = None
    help: str = ""
    metavar: str | None = None
    short: str | None = None

    @property
    def parameter(self) -> str | None:
        """The name of the command's parameter for `flag`, as Typer derives it."""
        return self.flag.removeprefix("--").replace("-", "_") if self.flag else None

    @property
    def setting(self) -> str | None:
        """The generated service's Settings field: `cors_` and the `Policy` field, so each reads as a CORS setting."""
        return f"cors_{self.field}" if self.field else None

    @property
    def spelled(self) -> str | None:
        """The flag as help and error messages write it: a yes/no question with its negation."""
        if self.flag and self.kind is Kind.BOOL:
            return f"{self.flag}/--no-{self.flag.removeprefix('--')}"
        return self.flag


QUESTIONS = (
    Question("project_name", Kind.TEXT, "--name", help="Human name of the service.", metavar="TEXT"),
    Question("project_slug", Kind.TEXT, "--slug", help="Distribution name, e.g. billing-api.", metavar="SLUG"),
    Question("package_name", Kind.TEXT, "--package", help="Python package name, e.g. billing_api.", metavar="PACKAGE"),
    Question("description", Kind.TEXT, "--description", help="One line on what it does.", metavar="TEXT"),
    Question("python_version", Kind.TEXT, "--python", help="Lowest Python version: 3.11 to 3.14.", metavar="VERSION"),
    Question(
        "customize",
        Kind.LIST,
        "--customize",
        help="A CORS question to ask even though no flag answers it; repeatable.",
        metavar="QUESTION",
    ),
    Question(
        "allow_origins",
        Kind.LIST,
        "--origin",
        "allow_origins",
        "CORS_ALLOW_ORIGINS",
        formerly="allowed_origins",
        help="Allowed origin, scheme://host[:port]; repeat or separate with commas.",
        metavar="ORIGIN",
        short="-o",
    ),
    Question(
        "allow_origin_regex",
        Kind.REGEX,
        "--regex",
        "allow_origin_regex",
        "CORS_ALLOW_ORIGIN_REGEX",
        help="allow_origin_regex, fullmatched against the Origin ('' for none).",
        metavar="REGEX",
    ),
    Question(
        "allow_credentials",
        Kind.BOOL,
        "--credentials",
        "allow_credentials",
        "CORS_ALLOW_CREDENTIALS",
        help="Allow cookies and HTTP authentication.",
    ),
    Question(
        "allow_methods",
        Kind.LIST,
        "--method",
        "allow_methods",
        "CORS_ALLOW_METHODS",
        help="Allowed method, or '*'; repeatable.",
        metavar="METHOD",
        short="-m",
    ),
    Question(
        "allow_headers",
        Kind.LIST,
        "--header",
        "allow_headers",
        "CORS_ALLOW_HEADERS",
        help="Allowed request header, or '*'; repeatable.",
        metavar="HEADER",
    ),
    Question(
        "expose_headers",
        Kind.LIST,
        "--expose-header",
        "expose_headers",
        "CORS_EXPOSE_HEADERS",
        help="Response header page code may read; repeatable.",
        metavar="HEADER",
    ),
    Question(
        "max_age",
        Kind.INT,
        "--max-age",
        "max_age",
        "CORS_MAX_AGE",
        help="Seconds browsers may cache a preflight (0-86400).",
        metavar="SECONDS",
    ),
    Question(
        "cross_origin_protection",
        Kind.BOOL,
        "--cross-origin-protection",
        "cross_origin_protection",
        "CROSS_ORIGIN_PROTECTION",
        help="Refuse forged requests and WebSockets from sites the policy does not trust.",
    ),
    Question("min_fastapi", Kind.TEXT),
    Question("min_uvicorn", Kind.TEXT),
    Question("min_pydantic_settings", Kind.TEXT),
    Question("docker", Kind.BOOL, "--docker", help="Add a Dockerfile."),
    Question("ci_workflow", Kind.BOOL, "--ci", help="Add a GitHub Actions workflow."),
    Question("pre_commit", Kind.BOOL, "--pre-commit", help="Add a pre-commit configuration."),
    Question("renovate", Kind.BOOL, "--renovate", help="Add a renovate.json for template updates."),
)

CORS = tuple(question for question in QUESTIONS if question.field)
# The questions `new` answers with a flag of its own.
FLAGGED = tuple(question for question in QUESTIONS if question.flag)
# Question name -> field of `Policy` (Starlette's keyword argument), and back.
FIELD_OF = {question.key: question.field for question in CORS if question.field}
QUESTION_OF = {field: key for key, field in FIELD_OF.items()}
# Question name -> the `new` flag that answers it, to name the flag in error messages.
FLAGS = {question.key: question.spelled for question in QUESTIONS if question.spelled}
# Old question name -> its new name: answers files written by earlier releases still hold the old one.
RENAMED = {question.formerly: question.key for question in QUESTIONS if question.formerly}


def answers_from_flags(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The answers `new`'s flags give, by question, from its parameters; a flag left out is no answer, so
    the setting is not pinned."""
    return {
        question.key: _from_flag(question, parameters[question.parameter])
        for question in QUESTIONS
        if question.parameter and _given(parameters.get(question.parameter))
    }


def overrides_from_flags(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The `Policy` fields `lint`'s flags give, from its parameters: lists as tuples, `--regex ''` as no regex."""
    overrides: dict[str, Any] = {}
    for question in CORS:
        value: Any = parameters.get(question.parameter or "")
        if not _given(value) or not question.field:
            continue
        if question.kind is Kind.LIST:
            overrides[question.field] = tuple(split_items(value))
        elif question.kind is Kind.REGEX:
            overrides[question.field] = value or None
        else:
            overrides[question.field] = value
    return overrides


def split_items(values: Iterable[str]) -> list[str]:
    """Repeated flags and comma-separated lists alike, split and trimmed as the prompt and the environment do."""
    return [item for value in values for item in split_list(value)]


def _given(value: Any) -> bool:
    """Whether the flag was given: click holds a repeatable flag left out as (), any other as None."""
    return value is not None and value != ()


def _from_flag(question: Question, value: Any) -> Any:
    return split_items(value) if question.kind is Kind.LIST else value


def as_list(value: Any) -> tuple[str, ...]:
    """A list answer as the template reads it: a string is split on commas, like its `as_list` macro."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(split_list(value))
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return (str(value),)


def current_names(answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """Answers under the questions' current names (an answer under the new name wins over one under the old)."""
    renamed = {RENAMED[key]: value for key, value in answers.items() if key in RENAMED}
    return {**renamed, **{key: value for key, value in answers.items() if key not in RENAMED}}


def policy_from_answers(answers: Mapping[str, Any], recommended: Policy) -> Policy:
    """The policy a project runs with: its answers where given, the template's recommendation elsewhere.

    Values are converted only as Copier would convert them; any other value is kept as written, for the rules to
    refuse it in a sentence (`max_age=abc` is not a whole number) instead of a traceback here.
    """
    answers = current_names(answers)
    fields: dict[str, Any] = {}
    for question in CORS:
        if question.key not in answers or not question.field:
            continue
        value = answers[question.key]
        if question.kind is Kind.REGEX:
            fields[question.field] = str(value) if value else None
        elif question.kind is Kind.BOOL:
            fields[question.field] = bool(value) if isinstance(value, int) and value in (0, 1) else value
        elif question.kind is Kind.INT:
            whole = isinstance(value, str) and value.strip().isdecimal()
            fields[question.field] = int(value) if whole else value
        else:
            fields[question.field] = as_list(value)
    policy = dataclasses.replace(recommended, **fields)
    if "allow_credentials" not in fields:
        policy = dataclasses.replace(policy, allow_credentials=unasked_credentials(policy))
    return policy


def unasked_credentials(policy: Policy) -> bool:
    """Credentials when no answer gives them, as copier.yml's default: the recommendation, but off with "*" among
    the origins (the questionnaire does not ask then, and browsers refuse the two together)."""
    return policy.allow_credentials and "*" not in policy.allow_origins
