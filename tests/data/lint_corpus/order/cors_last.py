"""The right order: CORS added last, so it runs first and answers preflights itself."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from starlette.middleware.authentication import AuthenticationMiddleware

from .auth import TokenBackend

app = FastAPI()
app.add_middleware(AuthenticationMiddleware, backend=TokenBackend())
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
app.add_middleware(GZipMiddleware, minimum_size=1000)  # compresses, never answers: harmless outside CORS
