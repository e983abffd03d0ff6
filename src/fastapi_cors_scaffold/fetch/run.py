"""`check` as one call: the flags become a request (a `fetch()` or a WebSocket, by the URL's scheme), the request is
sent, the attacker origins tried with `--scan`, Chromium asked with `--browser`; what comes back decides the exit
status. The command line only parses and prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi_cors_scaffold.errors import Refusal
from fastapi_cors_scaffold.fetch import probe
from fastapi_cors_scaffold.fetch.chromium import Seen, run_once
from fastapi_cors_scaffold.fetch.effect import Effect, effect_of
from fastapi_cors_scaffold.fetch.handshake import SocketVerdict, is_socket_url, socket_request_from_flags
from fastapi_cors_scaffold.fetch.scan import Grant, Opening, strangers
from fastapi_cors_scaffold.fetch.verdict import Verdict, refuse_url, request_from_flags


@dataclass(frozen=True)
class Checked:
    """A `fetch()` judged, what it did on the server, and the scan and Chromium's verdict when asked for."""

    verdict: Verdict
    grants: list[Grant] | None = None
    seen: Seen | None = None

    @property
    def effect(self) -> Effect | None:
        return effect_of(self.verdict)

    @property
    def failed(self) -> bool:
        """Exit status 1: the page is blocked, or a stranger's origin is trusted."""
        return not self.verdict.allowed or bool(self.grants and strangers(self.grants))


@dataclass(frozen=True)
class SocketChecked:
    """A WebSocket handshake judged, and the attacker origins tried against it when asked for."""

    verdict: SocketVerdict
    openings: list[Opening] | None = None

    @property
    def failed(self) -> bool:
        """Exit status 1: the page cannot open the socket, or a stranger's page can."""
        return not self.verdict.allowed or bool(self.openings and strangers(self.openings))


def run_check(
    url: str,
    origin: str,
    *,
    method: str = "GET",
    header_lines: Sequence[str] = (),
    credentials: bool = False,
    read: Sequence[str] = (),
    timeout: float = 10.0,
    scan: bool = False,
    browser: bool = False,
) -> Checked | SocketChecked:
    """Everything `check URL --origin ORIGIN` asks, refused in one sentence before any request when it cannot be."""
    refuse_url(url)
    if scan and origin == "null":
        raise Refusal("--scan derives attacker origins from the host of the origin you trust, and 'null' has none.")
    if is_socket_url(url):
        socket = socket_request_from_flags(url, origin, method, header_lines, read, timeout, browser=browser)
        return SocketChecked(probe.open_socket(socket), probe.scan_socket(socket) if scan else None)
    request = request_from_flags(url, origin, method, header_lines, credentials, read, timeout)
    seen = run_once(request) if browser else None
    verdict = probe.check(request)
    return Checked(verdict, probe.scan(url, origin, timeout=timeout) if scan else None, seen)
