"""Values Starlette cannot use: each is a finding, none a crash."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

a = FastAPI()
a.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_origin_regex=[r"https://x\.example\.com"])
b = FastAPI()
b.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], max_age=None)
c = FastAPI()
c.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], max_age="abc")
d = FastAPI()
d.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=123)
e = FastAPI()
e.add_middleware(CORSMiddleware, allow_origins=None)
