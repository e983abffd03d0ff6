"""The whole application wrapped in CORS, so error responses carry the headers too."""

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

FRONT_END = "https://app.example.com"

api = FastAPI()
app = CORSMiddleware(api, allow_origins=FRONT_END, allow_credentials=True)
