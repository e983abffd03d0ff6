from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

BASE = ["https://app.example.com"]


def create_app() -> FastAPI:
    app = FastAPI()
    legacy = BASE + ["http://legacy.example.com"]
    app.add_middleware(CORSMiddleware, allow_origins=legacy, allow_credentials=True)
    return app
