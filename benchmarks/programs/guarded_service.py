"""The generated service as its owner grows it: the default app, whose cross-origin guard is on, and a POST route
beside GET /home (the template ships none). The package is `$GENERATED_PACKAGE`.

    python -m uvicorn guarded_service:app --app-dir benchmarks/programs
"""

import importlib
import os

app = importlib.import_module(f"{os.environ['GENERATED_PACKAGE']}.main").app


@app.post("/home")
async def post_home() -> str:
    return "Hello World!"
