"""The right order in the constructor: CORS listed first."""

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

app = FastAPI(
    middleware=[
        Middleware(CORSMiddleware, allow_origins=["https://app.example.com"]),
        Middleware(TrustedHostMiddleware, allowed_hosts=["api.example.com"]),
    ]
)
