"""A cross-origin request as page code makes it, and the browser's verdict on it, step by step."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi_cors_scaffold.errors import Refusal
from fastapi_cors_scaffold.fetch.http import (
    Headers,
    Response,
    forbidden_method_reason,
    header_value_problem,
    readable_header,
)
from fastapi_cors_scaffold.rules.checks import is_token, origin_problem
from fastapi_cors_scaffold.rules.findings import Finding

# The rule of a finding about reading a response header, not about reaching the response.
READ_HEADER = "fetch.read_header"
MAX_TIMEOUT = 3600.0  # seconds: an hour is past any answer worth waiting for, and within what sockets take


@dataclass(frozen=True)
class Request:
    """A `fetch()` call made by a page on `origin`; `credentials` is `credentials: "include"`, `read` the response
    headers page code reads, `timeout` the seconds it waits for each answer."""

    url: str
    origin: str
    method: str = "GET"
    headers: Headers = ()
    credentials: bool = False
    read: tuple[str, ...] = ()
    timeout: float = 10.0


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


def request_from_flags(
    url: str,
    origin: str,
    method: str,
    header_lines: Iterable[str],
    credentials: bool,
    read: Iterable[str],
    timeout: float,
) -> Request:
    """The request `check` is asked about, refused in one sentence when no page could make it as given."""
    refuse_origin(origin)
    if not is_token(method):
        raise Refusal(f"--method {method!r} is not an HTTP method name, e.g. GET, POST, PUT, PATCH.")
    if reason := forbidden_method_reason(method):
        raise Refusal(f"--method {method}: {reason}; no page can send it.")
    refuse_timeout(timeout)
    for name in read:
        if not is_token(name):
            raise Refusal(f"--read-header {name!r} is not a header name, e.g. X-Total-Count.")
    headers = tuple(_header_pair(line) for line in header_lines)
    return Request(url, origin, method, headers, credentials, tuple(read), timeout)


def refuse_origin(origin: str) -> None:
    """--origin is an origin as browsers send it, or 'null'."""
    if origin != "null" and (problem := origin_problem(origin, "--origin")):
        raise Refusal(f"{problem.sentence().rstrip('.')}; 'null' is accepted too (sandboxed iframes, file: pages).")


def refuse_url(url: str) -> None:
    """A URL the standard library cannot split (an unclosed `[`, a port out of range) is refused before any request."""
    try:
        urlsplit(url).port  # noqa: B018 - reading the port is what validates it
    except ValueError as error:
        raise Refusal(f"{url!r} is not a URL ({error}), e.g. http://localhost:8000/home.") from None


def refuse_timeout(timeout: float) -> None:
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise Refusal(f"--timeout {timeout:g} is not a number of seconds above 0 and up to {MAX_TIMEOUT:g}, e.g. 10.")


def _header_pair(raw: str) -> tuple[str, str]:
    """'Name: value' from --header; a bare name gets a dummy value (only Content-Type's value decides anything)."""
    name, colon, value = raw.partition(":")
    name = name.strip()
    if not is_token(name):
        raise Refusal(f"--header {raw!r} is not 'Name: value', e.g. 'Content-Type: application/json'.")
    value = value.strip() if colon else "1"
    if problem := header_value_problem(value):
        raise Refusal(f"--header {raw!r}: {problem}")
    return name, value
