"""Two hand-written services with a state-changing POST and a WebSocket, as users add them: one relying on CORS alone,
one with a cross-origin guard in front (a 403 before any route for a forged unsafe request, a handshake closed before
accept for a foreign WebSocket). `check` must tell them apart; each counts the transfers it really ran.

Run one under uvicorn with `uvicorn --factory tests.support.forgery_apps:unguarded` (or `:guarded`)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

TRUSTED_PAGE = "http://localhost:8080"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def unguarded() -> Starlette:
    """CORS configured correctly, and nothing else: a forged form POST runs, any page opens the socket."""
    return _service(guard=False)


def guarded() -> Starlette:
    """The same service behind a guard that refuses what comes from an untrusted site, the way Go's
    net/http CrossOriginProtection decides."""
    return _service(guard=True)


def _service(guard: bool) -> Starlette:
    transfers: list[str] = []

    async def transfer(request: Request) -> JSONResponse:
        transfers.append((await request.body()).decode(errors="replace"))
        return JSONResponse({"transferred": True})

    async def count(request: Request) -> JSONResponse:
        return JSONResponse({"transfers": len(transfers)})

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("balance: 100")
        await websocket.close()

    middleware = [Middleware(CORSMiddleware, allow_origins=[TRUSTED_PAGE], allow_credentials=True, allow_methods=["*"])]
    if guard:
        middleware.append(Middleware(CrossOriginGuard, trusted=frozenset({TRUSTED_PAGE})))
    routes = [
        Route("/transfer", transfer, methods=["POST"]),
        Route("/transfers", count),
        WebSocketRoute("/ws", socket),
    ]
    return Starlette(routes=routes, middleware=middleware)


class CrossOriginGuard:
    """Refuses unsafe requests and WebSocket handshakes from sites other than the trusted ones or the service's own."""

    def __init__(self, app: ASGIApp, trusted: frozenset[str]) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS and not self.allows(scope):
            body = json.dumps({"detail": "cross-origin request refused"}).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 403, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "websocket" and not self.allows(scope, websocket=True):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})  # before accept: uvicorn answers 403
            return
        await self.app(scope, receive, send)

    def allows(self, scope: Scope, websocket: bool = False) -> bool:
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site")
        if origin in self.trusted:
            return True
        if not websocket and site is not None:
            return site in ("same-origin", "none")
        return origin is None or urlsplit(origin).netloc == headers.get("host")
