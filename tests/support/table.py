"""The table of CORS rules (tests/data/cors_rules.toml), loaded the same way by every test of a door."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from fastapi_cors_scaffold.rules import checks
from tests.support.paths import DATA

TABLE = DATA / "cors_rules.toml"
SETTINGS = (
    "allow_origins",
    "allow_origin_regex",
    "allow_credentials",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "max_age",
    "cross_origin_protection",
)


@dataclass(frozen=True)
class Row:
    """A whole policy (the base with the row's changes), the rule that refuses it, and who can decide it: when only
    Python can (`python_only`), the questionnaire accepts the row, or names the `questionnaire` rule, a later problem
    of the same row that its text shows."""

    settings: dict[str, Any]
    changed: dict[str, Any]
    rule: str | None
    production: str | None
    python_only: bool
    warns_in_development: bool = False
    questionnaire: str | None = None

    @property
    def id(self) -> str:
        return " ".join(f"{name}={value!r}" for name, value in self.changed.items())

    def production_rule(self) -> str | None:
        return self.rule or self.production


def load_rows() -> list[Row]:
    table = _load()
    rows = []
    for raw in table["row"]:
        changed = {name: raw[name] for name in SETTINGS if name in raw}
        rows.append(
            Row(
                settings={**table["base"], **changed},
                changed=changed,
                rule=raw.get("rule"),
                production=raw.get("production"),
                python_only=raw.get("decided_by") == "python",
                warns_in_development=raw.get("development") == "warns",
                questionnaire=raw.get("questionnaire"),
            )
        )
    return rows


@dataclass(frozen=True)
class ExemptRow:
    """Paths for the cross-origin guard to exempt, and the rule that refuses them (None: accepted)."""

    paths: list[str]
    rule: str | None


@dataclass(frozen=True)
class TrustRow:
    """Whether the policy (the base's origins and regex, as the row changes them) trusts `origin`."""

    allow_origins: list[str]
    allow_origin_regex: str | None
    origin: str
    trusted: bool


def _load() -> dict[str, Any]:
    with TABLE.open("rb") as file:
        return tomllib.load(file)


def load_exempt_rows() -> list[ExemptRow]:
    return [ExemptRow(raw["paths"], raw.get("rule")) for raw in _load()["exempt"]]


def load_trust_rows() -> list[TrustRow]:
    table = _load()
    policy = {name: table["base"][name] for name in ("allow_origins", "allow_origin_regex")}
    return [
        TrustRow(
            raw.get("allow_origins", policy["allow_origins"]),
            raw.get("allow_origin_regex", policy["allow_origin_regex"]) or None,
            raw["origin"],
            raw["trusted"],
        )
        for raw in table["trust"]
    ]


ROWS = load_rows()
EXEMPT_ROWS = load_exempt_rows()
TRUST_ROWS = load_trust_rows()
VALID_ORIGINS = [
    row.changed["allow_origins"][0]
    for row in ROWS
    if list(row.changed) == ["allow_origins"] and row.rule is None and len(row.changed["allow_origins"]) == 1
]
INVALID_ORIGINS = [
    row.changed["allow_origins"][1]
    for row in ROWS
    if list(row.changed) == ["allow_origins"]
    and row.rule
    and row.rule.startswith("origin.")
    and row.rule != "origin.duplicate"
    and len(row.changed["allow_origins"]) == 2
]
IDS = [row.id for row in ROWS]


def all_problems(row: Row) -> list[checks.Problem]:
    """Every refusal the package's rules give the row's whole policy, the first first."""
    settings = {**row.settings, "allow_origin_regex": row.settings["allow_origin_regex"] or None}
    return checks.policy_problems(**settings)


def first_problem(row: Row) -> checks.Problem | None:
    """The first refusal the package's rules give the row's whole policy, or None."""
    problems = all_problems(row)
    return problems[0] if problems else None


def questionnaire_problem(row: Row) -> checks.Problem | None:
    """The refusal the questionnaire gives the row: the first, a later one it can see, or none (only Python can)."""
    if row.questionnaire:
        return next(problem for problem in all_problems(row) if problem.rule == row.questionnaire)
    return None if row.python_only else first_problem(row)
