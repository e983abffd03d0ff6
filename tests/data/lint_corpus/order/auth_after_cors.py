"""CORS added first, authentication after it: the last added runs first, so auth answers preflights."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.authentication import AuthenticationMiddleware

from .auth import TokenBackend

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],
    allow_credentials=True,
    allow_methods=["GET", "POST"],
)
app.add_middleware(AuthenticationMiddleware, backend=TokenBackend())
