"""A misspelled keyword (a TypeError when the app starts) and allow_private_network."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],
    allow_credantials=True,
    allow_private_network=True,
)
