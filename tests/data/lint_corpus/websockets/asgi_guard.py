"""A pure ASGI middleware that refuses WebSocket handshakes from untrusted origins protects every socket."""

from fastapi import FastAPI, WebSocket
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

TRUSTED = {b"https://app.example.com"}


class WebSocketOriginGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            origin = dict(scope["headers"]).get(b"origin")
            if origin is not None and origin not in TRUSTED:
                await send({"type": "websocket.close", "code": 1008})
                return
        await self.app(scope, receive, send)


app = FastAPI()
app.add_middleware(WebSocketOriginGuard)
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)


@app.websocket("/ws")
async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
