"""FastAPI's CORS recipe as its tutorial writes it, with a POST route: the service the generated one is compared
with."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()

app.add_middleware(
    CORSMiddleware,
    allow_origins=["http://localhost:8080"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


@app.get("/home")
async def home() -> str:
    return "Hello World!"


@app.post("/home")
async def post_home() -> str:
    return "Hello World!"
