"""An API-key check as an HTTP middleware function, declared after CORS was added."""

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

API_KEYS = {"k-123"}

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_headers=["X-API-Key"])


@app.middleware("http")
async def require_api_key(request: Request, call_next):
    if request.headers.get("x-api-key") not in API_KEYS:
        return JSONResponse({"detail": "missing API key"}, status_code=401)
    return await call_next(request)
