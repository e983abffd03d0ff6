"""CPU time of one preflight through a generated app called in-process (no server, no network), per origin count.

    python in_process_preflight.py PACKAGE VARIABLE ORIGIN COUNTS BATCH

For each count in the JSON list COUNTS, VARIABLE lists that many allowed origins, ORIGIN last; prints a JSON object
count -> microseconds per preflight, the best of 7 batches of BATCH calls.
"""

import asyncio
import importlib
import json
import os
import sys
import time
from typing import Any

package, variable, origin = sys.argv[1:4]
counts, batch = json.loads(sys.argv[4]), int(sys.argv[5])
create_app = importlib.import_module(f"{package}.main").create_app
headers = [
    (b"host", b"127.0.0.1"),
    (b"origin", origin.encode()),
    (b"access-control-request-method", b"PUT"),
    (b"access-control-request-headers", b"content-type"),
]
scope = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "OPTIONS",
    "scheme": "http",
    "path": "/home",
    "raw_path": b"/home",
    "query_string": b"",
    "root_path": "",
    "headers": headers,
    "server": ("127.0.0.1", 8000),
    "client": ("127.0.0.1", 50000),
}
statuses: set[int] = set()


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: dict[str, Any]) -> None:
    if message["type"] == "http.response.start":
        statuses.add(message["status"])


async def batches(app: Any) -> float:
    times = []
    for _ in range(7):
        start = time.process_time()
        for _ in range(batch):
            await app(dict(scope), receive, send)
        times.append((time.process_time() - start) / batch * 1e6)
    return min(times)


result = {}
for count in counts:
    os.environ[variable] = json.dumps([f"https://app{i}.example.com" for i in range(count - 1)] + [origin])
    result[count] = asyncio.run(batches(create_app()))
assert statuses == {200}, statuses
print(json.dumps(result))
