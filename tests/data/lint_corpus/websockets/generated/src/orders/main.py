"""The HTTP application, with CORS wrapped around everything else (the generated shape, with a WebSocket route)."""

from fastapi import FastAPI, WebSocket
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp

from ._cors.guard import CrossOriginGuard
from .settings import Settings, load_settings


class Service(FastAPI):
    def __init__(self, settings: Settings) -> None:
        super().__init__(title="Orders")
        self.settings = settings

    def build_middleware_stack(self) -> ASGIApp:
        settings = self.settings
        app = super().build_middleware_stack()
        if settings.cors_cross_origin_protection:
            app = CrossOriginGuard(app, trusted=frozenset(settings.cors_allow_origins))
        return CORSMiddleware(
            app,
            allow_origins=settings.cors_allow_origins,
            allow_origin_regex=settings.cors_allow_origin_regex,
            allow_credentials=settings.cors_allow_credentials,
            allow_methods=settings.cors_allow_methods,
            allow_headers=settings.cors_allow_headers,
            expose_headers=settings.cors_expose_headers,
            max_age=settings.cors_max_age,
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    app = Service(settings or load_settings())
    app.add_middleware(GZipMiddleware)

    @app.websocket("/ws/orders")
    async def orders(websocket: WebSocket) -> None:
        await websocket.accept()

    return app


app = create_app()
