"""What the readers of `audit` produce: CORS configurations, each setting with the place its value comes from, and
the app each one belongs to (its middleware in the order Starlette runs it, its WebSocket routes).

A value the readers cannot work out statically is an `Unknown` that says where it comes from, never a guess.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi_cors_scaffold.rules.policy import STARLETTE_KEYWORDS, Policy

POLICY_FIELDS = STARLETTE_KEYWORDS
STARLETTE_DEFAULTS = Policy()
SHOWN_LENGTH = 200


def shown(value: Any) -> str:
    """A value as code writes it, cut to a readable length however large it is (a list of 10,000 origins)."""
    return _SHOWN.repr(value)


def _cutting_repr() -> reprlib.Repr:
    cutting = reprlib.Repr()
    cutting.maxlevel = 3
    cutting.maxlist = cutting.maxtuple = cutting.maxset = cutting.maxfrozenset = cutting.maxdict = 12
    cutting.maxstring, cutting.maxother = SHOWN_LENGTH, 80
    return cutting


_SHOWN = _cutting_repr()


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
class Layer:
    """One middleware of an app: its name as written, where it is added, and what it is known to do.

    `cors` marks a CORSMiddleware; `origin_check` one that refuses WebSocket handshakes from untrusted origins.
    """

    name: str
    file: Path
    line: int
    cors: bool = False
    origin_check: bool = False


@dataclass(frozen=True)
class WebSocketRoute:
    """A WebSocket route and whether its handler (or a dependency it declares) refuses untrusted origins.

    `origin_check` is None when that cannot be read (a dependency defined out of reach): never judged.
    """

    path: str
    handler: str
    file: Path
    line: int
    origin_check: bool | None


@dataclass(frozen=True)
class App:
    """A FastAPI or Starlette app: `layers` outermost first, as Starlette runs them (wrappers around the built
    stack, then the last `add_middleware`, ..., then the constructor's list in its order)."""

    name: str
    file: Path
    line: int
    layers: tuple[Layer, ...] = ()
    websockets: tuple[WebSocketRoute, ...] = ()

    def runs_before(self, cors: Layer) -> tuple[Layer, ...]:
        """The middleware outside `cors`, which answer a preflight before CORS can add its headers."""
        return self.layers[: self.layers.index(cors)] if cors in self.layers else ()

    @property
    def origin_guard(self) -> Layer | None:
        return next((layer for layer in self.layers if layer.origin_check), None)


@dataclass(frozen=True)
class Configuration:
    """One CORS configuration: where it is, how it is written, the settings it gives and what the others default to.

    `informational` marks a settings class whose defaults the environment may replace: shown, never judged.
    `answers` marks a Copier answers file, whose lists are read the way the template reads them.
    `environment_overrides` marks values that are defaults the environment replaces (a generated Settings class), so
    values given on the command line replace them too. `keywords` are CORSMiddleware keywords outside the policy
    (`allow_private_network`, misspellings), `parameters` those it takes in the Starlette the project runs;
    `positional_order` says which Starlette's parameter order positional
    arguments were read in; `app` is the app the configuration belongs to, when it was found.
    """

    file: Path
    line: int | None
    kind: str
    settings: tuple[Setting, ...]
    defaults: Policy = STARLETTE_DEFAULTS
    informational: bool = False
    answers: bool = False
    environment_overrides: bool = False
    keywords: tuple[Setting, ...] = ()
    parameters: tuple[str, ...] = ()
    positional_order: str | None = None
    app: App | None = None
    layer: Layer | None = None

    @property
    def source(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where} ({self.kind})"


@dataclass(frozen=True)
class Reading:
    """What a run read: the configurations, and notes on files that were skipped."""

    configurations: list[Configuration]
    notes: list[str]
