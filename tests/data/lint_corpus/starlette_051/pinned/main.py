"""Positional arguments in the order of the Starlette this project pins (through FastAPI 0.115): no
allow_private_network between the regex and expose_headers."""

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

api = FastAPI()
app = CORSMiddleware(api, ["https://app.example.com"], ["GET"], [], True, None, ["X-Total-Count"], 600)
