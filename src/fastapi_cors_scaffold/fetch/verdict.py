"""A cross-origin request as page code makes it, and the browser's verdict on it, step by step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi_cors_scaffold.fetch.http import Headers, Response, readable_header
from fastapi_cors_scaffold.rules.findings import Finding

# The rule of a finding about reading a response header, not about reaching the response.
READ_HEADER = "fetch.read_header"


@dataclass(frozen=True)
class Request:
    """A `fetch()` call made by a page on `origin`; `credentials` is `credentials: "include"`."""

    url: str
    origin: str
    method: str = "GET"
    headers: Headers = ()
    credentials: bool = False
    read: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One request the browser sends and what it makes of the answer."""

    kind: str
    method: str
    url: str
    sent: Headers
    response: Response
    problems: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Verdict:
    """Every step of one cross-origin request, and whether the page gets to read the response."""

    request: Request
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return bool(self.steps) and all(step.passed for step in self.steps)

    @property
    def problem(self) -> Finding | None:
        return next((problem for step in self.steps for problem in step.problems), None)

    @property
    def preflighted(self) -> bool:
        return any(step.kind == "preflight" for step in self.steps)

    @property
    def all_notes(self) -> list[str]:
        """The verdict's notes and every step's, each once: a redirect loop repeats the same remarks."""
        return list(dict.fromkeys([*self.notes, *(note for step in self.steps for note in step.notes)]))

    @property
    def readable(self) -> dict[str, str | None]:
        """The value page code gets for each header of `request.read` from the final answer (None: it cannot)."""
        reached = all(problem.rule == READ_HEADER for step in self.steps for problem in step.problems)
        if not self.steps or not reached:
            return dict.fromkeys(self.request.read)
        final = self.steps[-1].response
        return {name: readable_header(name, self.request.credentials, final) for name in self.request.read}


Send = Callable[[str, str, Headers], Response]
