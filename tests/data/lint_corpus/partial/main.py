"""Origins partly from settings: what is written in the list is still judged."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .config import settings

DEVELOPMENT = ["http://localhost:5173", "null"]

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=DEVELOPMENT + settings.EXTRA_ORIGINS, allow_credentials=True)

admin = FastAPI()
admin.add_middleware(CORSMiddleware, allow_origins=[settings.ADMIN_HOST, "*"], allow_credentials=True)

public = FastAPI()
public.add_middleware(CORSMiddleware, allow_origins=[settings.FRONTEND_HOST, "https://app.example.com"])
