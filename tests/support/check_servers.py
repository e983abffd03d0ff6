"""Servers `check` is tested against on loopback ports: a Starlette app with CORS added the usual way, and an
http.server handler that writes its headers by hand, the way a misconfigured proxy or framework might."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.fetch_scenarios import PAGE


async def items(request: Request) -> JSONResponse:
    return JSONResponse({"method": request.method})


async def counted(request: Request) -> JSONResponse:
    return JSONResponse([], headers={"X-Total-Count": "0", "X-Secret": "s", "Set-Cookie": "session=s3cret"})


async def boom(request: Request) -> JSONResponse:
    raise RuntimeError("unhandled")


def starlette_app() -> Starlette:
    """CORS added the usual way, so Starlette's outermost error middleware answers 500s without CORS headers."""
    return Starlette(
        routes=[
            Route("/items/", items, methods=["GET", "POST", "DELETE"]),
            Route("/counted", counted),
            Route("/boom", boom),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=[PAGE],
                allow_origin_regex=r"https://app\.example\.com.*",
                allow_credentials=True,
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"],
                expose_headers=["X-Total-Count"],
            )
        ],
    )


class HandWritten(BaseHTTPRequestHandler):
    """Answers by path with headers written by hand, the way a misconfigured proxy or framework might."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.answer()

    def do_DELETE(self) -> None:
        self.answer()

    def do_OPTIONS(self) -> None:
        self.answer()

    def answer(self) -> None:
        origin = self.headers.get("Origin", "")
        path = self.path
        if path == "/hangup":
            self.close_connection = True
            self.connection.close()
            return
        if path == "/items":
            self.send(307, {"Location": "/items/", "Access-Control-Allow-Origin": origin})
        elif path == "/slash":
            self.send(200, {"Access-Control-Allow-Origin": f"{origin}/"})
        elif path == "/reflect":
            self.send(
                204 if self.command == "OPTIONS" else 200,
                {
                    "Access-Control-Allow-Origin": origin,
                    "Access-Control-Allow-Credentials": "true",
                    "Access-Control-Allow-Methods": "GET, DELETE",
                    "Vary": "Origin",
                },
            )
        elif path == "/wildcard":
            self.send(
                204 if self.command == "OPTIONS" else 200,
                {
                    "Access-Control-Allow-Origin": "*",
                    "Access-Control-Allow-Headers": "*",
                    "Access-Control-Max-Age": "60",
                },
            )
        else:
            self.send(500, {})

    def send(self, status: int, headers: dict[str, str]) -> None:
        body = b"{}"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
