"""Every argument positional, in the order of Starlette 0.51 and later (allow_private_network sixth)."""

from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware

api = Starlette()
app = CORSMiddleware(api, ["https://app.example.com"], ["GET"], [], False, None, False, ["X-Total-Count"], 600)
