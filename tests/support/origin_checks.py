"""Servers with one origin check each, sound or flawed the way real ones are, for `check --scan`: the same decision
answers CORS on `GET /data` (reflecting the origin with credentials when it passes) and WebSocket handshakes on `/ws`
(accepted when it passes, closed before accept, an HTTP 403, when not). Each names the attacker kinds `--scan`
must report as let in; an empty set is a server `--scan` must pass."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

TRUSTED = "https://victim.example"


def _host_inside_trusted(origin: str) -> bool:
    host = urlsplit(origin).hostname
    return origin.startswith("https://") and bool(host) and host in "victim.example"


@dataclass(frozen=True)
class OriginCheck:
    """An origin check, the attacker kinds it lets in, and whether it answers `*` (no credentials) to everyone."""

    name: str
    accepts: Callable[[str], bool]
    lets_in: frozenset[str]
    wildcard: bool = False


EVERY_STRANGER = frozenset(
    {
        "arbitrary",
        "null",
        "prefix",
        "suffix",
        "substring",
        "other-tld",
        "unescaped-dot",
        "http",
        "http-subdomain",
        "special-character",
        "third-party",
    }
)

CHECKS = [
    OriginCheck("reflect-any", lambda origin: True, EVERY_STRANGER),
    OriginCheck("null", lambda origin: origin in (TRUSTED, "null"), frozenset({"null"})),
    # startswith() is fooled by any character after the host too, as every prefix check is.
    OriginCheck("prefix", lambda origin: origin.startswith(TRUSTED), frozenset({"prefix", "special-character"})),
    OriginCheck(
        "suffix", lambda origin: bool(re.fullmatch(r"https://.*victim\.example", origin)), frozenset({"suffix"})
    ),
    OriginCheck("substring", _host_inside_trusted, frozenset({"substring"})),
    OriginCheck(
        "unescaped-dot",
        lambda origin: bool(re.fullmatch(r"https://victim.example", origin)),
        frozenset({"unescaped-dot"}),
    ),
    OriginCheck(
        "http-subdomain",
        lambda origin: bool(re.fullmatch(r"https://victim\.example|https?://[a-z0-9-]+\.victim\.example", origin)),
        frozenset({"http-subdomain"}),
    ),
    OriginCheck(
        "third-party",
        lambda origin: (
            origin in (TRUSTED, "https://codepen.io") or bool(re.fullmatch(r"https://[a-z0-9-]+\.github\.io", origin))
        ),
        frozenset({"third-party"}),
    ),
    # Meant to stop victim.example.evil.net, victim.example-evil and the '_', '`' and '%60' tricks: whatever follows
    # the host must not continue it. The other special characters still pass.
    OriginCheck(
        "special-character",
        lambda origin: bool(re.match(r"https://victim\.example(?![\w.%`-])", origin)),
        frozenset({"special-character"}),
    ),
    OriginCheck("wildcard-without-credentials", lambda origin: True, frozenset(), wildcard=True),
    OriginCheck("exact-list", lambda origin: origin in (TRUSTED, "https://admin.victim.example"), frozenset()),
    OriginCheck(
        "https-subdomain-family",
        lambda origin: bool(re.fullmatch(r"https://([a-z0-9-]+\.)*victim\.example", origin)),
        frozenset(),
    ),
]


def named(name: str) -> OriginCheck:
    return next(check for check in CHECKS if check.name == name)


def origin_check_app(check: OriginCheck) -> Starlette:
    """`GET /data` with CORS headers by the check's decision, and `/ws` accepted or refused by it."""

    async def data(request: Request) -> JSONResponse:
        origin = request.headers.get("origin")
        if check.wildcard:
            headers = {"Access-Control-Allow-Origin": "*"}
        elif origin is not None and check.accepts(origin):
            headers = {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true"}
        else:
            headers = {}
        return JSONResponse({"balance": 100}, headers={**headers, "Vary": "Origin"})

    async def socket(websocket: WebSocket) -> None:
        origin = websocket.headers.get("origin")
        if origin is not None and check.accepts(origin):
            await websocket.accept()
            await websocket.send_text("balance: 100")
        await websocket.close(code=1008)  # before accept, uvicorn answers the handshake 403

    return Starlette(routes=[Route("/data", data), WebSocketRoute("/ws", socket)])


def string_origins_app() -> Starlette:
    """Starlette's own CORSMiddleware given one origin as a string instead of a list: it tests `origin in string`."""
    cors = Middleware(CORSMiddleware, allow_origins=TRUSTED, allow_credentials=True)
    return Starlette(routes=[Route("/data", lambda request: JSONResponse({"balance": 100}))], middleware=[cors])
