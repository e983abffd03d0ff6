"""A name assigned twice to the same literal (in both branches of a condition) is read."""

import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

if os.environ.get("DEBUG"):
    ORIGINS = ["https://app.example.com"]
else:
    ORIGINS = ["https://app.example.com"]

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)
