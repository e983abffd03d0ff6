"""Servers under load: uvicorn processes pinned to one core, driven by wrk from another, with their CPU time.

wrk's requests/s move with whatever else runs on the machine; the server's own CPU time per request much less, so
both are recorded.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from benchmarks.harness import Options, Unavailable, clean_env
from tests.support.servers import answering, free_port, start_server

HERE = Path(__file__).resolve().parent
# wrk scripts of the scenarios other than a GET: a preflight, and the trusted POST it clears.
SCRIPTS = {"preflight": HERE / "preflight.lua", "post": HERE / "post.lua"}
ALLOWED_ORIGIN = "http://localhost:8080"
PREFLIGHT = {
    "Origin": ALLOWED_ORIGIN,
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "content-type",
}
TRUSTED_POST = {"Origin": ALLOWED_ORIGIN, "Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}


def require_wrk() -> None:
    if not shutil.which("wrk"):
        raise Unavailable("wrk is not installed (apt-get install wrk)")


def core_sets() -> tuple[set[int], set[int]]:
    """CPUs for the server and for the load generator: one each when the machine has two or more."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return set(available), set(available)
    return {available[0]}, {available[1]}


@dataclass
class Server:
    """A uvicorn command line to run in `cwd`, pinned to the server CPU, on a free loopback port."""

    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    cpu: set[int]
    port: int = 0
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/home"

    def start(self) -> subprocess.Popen[str]:
        self.port = free_port()
        argv = [*self.command, "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"]
        self.process = start_server([*argv, "--log-level", "warning"], self.cwd, clean_env(self.env), cpu=self.cpu)
        return self.process

    def check_cors(self) -> None:
        """Every benchmarked request is granted, so the load measures the allowed path."""
        for method, headers in (("GET", {"Origin": ALLOWED_ORIGIN}), ("OPTIONS", PREFLIGHT), ("POST", TRUSTED_POST)):
            body = b'{"amount": 100}' if method == "POST" else None
            response = httpx2.request(method, self.url, headers=headers, content=body, timeout=5)
            if response.status_code != 200 or response.headers.get("access-control-allow-origin") != ALLOWED_ORIGIN:
                raise RuntimeError(f"{self.name}: {method} /home from {ALLOWED_ORIGIN} was not granted ({response})")

    def check_alive(self) -> None:
        assert self.process
        if self.process.poll() is not None:
            output = self.process.stdout.read() if self.process.stdout else ""
            last = output.strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"{self.name} exited with status {self.process.returncode}: {last[0]}")

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process so far (Linux /proc)."""
        assert self.process
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(servers: Sequence[Server]) -> Iterator[Sequence[Server]]:
    """Start every server, wait until each answers and grants CORS, and stop them all afterwards."""
    with ExitStack() as stack:
        for server in servers:
            stack.enter_context(answering(server.start(), server.url))
            server.check_cors()
        yield servers


def wrk(server: Server, scenario: str, seconds: int, options: Options, cpu: set[int]) -> tuple[float, float]:
    """Requests per second of one wrk run, and the server's CPU time per request in µs.

    `get` is GET /home with an allowed Origin, `preflight` its preflight, `post` a JSON POST from that origin. The
    CPU time is what the server process itself spent, so it stays meaningful when other work on the machine takes
    turns on the server's core.
    """
    cpu_before = server.cpu_seconds()
    command = ["wrk", "-t1", f"-c{options.connections}", f"-d{seconds}s", "-H", f"Origin: {ALLOWED_ORIGIN}"]
    if scenario in SCRIPTS:
        command += ["-s", str(SCRIPTS[scenario])]
    result = subprocess.run(
        [*command, server.url],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=False,
        preexec_fn=lambda: os.sched_setaffinity(0, cpu),
    )
    cpu_spent = server.cpu_seconds() - cpu_before
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    count = re.search(r"(\d+) requests in", result.stdout)
    if result.returncode != 0 or not rate or not count:
        raise RuntimeError(f"wrk failed against {server.name}: {result.stderr.strip() or result.stdout.strip()}")
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout):
        raise RuntimeError(f"{server.name} answered {bad[1]} {scenario} requests with an error status")
    server.check_alive()
    requests = max(int(count[1]), 1)
    errors = re.search(r"Socket errors: (.*)", result.stdout)
    if errors and sum(map(int, re.findall(r"\d+", errors[1]))) > requests / 100:
        raise RuntimeError(f"{server.name}: wrk socket errors under {scenario}: {errors[1]} in {requests} requests")
    return float(rate[1]), cpu_spent * 1e6 / requests


@dataclass
class Load:
    """Per server and scenario: requests/s and server CPU µs per request of each run."""

    rates: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)


def load(servers: Sequence[Server], scenarios: Sequence[str], options: Options, cpu: set[int]) -> Load:
    """Run wrk on every server and scenario, runs interleaved so that drift on the machine hits all alike."""
    result = Load()
    for server in servers:
        for scenario in scenarios:
            wrk(server, scenario, options.warmup, options, cpu)
    for _ in range(options.runs):
        for server in servers:
            for scenario in scenarios:
                rate, micros = wrk(server, scenario, options.duration, options, cpu)
                result.rates.setdefault(f"{server.name}|{scenario}", []).append(rate)
                result.cpu.setdefault(f"{server.name}|{scenario}", []).append(micros)
    return result
