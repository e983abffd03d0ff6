"""Middleware set up in a function of its own, as larger projects do."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


def install_middleware(app: FastAPI) -> None:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://billing.example.com"],
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT"],
        allow_headers=["Authorization"],
    )
