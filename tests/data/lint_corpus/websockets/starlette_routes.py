"""A Starlette app with a WebSocket route in its routes list and CORS without credentials."""

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket


async def ticker(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_json({"price": 1})


async def index(request):
    ...


routes = [Route("/", index), Mount("/live", routes=[WebSocketRoute("/ticker", ticker)])]
app = Starlette(
    routes=routes,
    middleware=[Middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["GET"])],
)
