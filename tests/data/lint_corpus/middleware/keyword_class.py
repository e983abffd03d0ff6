from fastapi import FastAPI
from fastapi.middleware import cors

app = FastAPI()
app.add_middleware(
    middleware_class=cors.CORSMiddleware,
    allow_origin_regex=r"https://.*example\.com",
    allow_credentials=True,
)
