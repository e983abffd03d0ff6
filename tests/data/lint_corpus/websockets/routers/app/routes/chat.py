from fastapi import APIRouter, WebSocket

router = APIRouter(tags=["chat"])


@router.websocket("/ws")
async def room(websocket: WebSocket) -> None:
    await websocket.accept()
    while True:
        await websocket.send_text(await websocket.receive_text())
