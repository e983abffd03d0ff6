import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=os.getenv("CORS_METHODS", "GET").split(","),
    allow_headers=os.getenv("CORS_HEADERS", "").split(","),
)
