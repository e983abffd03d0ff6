"""The model of an app, read with `ast`: middleware in the order Starlette runs it, and WebSocket routes with whether
an Origin check protects them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_cors_scaffold.audit.apps import apps_in
from fastapi_cors_scaffold.audit.model import App
from fastapi_cors_scaffold.audit.modules import Modules, parse

HEADER = (
    "from fastapi import APIRouter, Depends, FastAPI, WebSocket\n"
    "from starlette.applications import Starlette\n"
    "from starlette.middleware import Middleware\n"
    "from starlette.middleware.cors import CORSMiddleware\n"
    "from starlette.routing import Router, WebSocketRoute\n"
    "from starlette.endpoints import WebSocketEndpoint\n"
)


def apps(tmp_path: Path, source: str, **others: str) -> list[App]:
    for name, text in others.items():
        (tmp_path / f"{name}.py").write_text(text)
    (tmp_path / "main.py").write_text(HEADER + source)
    modules = Modules()
    return apps_in(parse(tmp_path / "main.py"), modules)


def order(app: App) -> list[str]:
    return [layer.name for layer in app.layers]


def test_middleware_in_the_order_starlette_runs_it(tmp_path: Path) -> None:
    source = (
        "app = FastAPI(middleware=[Middleware(First), Middleware(Second)])\n"
        "app.add_middleware(Added1)\n"
        "@app.middleware('http')\n"
        "async def timing(request, call_next):\n"
        "    return await call_next(request)\n"
        "app.add_middleware(Added2)\n"
        "app.user_middleware.append(Middleware(Appended))\n"
        "wrapped = Outer(app)\n"
        "outermost = Outermost(wrapped)\n"
    )
    (app,) = apps(tmp_path, source)
    assert order(app) == ["Outermost", "Outer", "Added2", "timing", "Added1", "First", "Second", "Appended"]


def test_a_subclass_wrapping_its_built_stack_runs_its_wrappers_first(tmp_path: Path) -> None:
    source = (
        "class Service(FastAPI):\n"
        "    def build_middleware_stack(self):\n"
        "        app = super().build_middleware_stack()\n"
        "        if self.settings.guarded:\n"
        "            app = Guard(app)\n"
        "        return CORSMiddleware(app, allow_origins=['https://a.example.com'])\n"
        "def create_app():\n"
        "    app = Service()\n"
        "    app.add_middleware(Inner)\n"
        "    return app\n"
    )
    (app,) = apps(tmp_path, source)
    assert order(app) == ["CORSMiddleware", "Guard", "Inner"] and app.layers[0].cors


def test_a_function_the_app_is_passed_to_is_read_in_place(tmp_path: Path) -> None:
    setup = (
        "from starlette.middleware.cors import CORSMiddleware\n"
        "def install(target):\n    target.add_middleware(CORSMiddleware)\n"
    )
    (app,) = apps(
        tmp_path, "from .setup import install\napp = Starlette()\ninstall(app)\napp.add_middleware(Auth)\n", setup=setup
    )
    assert order(app) == ["Auth", "CORSMiddleware"] and app.layers[1].file.name == "setup.py"


@pytest.mark.parametrize(
    ("source", "path", "checked"),
    [
        ("@app.websocket('/ws')\nasync def ws(websocket: WebSocket):\n    await websocket.accept()\n", "/ws", False),
        (
            "@app.websocket('/ws')\nasync def ws(websocket: WebSocket):\n"
            "    if websocket.headers.get('Origin') != 'https://a.example.com':\n        raise Refused()\n",
            "/ws",
            True,
        ),
        (
            "async def ws(websocket):\n    await websocket.accept()\napp.add_api_websocket_route('/feed', ws)\n",
            "/feed",
            False,
        ),
        (
            "class Echo(WebSocketEndpoint):\n    async def on_connect(self, websocket):\n"
            "        if websocket.headers['origin'] not in TRUSTED:\n            await websocket.close()\n"
            "router = Router(routes=[WebSocketRoute('/echo', Echo)])\napp.include_router(router)\n",
            "/echo",
            True,
        ),
        (
            "from .checks import same_origin\n"
            "router = APIRouter(prefix='/v1', dependencies=[Depends(same_origin)])\n"
            "@router.websocket('/ws')\nasync def ws(websocket: WebSocket):\n    await websocket.accept()\n"
            "app.include_router(router)\n",
            "/v1/ws",
            True,
        ),
        (
            "from elsewhere import mystery\n"
            "@app.websocket('/ws', dependencies=[Depends(mystery)])\nasync def ws(websocket):\n    ...\n",
            "/ws",
            None,
        ),
    ],
)
def test_websocket_routes_and_their_origin_checks(tmp_path: Path, source: str, path: str, checked: bool | None) -> None:
    checks = (
        "def same_origin(websocket):\n"
        "    if websocket.headers.get('origin') not in {'https://a.example.com'}:\n"
        "        raise PermissionError\n"
    )
    (app,) = apps(tmp_path, "app = FastAPI()\n" + source, checks=checks)
    (route,) = app.websockets
    assert (route.path, route.origin_check) == (path, checked)


def test_reading_the_origin_without_refusing_is_not_a_check(tmp_path: Path) -> None:
    source = (
        "app = FastAPI()\n@app.websocket('/ws')\nasync def ws(websocket):\n"
        "    print(websocket.headers.get('origin'))\n    await websocket.accept()\n"
    )
    (app,) = apps(tmp_path, source)
    assert app.websockets[0].origin_check is False


def test_an_http_only_middleware_is_never_a_websocket_check(tmp_path: Path) -> None:
    source = (
        "from starlette.middleware.base import BaseHTTPMiddleware\n"
        "class OriginCheck(BaseHTTPMiddleware):\n"
        "    async def dispatch(self, request, call_next):\n"
        "        if request.headers.get('origin') == 'null':\n            raise PermissionError\n"
        "app = FastAPI()\napp.add_middleware(OriginCheck)\n"
    )
    (app,) = apps(tmp_path, source)
    assert app.origin_guard is None
