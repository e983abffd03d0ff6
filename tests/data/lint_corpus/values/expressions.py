"""Origins built from constants: an f-string split into a list, and a list concatenated with another."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

DOMAIN = "example.com"
ORIGINS = f"https://app.{DOMAIN},https://admin.{DOMAIN}".split(",")
STAGING = ORIGINS + ["https://staging." + DOMAIN]

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=STAGING, allow_methods=("GET", "POST"))
