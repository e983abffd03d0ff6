"""Rate limiting listed before CORS in the constructor: the first listed runs first."""

from slowapi.middleware import SlowAPIMiddleware
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

middleware = [
    Middleware(SlowAPIMiddleware),
    Middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["GET"]),
]

app = Starlette(middleware=middleware)
