"""What the readers of `audit` produce: CORS configurations, each setting with the place its value comes from.

A value the readers cannot work out statically is an `Unknown` that says where it comes from, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.rules.policy import STARLETTE_KEYWORDS, Policy

POLICY_FIELDS = STARLETTE_KEYWORDS
STARLETTE_DEFAULTS = Policy()


@dataclass(frozen=True)
class Unknown:
    """A value not read statically: `comes_from` says what it depends on (settings, environment, an import...).

    `known` holds the items that were read of a list whose other items were not, so they can still be judged.
    """

    comes_from: str
    known: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Setting:
    """One value as written: `name` is Starlette's keyword (or a settings field), `value` a Python value or Unknown."""

    name: str
    value: Any
    line: int | None = None
    expression: str | None = None


@dataclass(frozen=True)
class Configuration:
    """One CORS configuration: where it is, how it is written, the settings it gives and what the others default to.

    `informational` marks a settings class whose defaults the environment may replace: shown, never judged.
    `answers` marks a Copier answers file, whose lists are read the way the template reads them.
    `environment_overrides` marks values that are defaults the environment replaces (a generated Settings class), so
    values given on the command line replace them too.
    """

    file: Path
    line: int | None
    kind: str
    settings: tuple[Setting, ...]
    defaults: Policy = STARLETTE_DEFAULTS
    informational: bool = False
    answers: bool = False
    environment_overrides: bool = False

    @property
    def source(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where} ({self.kind})"


@dataclass(frozen=True)
class Reading:
    """What a run read: the configurations, and notes on files that were skipped."""

    configurations: list[Configuration]
    notes: list[str]
