"""Template-owned: refuses unsafe requests and WebSocket handshakes from origins the CORS policy does not trust."""

import json

from starlette.types import ASGIApp, Receive, Scope, Send


class CrossOriginGuard:
    def __init__(self, app: ASGIApp, *, trusted: frozenset[str]) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self._allowed(scope):
            body = json.dumps({"detail": "cross-origin request refused"}).encode()
            prefix = "websocket." if scope["type"] == "websocket" else ""
            await send({"type": f"{prefix}http.response.start", "status": 403, "headers": []})
            await send({"type": f"{prefix}http.response.body", "body": body})
            return
        await self.app(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        headers = dict(scope["headers"])
        origin = headers.get(b"origin")
        return origin is None or origin.decode("latin-1") in self.trusted
