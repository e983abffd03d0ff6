"""Services the tests start on loopback ports: a free port, and waiting until a started process answers."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
