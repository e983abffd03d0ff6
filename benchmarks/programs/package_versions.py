"""Print the versions of the packages that decide a venv's speed as JSON: run by each venv the benchmarks create."""

import contextlib
import importlib.metadata
import json

NAMES = ["fastapi", "starlette", "uvicorn", "httptools", "uvloop", "pydantic", "pytest", "hypothesis"]

found = {}
for name in NAMES:
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        found[name] = importlib.metadata.version(name)
print(json.dumps(found))
