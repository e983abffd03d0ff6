"""The check as a dependency the route declares, and one the handler declares in its parameters."""

from typing import Annotated

from fastapi import Depends, FastAPI, WebSocket, WebSocketException, status
from fastapi.middleware.cors import CORSMiddleware

TRUSTED = {"https://app.example.com"}


async def trusted_origin(websocket: WebSocket) -> None:
    if websocket.headers.get("origin") not in TRUSTED:
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION)


app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=list(TRUSTED), allow_credentials=True)


@app.websocket("/ws/feed", dependencies=[Depends(trusted_origin)])
async def feed(websocket: WebSocket) -> None:
    await websocket.accept()


@app.websocket("/ws/alerts")
async def alerts(websocket: WebSocket, _: Annotated[None, Depends(trusted_origin)]) -> None:
    await websocket.accept()
