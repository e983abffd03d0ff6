"""The handler refuses a handshake from an origin it does not trust before accepting it."""

from fastapi import FastAPI, WebSocket, status
from fastapi.middleware.cors import CORSMiddleware

TRUSTED = ["https://app.example.com"]

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=TRUSTED, allow_credentials=True)


@app.websocket("/ws")
async def notifications(websocket: WebSocket) -> None:
    if websocket.headers["origin"] not in TRUSTED:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
    await websocket.send_json({"hello": "world"})
