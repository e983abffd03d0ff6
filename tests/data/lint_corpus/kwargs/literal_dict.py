from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

CORS_SETTINGS = dict(
    allow_origins=["https://app.example.com"],
    allow_credentials=True,
    allow_methods=["GET", "POST"],
)

app = FastAPI()
app.add_middleware(CORSMiddleware, **CORS_SETTINGS)
