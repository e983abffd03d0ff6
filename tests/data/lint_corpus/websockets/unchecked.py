"""A credentialed API with a chat socket that trusts any page: cross-site WebSocket hijacking."""

from fastapi import FastAPI, WebSocket
from fastapi.middleware.cors import CORSMiddleware

FRONT_END = "https://chat.example.com"

app = FastAPI(title="Chat")
app.add_middleware(CORSMiddleware, allow_origins=[FRONT_END], allow_credentials=True, allow_methods=["GET"])


@app.websocket("/ws/chat")
async def chat(websocket: WebSocket) -> None:
    await websocket.accept()
    user = websocket.cookies.get("session")
    async for message in websocket.iter_text():
        await websocket.send_text(f"{user}: {message}")
