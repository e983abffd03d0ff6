"""The handler asks a helper whether the Origin is trusted, keeps the answer, and refuses on it before accepting."""

from fastapi import FastAPI, WebSocket, status
from fastapi.middleware.cors import CORSMiddleware

TRUSTED = frozenset({"https://app.example.com"})

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=sorted(TRUSTED), allow_credentials=True)


def is_trusted(origin: str | None) -> bool:
    return origin in TRUSTED


@app.websocket("/ws/prices")
async def prices(websocket: WebSocket) -> None:
    allowed = is_trusted(websocket.headers.get("origin"))
    if not allowed:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
