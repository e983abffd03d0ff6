"""The handler reads the Origin only to log it, and closes only when the client goes: no check at all."""

import logging

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.middleware.cors import CORSMiddleware

logger = logging.getLogger(__name__)

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)


@app.websocket("/ws/prices")
async def prices(websocket: WebSocket) -> None:
    origin = websocket.headers.get("origin")
    logger.info("socket opened from %s", origin)
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        await websocket.close()
