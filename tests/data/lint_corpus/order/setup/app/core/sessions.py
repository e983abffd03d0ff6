from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import PlainTextResponse


class RequireSessionMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        if "session" not in request.cookies:
            return PlainTextResponse("log in first", status_code=401)
        return await call_next(request)
