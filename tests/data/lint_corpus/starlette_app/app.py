from starlette.applications import Starlette
from starlette.middleware import Middleware as Mw
from starlette.middleware.cors import CORSMiddleware as CORS
from starlette.responses import JSONResponse
from starlette.routing import Route


async def homepage(request):
    return JSONResponse({"hello": "world"})


middleware = [
    Mw(CORS, allow_origins=["https://app.example.com", "null"], allow_methods=["GET", "POST"]),
]

app = Starlette(routes=[Route("/", homepage)], middleware=middleware)
