"""A public API and an admin API served from one module."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

public = FastAPI()
public.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"])

admin = FastAPI()
admin.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])
