"""A WebSocket a page opens, and whether the server lets it: browsers apply no CORS to WebSockets.

`new WebSocket(url)` sends a GET handshake with `Origin` and the user's cookies; no preflight asks first, and the
browser checks nothing in the answer about the origin. A `101 Switching Protocols` is an open socket the page talks
through as the user, even if the server closes it right after; only an `Origin` check before accept (an HTTP 403)
keeps a page out. That is cross-site WebSocket hijacking. Pure: `probe` sends the handshake.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi_cors_scaffold.errors import Refusal
from fastapi_cors_scaffold.fetch.http import REDIRECT_STATUSES, Headers, normalize_method
from fastapi_cors_scaffold.fetch.verdict import refuse_origin, refuse_timeout

SOCKET_SCHEMES = frozenset({"ws", "wss"})
NO_CORS_NOTE = (
    "Browsers apply no CORS to WebSockets and send the user's cookies with every handshake, so only the server's "
    "Origin check decides (check sends no cookies)."
)
SOCKET_FIX = (
    "Check the Origin header before accept(): close the handshake before accepting it (an HTTP 403) unless the "
    "origin is one you trust or the service's own."
)


@dataclass(frozen=True)
class SocketRequest:
    """`new WebSocket(url)` in a page on `origin`; `timeout` is the seconds the handshake may take."""

    url: str
    origin: str
    timeout: float = 10.0


@dataclass(frozen=True)
class Handshake:
    """The server's answer to a handshake. `error`: why a client refuses an answer that is not a valid upgrade
    (the browser fails the connection then, whatever the status)."""

    status: int
    headers: Headers = ()
    body: str = ""
    error: str | None = None

    @property
    def opened(self) -> bool:
        return self.status == 101 and self.error is None


@dataclass(frozen=True)
class SocketVerdict:
    """What a page on the request's origin gets: an open socket or a refused handshake, and why."""

    request: SocketRequest
    sent: Headers
    answer: Handshake

    @property
    def allowed(self) -> bool:
        return self.answer.opened

    @property
    def summary(self) -> str:
        origin = self.request.origin
        if self.allowed:
            return f"A page on {origin} can open this socket."
        return f"A page on {origin} cannot open this socket: {refusal_reason(self.answer)}."


def is_socket_url(url: str) -> bool:
    return urlsplit(url).scheme.lower() in SOCKET_SCHEMES


def refusal_reason(answer: Handshake) -> str:
    """Why a browser ends up without a socket, in the server's terms."""
    status = answer.status
    if answer.error is not None:
        return f"the answer is not a valid WebSocket handshake ({answer.error})"
    if status == 403:
        return "the server refused the handshake (403) before accepting it"
    if status == 404:
        return "nothing answers a WebSocket at this URL (404)"
    if status in REDIRECT_STATUSES:
        return f"the server redirected the handshake ({status}), and browsers never follow a WebSocket redirect"
    return f"the server answered {status}, not 101 Switching Protocols"


def socket_request_from_flags(
    url: str,
    origin: str,
    method: str,
    header_lines: Iterable[str],
    read: Iterable[str],
    timeout: float,
    *,
    browser: bool,
) -> SocketRequest:
    """The handshake `check` is asked about; options a page cannot use with a WebSocket are refused in one sentence.
    `--credentials` is accepted: browsers send cookies with every handshake, so it only says what is always true."""
    refuse_origin(origin)
    refuse_timeout(timeout)
    if normalize_method(method) != "GET":
        raise Refusal(f"--method {method}: a WebSocket handshake is always a GET; leave --method out for a ws:// URL.")
    if list(header_lines):
        raise Refusal(
            "--header: a page cannot set headers on a WebSocket handshake (new WebSocket() takes only the URL and "
            "subprotocols); leave it out for a ws:// URL."
        )
    if list(read):
        raise Refusal(
            "--read-header: page code never sees a WebSocket handshake's response headers; leave it out for a "
            "ws:// URL."
        )
    if browser:
        raise Refusal(
            "--browser: browsers apply no CORS to a WebSocket, so Chromium opens whatever the server accepts and "
            "check's handshake already shows it; leave --browser out for a ws:// URL."
        )
    return SocketRequest(url, origin, timeout)
