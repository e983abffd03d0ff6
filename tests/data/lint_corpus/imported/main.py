from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .constants import ALLOWED_ORIGINS

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=ALLOWED_ORIGINS, allow_credentials=True)
