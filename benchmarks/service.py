"""The generated service under wrk (GET, preflight and a trusted POST) against FastAPI's recipe and bare Starlette
with CORS.

The recipe runs twice: as its tutorial installs it (`pip install fastapi uvicorn`: h11 and asyncio), and on the
generated service's own server (httptools, uvloop), so that the server's share and the app's share show apart. The
generated service runs with its cross-origin guard on and a POST route its owner added (programs/guarded_service.py);
beside the recipe on the same server its CPU per request may be at most LIMIT times the recipe's.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import httpx2

from benchmarks.baselines import copied
from benchmarks.environments import PROGRAMS, Installed, fresh_venv, single_package
from benchmarks.harness import Options, Row, Unavailable, median, ratio_row
from benchmarks.load import Server, core_sets, load, require_wrk, serving

LIMIT = 1.05
# (name, what it is, the least req/s and the most CPU per request the generated service may have beside it)
BASELINES = (
    ("recipe", "recipe as installed (pip install fastapi uvicorn: h11, asyncio)", 1.0, 1.0),
    ("recipe-same-server", "recipe on the same server (httptools, uvloop)", round(1 / LIMIT, 3), LIMIT),
    ("starlette", "bare Starlette + CORSMiddleware (httptools, uvloop)", None, None),
)
SCENARIOS = (
    ("get", "GET /home, allowed Origin"),
    ("preflight", "preflight (OPTIONS)"),
    ("post", "trusted POST (JSON, Sec-Fetch-Site: cross-site)"),
)


def recipe_server(work: Path, recipe: Path, cpu: set[int]) -> Server:
    """The recipe installed as it says, `pip install fastapi uvicorn` (no extras), in a venv of its own."""
    with contextlib.suppress(RuntimeError, Unavailable):
        python = fresh_venv(work / "recipe-venv", ["fastapi", "uvicorn"], "recipe")
        return Server("recipe", [str(python), "-m", "uvicorn", "main:app"], recipe, {}, cpu)
    command = [sys.executable, "-m", "uvicorn", "main:app", "--loop", "asyncio", "--http", "h11"]
    return Server("recipe", command, recipe, {}, cpu)


def service(work: Path, installed: Installed, options: Options) -> list[Row]:
    require_wrk()
    server_cpu, client_cpu = core_sets()
    package = single_package(installed.project)
    recipe, starlette = copied("recipe", work), copied("starlette", work)
    uvicorn = [sys.executable, "-m", "uvicorn", "main:app"]
    generated = [str(installed.python), "-m", "uvicorn", "guarded_service:app", "--app-dir", str(PROGRAMS)]
    servers = [
        Server("generated", generated, installed.project, {**installed.env, "GENERATED_PACKAGE": package}, server_cpu),
        recipe_server(work, recipe, server_cpu),
        Server("recipe-same-server", uvicorn, recipe, {}, server_cpu),
        Server("starlette", uvicorn, starlette, {}, server_cpu),
    ]
    with serving(servers):
        require_guard(servers[0])
        measured = load(servers, [scenario for scenario, _ in SCENARIOS], options, client_cpu)
    rows = []
    for measure, unit in ((measured.rates, "req/s"), (measured.cpu, "µs")):
        for scenario, label in SCENARIOS:
            for name, description, floor, limit in BASELINES:
                what = f"{label}: generated, " + ("wrk req/s" if unit == "req/s" else "server CPU per request")
                ours, theirs = measure[f"generated|{scenario}"], measure[f"{name}|{scenario}"]
                if unit == "req/s":
                    rows.append(ratio_row("service", what, ours, description, theirs, unit, floor=floor))
                else:
                    row = ratio_row("service", what, ours, description, theirs, unit, limit=limit)
                    row.value, row.baseline = round(median(ours), 1), round(median(theirs), 1)
                    rows.append(row)
    return rows


def require_guard(server: Server) -> None:
    """The generated service is measured with its guard on: a forged POST from another site is refused."""
    forged = httpx2.post(server.url, headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    if forged.status_code != 403:
        raise RuntimeError(f"{server.name}: a forged POST got {forged.status_code}, not the guard's 403")
