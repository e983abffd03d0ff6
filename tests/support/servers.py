"""Servers the tests start on loopback: a free port, a server process started and awaited, an ASGI app or an
http.server handler run in a thread."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import uvicorn
from starlette.types import ASGIApp


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], *, cpu: Collection[int] | None = None
) -> subprocess.Popen[str]:
    """Start a server process (its port is in `command` or `env`), pinned to the CPUs `cpu` if given; its output,
    stdout and stderr together, is read by `wait_until_answering` if it exits early, or by the caller once it has
    stopped."""
    pin = None if cpu is None else lambda: os.sched_setaffinity(0, cpu)
    return subprocess.Popen(
        list(command),
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=pin,
    )


def wait_until_answering(process: subprocess.Popen[str], url: str, timeout: float = 30) -> httpx2.Response:
    """Poll `url` until the server behind it answers; fail with the process's output if it exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            return httpx2.get(url, timeout=2)
        except httpx2.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@contextmanager
def answering(process: subprocess.Popen[str], url: str) -> Iterator[httpx2.Response]:
    """Wait until the started `process` answers `url`, yield that first answer, and stop the process afterwards."""
    try:
        yield wait_until_answering(process, url)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@contextmanager
def serve_asgi(application: ASGIApp, **config: Any) -> Iterator[str]:
    """Run an ASGI app under uvicorn on a free loopback port, with more of uvicorn's `Config` if given (TLS);
    yields its base URL."""
    sock = _listening_socket()
    server = uvicorn.Server(uvicorn.Config(application, log_level="warning", lifespan="off", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serve_handler(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run a plain `http.server` handler on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
