"""Template-owned (fastapi-cors-scaffold): the cross-origin guard. `copier update` replaces this file; do not edit it.

CORS decides what a page on another site may read, not what reaches the service: a form or `text/plain` POST from
any site runs with the user's cookies, and browsers apply no CORS to WebSockets. The guard refuses what a browser
sends from a site the CORS policy does not trust before the application sees it: an unsafe request, decided as Go's
`net/http.CrossOriginProtection` decides (`Sec-Fetch-Site`, or else `Origin` against `Host`), and a WebSocket
handshake, by its `Origin`. Trust is the CORS layer's own (`checks.origin_trust`), from the same settings.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from .checks import Problem, origin_trust

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What browsers send for the service's own pages, and for a request the user made by hand (a typed URL, a bookmark).
FIRST_PARTY_SITES = frozenset({"same-origin", "none"})
CROSS_SITE = "Cross-origin request refused: it comes from a site this service does not trust."
FOREIGN_ORIGIN = "Cross-origin request refused: its Origin is neither this service nor a site it trusts."
FOREIGN_SOCKET = "Cross-origin WebSocket refused: its Origin is neither this service nor a site it trusts."
BODIES = {reason: json.dumps({"detail": reason}).encode() for reason in (CROSS_SITE, FOREIGN_ORIGIN, FOREIGN_SOCKET)}

logger = logging.getLogger(__name__)


def exempt_paths_problems(paths: Sequence[str], setting: str = "cross_origin_exempt_paths") -> list[Problem]:
    """Exempt paths are absolute path prefixes that end at a segment boundary (`/auth` covers `/auth/apple`, not
    `/authors`); `/` alone would turn the guard off, and a query, wildcard or trailing slash never matches."""
    problems = []
    for path in paths:
        bare = re.split(r"[?#*]", path)[0].rstrip("/")
        suggestion = {"suggestion": f"'{bare}'"}
        if not path.startswith("/"):
            problems.append(Problem(setting, path, "exempt.relative"))
        elif not bare:
            problems.append(Problem(setting, path, "exempt.root"))
        elif "?" in path or "#" in path:
            problems.append(Problem(setting, path, "exempt.query", suggestion))
        elif "*" in path:
            problems.append(Problem(setting, path, "exempt.wildcard", suggestion))
        elif path.endswith("/"):
            problems.append(Problem(setting, path, "exempt.trailing_slash", suggestion))
    return problems


class CrossOriginGuard:
    """ASGI middleware: a browser's unsafe request or WebSocket handshake from a site the policy does not trust gets
    403 and a one-line JSON body, and one warning in the log; the application never sees it. With `enabled` false
    (the service's setting turns the guard off) it passes everything through.

    Everything that does not depend on the request is worked out here, once, so a request costs a few lookups.
    """

    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Sequence[str] = (),
        allow_origin_regex: str | None = None,
        exempt_paths: Sequence[str] = (),
        enabled: bool = True,
    ) -> None:
        self.app = app
        self.enabled = enabled
        self.trusted = origin_trust(allow_origins, allow_origin_regex)
        self.exempt_paths = frozenset(exempt_paths)
        self.exempt_parents = tuple(f"{path}/" for path in exempt_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if not self.enabled or kind not in ("http", "websocket") or scope.get("method") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            headers.setdefault(name, value)  # the first of repeated headers counts, as for Starlette and Go
        origin = _text(headers.get(b"origin"))
        # A trusted origin passes every check, so a trusted front end's request is decided in one lookup.
        reason = None if origin is not None and self.trusted(origin) else self._reason(scope, headers, origin)
        if reason is None:
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "WebSocket")
        logger.warning("Refused cross-origin %s %r from Origin %r", method, scope["path"], origin)
        if kind == "http":
            await _deny(send, reason)
        else:
            await _deny_handshake(scope, receive, send, reason)

    def _reason(self, scope: Scope, headers: dict[bytes, bytes], origin: str | None) -> str | None:
        host = _text(headers.get(b"host"))
        if scope["type"] == "websocket":
            return self.handshake_refusal(origin, host)
        return self.refusal(scope["method"], _route_path(scope), _text(headers.get(b"sec-fetch-site")), origin, host)

    def refusal(self, method: str, path: str, site: str | None, origin: str | None, host: str | None) -> str | None:
        """Why an HTTP request is refused, or None: Go's `CrossOriginProtection.Check`, trusting what CORS trusts.

        Without `Sec-Fetch-Site` (browsers before 2023, and clients that are not browsers) the `Origin` decides: none
        means same-origin or not a browser, and one whose host is the `Host` is the service's own.
        """
        if method in SAFE_METHODS:
            return None
        if site is not None:
            if site in FIRST_PARTY_SITES:
                return None
            reason = CROSS_SITE
        elif origin is None or _same_host(origin, host):
            return None
        else:
            reason = FOREIGN_ORIGIN
        if self.is_exempt(path) or (origin is not None and self.trusted(origin)):
            return None
        return reason

    def handshake_refusal(self, origin: str | None, host: str | None) -> str | None:
        """Why a WebSocket handshake is refused, or None. Browsers send `Origin` on every handshake, so one without
        it is not a browser. Exempt paths do not apply: a socket is opened by script, never by another site's form."""
        if origin is None or _same_host(origin, host) or self.trusted(origin):
            return None
        return FOREIGN_SOCKET

    def is_exempt(self, path: str) -> bool:
        return path in self.exempt_paths or path.startswith(self.exempt_parents)


def _route_path(scope: Scope) -> str:
    """The path as the app's routes see it: without the `root_path` a proxy's prefix puts in front (`--root-path`)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(f"{root}/") else path


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


def _same_host(origin: str, host: str | None) -> bool:
    """The `Origin`'s host and port are the `Host` (the scheme is not compared: `Host` has none, as in Go)."""
    return bool(host) and origin.partition("://")[2] == host


def _response_start(reason: str) -> Message:
    body = BODIES[reason]
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {"status": 403, "headers": headers}


async def _deny(send: Send, reason: str) -> None:
    await send({"type": "http.response.start", **_response_start(reason)})
    await send({"type": "http.response.body", "body": BODIES[reason]})


async def _deny_handshake(scope: Scope, receive: Receive, send: Send, reason: str) -> None:
    """A 403 answer to the handshake where the server can send one, else a close before accept (which servers such
    as uvicorn answer with a bare 403): never a 101, which would open the socket to the page."""
    if (await receive())["type"] != "websocket.connect":
        return
    if "websocket.http.response" in (scope.get("extensions") or {}):
        await send({"type": "websocket.http.response.start", **_response_start(reason)})
        await send({"type": "websocket.http.response.body", "body": BODIES[reason]})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": reason})
