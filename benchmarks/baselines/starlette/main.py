"""Bare Starlette with its CORSMiddleware: the floor under any FastAPI service with CORS."""

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def home(request: Request) -> JSONResponse:
    return JSONResponse("Hello World!")


app = Starlette(
    routes=[Route("/home", home, methods=["GET", "POST"])],
    middleware=[
        Middleware(
            CORSMiddleware,
            allow_origins=["http://localhost:8080"],
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    ],
)
