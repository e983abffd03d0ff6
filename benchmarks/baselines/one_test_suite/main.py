"""One route: the app of the smallest FastAPI test suite."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def home() -> str:
    return "Hello World!"
