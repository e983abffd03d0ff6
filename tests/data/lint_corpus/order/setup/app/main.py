from fastapi import FastAPI

from app.core.middleware import install_middleware
from app.core.sessions import RequireSessionMiddleware

app = FastAPI(title="Billing")
install_middleware(app)
app.add_middleware(RequireSessionMiddleware)
