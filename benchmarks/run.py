"""Benchmarks: generation, CLI start, the generated test suite, and the service's CORS cost, against baselines.

Every figure is a median over several runs, set against a baseline this script builds and measures in the same run
on the same machine: a one-file Copier template, a minimal Typer app with the same command names, the hand-written
FastAPI recipe, a bare Starlette app. It prints a table and writes the same as JSON. A missed target is reported in
its row; the script always exits 0.

    python benchmarks/run.py                 # a few minutes
    python benchmarks/run.py --quick         # one short run of everything, to check that it works
    python benchmarks/run.py --only service,origins --runs 3 --json /tmp/results.json

Needs: this repository installed with its dev extras in the running Python, git, and wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.metadata
import json
import math
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PREFLIGHT_LUA = HERE / "preflight.lua"
ALLOWED_ORIGIN = "http://localhost:8080"
ORIGIN_COUNTS = (1, 10, 100, 1000)
FIGURES = ("generation", "cli", "tests", "service", "origins", "update", "fleet")
FLEET_SIZE = 20
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@localhost",
    "GIT_COMMITTER_NAME": "benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@localhost",
}

ONE_FILE_COPIER_YML = """\
_subdirectory: template
project_name:
  type: str
  help: Human name of the service
  default: My Service
"""

SEED_RECIPE = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()

app.add_middleware(
    CORSMiddleware,
    allow_origins=["http://localhost:8080"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


@app.get("/home")
async def home():
    return "Hello World!"
"""

BARE_STARLETTE = """\
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Route


async def home(request):
    return JSONResponse("Hello World!")


app = Starlette(
    routes=[Route("/home", home)],
    middleware=[
        Middleware(
            CORSMiddleware,
            allow_origins=["http://localhost:8080"],
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    ],
)
"""

IN_PROCESS_PREFLIGHT = """\
import asyncio, json, os, sys, time
from {package}.main import create_app

variable, origin, counts, batch = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
headers = [(b"host", b"127.0.0.1"), (b"origin", origin.encode()), (b"access-control-request-method", b"PUT"),
           (b"access-control-request-headers", b"content-type")]
scope = {{"type": "http", "asgi": {{"version": "3.0"}}, "http_version": "1.1", "method": "OPTIONS", "scheme": "http",
         "path": "/home", "raw_path": b"/home", "query_string": b"", "root_path": "", "headers": headers,
         "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000)}}
statuses = set()

async def receive():
    return {{"type": "http.request", "body": b"", "more_body": False}}

async def send(message):
    if message["type"] == "http.response.start":
        statuses.add(message["status"])

async def batches(app):
    times = []
    for _ in range(7):
        start = time.process_time()
        for _ in range(batch):
            await app(dict(scope), receive, send)
        times.append((time.process_time() - start) / batch * 1e6)
    return min(times)

result = {{}}
for count in counts:
    os.environ[variable] = json.dumps([f"https://app{{i}}.example.com" for i in range(count - 1)] + [origin])
    result[count] = asyncio.run(batches(create_app()))
assert statuses == {{200}}, statuses
print(json.dumps(result))
"""

COMMAND_NAMES = """\
import json
import typer.main
from fastapi_cors_scaffold.cli import app
command = typer.main.get_command(app)
print(json.dumps(list(getattr(command, "commands", {}))))
"""


@dataclass
class Row:
    """One line of the table: a measured value, its baseline, and the target it is judged against."""

    figure: str
    what: str
    value: float | None
    unit: str
    baseline_what: str = ""
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    cpu: float | None = None
    baseline_cpu: float | None = None
    spread: list[float] = field(default_factory=list)
    runs: list[float] = field(default_factory=list)
    baseline_runs: list[float] = field(default_factory=list)


@dataclass
class Options:
    runs: int
    duration: int
    warmup: int
    connections: int
    only: tuple[str, ...]


class Unavailable(Exception):
    """A figure that cannot be measured here; the message says why."""


# --- running things ------------------------------------------------------------------------------------------------


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}}
    return {**env, **GIT_IDENTITY, **(extra or {})}


def run(command: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """Run a command to completion; raise with its output when it fails."""
    result = subprocess.run(
        list(command), cwd=cwd, env=clean_env(env), capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(map(str, command[:4]))} exited {result.returncode}: {' / '.join(tail)}")
    return result.stdout


class Timing(float):
    """Wall time in seconds, carrying the CPU time (user + system) the command and its children used."""

    cpu: float

    def __new__(cls, wall: float, cpu: float = math.nan) -> Timing:
        timing = super().__new__(cls, wall)
        timing.cpu = cpu
        return timing

    def __getnewargs__(self) -> tuple[float, float]:  # type: ignore[override]
        return float(self), self.cpu


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Timing:
    """Wall time of one run of a command, with its CPU time: the CPU time hardly moves when the machine is busy."""
    cpu, start = children_cpu(), time.perf_counter()
    run(command, cwd, env)
    return Timing(time.perf_counter() - start, children_cpu() - cpu)


def cpu_note(ours: Sequence[float], theirs: Sequence[float]) -> str:
    """The CPU-time medians and their ratio, for a row whose values are Timings."""
    mine = median([getattr(timing, "cpu", math.nan) for timing in ours])
    other = median([getattr(timing, "cpu", math.nan) for timing in theirs])
    return f"CPU time {mine:.3f} s vs {other:.3f} s ({mine / other:.2f}x)"


def repeat(measure: Callable[[int], float], runs: int, warmup: int = 1) -> list[float]:
    """Run `measure(i)` warm-up times unrecorded, then `runs` times."""
    return alternate([measure], runs, warmup)[0]


def alternate(measures: Sequence[Callable[[int], float]], runs: int, warmup: int = 1) -> list[list[float]]:
    """Like `repeat` for several measures taken in turn, so that drift on the machine hits them all alike."""
    for i in range(warmup):
        for measure in measures:
            measure(-1 - i)
    results: list[list[float]] = [[] for _ in measures]
    for i in range(runs):
        for result, measure in zip(results, measures, strict=True):
            result.append(measure(i))
    return results


def tool(name: str) -> str:
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise Unavailable(f"`{name}` is not installed")
    return found


def git(*args: str, cwd: Path) -> str:
    return run(["git", *args], cwd)


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def core_sets() -> tuple[set[int], set[int]]:
    """CPUs for the server and for the load generator: one each when the machine has two or more."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return set(available), set(available)
    return {available[0]}, {available[1]}


# --- templates -----------------------------------------------------------------------------------------------------


def release_of_working_tree(destination: Path) -> Path:
    """A git repository holding the working tree as it is now (tracked and untracked, not ignored, symlinks kept),
    tagged v1.0.0."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPOSITORY)
    for name in filter(None, listed.split("\0")):
        source, target = REPOSITORY / name, destination / name
        if source.is_symlink():  # the template links to the package's rules module
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(os.readlink(source))
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return tag_repository(destination, "v1.0.0", init=True)


def tag_repository(repository: Path, tag: str, init: bool = False) -> Path:
    if init:
        git("init", "-q", "-b", "main", cwd=repository)
    git("add", "-A", cwd=repository)
    git("commit", "-q", "--no-verify", "-m", f"release {tag}", cwd=repository)
    git("tag", tag, cwd=repository)
    return repository


def one_file_template(destination: Path) -> Path:
    """The smallest Copier template: one question, one rendered file, tagged like a release."""
    (destination / "template").mkdir(parents=True)
    (destination / "copier.yml").write_text(ONE_FILE_COPIER_YML)
    (destination / "template" / "README.md.jinja").write_text("# {{ project_name }}\n")
    return tag_repository(destination, "v1.0.0", init=True)


def copier_copy(template: Path, destination: Path, ref: str | None = None) -> list[str]:
    command = [tool("copier"), "copy", "--defaults"]
    if ref:
        command += ["--vcs-ref", ref]
    return [*command, str(template), str(destination)]


def file_count(project: Path) -> int:
    return sum(1 for path in project.rglob("*") if path.is_file() and ".git" not in path.parts)


# --- figures -------------------------------------------------------------------------------------------------------


def generation(work: Path, template: Path, options: Options) -> list[Row]:
    baseline = one_file_template(work / "one-file-template")

    def copy(source: Path, name: str) -> Callable[[int], float]:
        return lambda i: timed(copier_copy(source, work / f"{name}-{i}"))

    ours, floor, startup = alternate(
        [copy(template, "copy"), copy(baseline, "copy-one-file"), lambda _: timed([tool("copier"), "--version"])],
        options.runs,
    )
    files = file_count(work / "copy-0")
    return [
        ratio_row(
            "generation",
            f"copier copy --defaults, this template ({files} files)",
            ours,
            "one-file template",
            floor,
            "s",
            limit=1.3,
        ),
        Row(
            "generation", "copier --version (Copier's start-up)", round(median(startup), 3), "s", runs=rounded(startup)
        ),
    ]


def cli(work: Path, options: Options) -> list[Row]:
    if not (REPOSITORY / "src" / "fastapi_cors_scaffold" / "cli.py").exists():
        raise Unavailable("src/fastapi_cors_scaffold/cli.py does not exist yet")
    names = json.loads(run([sys.executable, "-c", COMMAND_NAMES]))
    baseline = work / "typer_baseline.py"
    baseline.write_text(typer_app(names))
    script = BIN / "fastapi-cors-scaffold"
    ours_command = (
        [str(script), "--help"]
        if script.exists()
        else [sys.executable, "-c", "from fastapi_cors_scaffold.cli import app; app()", "--help"]
    )
    baseline_command = [sys.executable, str(baseline), "--help"]
    runs = max(options.runs * 2, 3)
    ours, floor, bare = alternate(
        [
            lambda _: timed(ours_command),
            lambda _: timed(baseline_command),
            lambda _: timed([sys.executable, "-c", "pass"]),
        ],
        runs,
    )
    extra = extra_imports(ours_command, baseline_command)
    row = ratio_row(
        "cli",
        "fastapi-cors-scaffold --help",
        ours,
        f"Typer app with the same commands ({', '.join(names) or 'one command'})",
        floor,
        "s",
        limit=1.1,
    )
    row.note += "; imports beyond the baseline: " + (", ".join(extra) or "none")
    return [
        row,
        Row("cli", "python -c pass (the interpreter's start-up)", round(median(bare), 3), "s", runs=rounded(bare)),
    ]


def typer_app(names: Sequence[str]) -> str:
    """A Typer app with one empty command per name (a group, like the real CLI, when there are several)."""
    lines = ["import typer", "", "app = typer.Typer()", ""]
    if len(names) > 1:
        lines += ["", "@app.callback()", "def main() -> None:", '    """The CLI."""', ""]
    for index, name in enumerate(names or ["main"]):
        lines += ["", f"@app.command({name!r})", f"def command_{index}() -> None:", f'    """{name}."""', ""]
    lines += ["", 'if __name__ == "__main__":', "    app()", ""]
    return "\n".join(lines)


def extra_imports(ours: Sequence[str], baseline: Sequence[str], top: int = 6) -> list[str]:
    """Packages the real CLI imports for --help and the baseline does not, heaviest first (-X importtime, self time)."""

    def modules(command: Sequence[str]) -> dict[str, int]:
        program = command[0] if command[0] != sys.executable else None
        argv = [sys.executable, "-X", "importtime", *([program] if program else []), *command[1:]]
        result = subprocess.run(argv, env=clean_env(), capture_output=True, text=True, timeout=120, check=False)
        found = re.finditer(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", result.stderr)
        return {match[2]: int(match[1]) for match in found}

    theirs = modules(baseline)
    costs: dict[str, int] = {}
    for name, micros in modules(ours).items():
        if name not in theirs:
            package = name.split(".")[0]
            costs[package] = costs.get(package, 0) + micros
    return [f"{name} {micros / 1000:.1f} ms" for name, micros in sorted(costs.items(), key=lambda item: -item[1])[:top]]


ENVIRONMENTS: dict[str, dict[str, str]] = {}
"""Versions of the main packages in each venv the benchmarks create, for the JSON."""

VERSIONS = """\
import importlib.metadata, json
names = ["fastapi", "starlette", "uvicorn", "httptools", "uvloop", "pydantic", "pytest", "hypothesis"]
found = {}
for name in names:
    try:
        found[name] = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        pass
print(json.dumps(found))
"""


def fresh_venv(venv: Path, requirements: Sequence[str], name: str) -> Path:
    """A venv holding only `requirements` (uv, from the package index or uv's cache), compiled like pip does."""
    run([tool("uv"), "venv", "-q", "--python", sys.executable, str(venv)])
    python = venv / "bin" / "python"
    run([tool("uv"), "pip", "install", "-q", "--compile-bytecode", "--python", str(python), *requirements])
    ENVIRONMENTS[name] = json.loads(run([str(python), "-c", VERSIONS]))
    return python


def install(project: Path, venv: Path) -> tuple[Path, dict[str, str], str]:
    """Install the generated project as its README says (`pip install -e ".[dev]"`) into a venv of its own.

    Without a package index, fall back to a venv that sees this environment's packages, with the project added.
    Returns the venv's python, the environment to run it with, and how the project was installed.
    """
    with contextlib.suppress(RuntimeError, Unavailable):
        return fresh_venv(venv, ["-e", f"{project}[dev]"], "generated"), {}, "its own venv (uv pip install -e .[dev])"
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip())
    parent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_benchmark_parent.pth").write_text("\n".join(sorted(parent)) + "\n")
    with contextlib.suppress(RuntimeError, Unavailable):
        run([tool("uv"), "pip", "install", "--python", str(python), "--no-deps", "-e", str(project)])
        return python, {}, "this environment's packages + uv pip install --no-deps -e (no package index)"
    return python, {"PYTHONPATH": str(project / "src")}, "this environment's packages + PYTHONPATH=src"


def recipe_server(work: Path, seed: Path, cpu: set[int]) -> Server:
    """The recipe installed as it says, `pip install fastapi uvicorn` (no extras: h11 and asyncio), in a venv."""
    with contextlib.suppress(RuntimeError, Unavailable):
        python = fresh_venv(work / "recipe-venv", ["fastapi", "uvicorn"], "recipe")
        return Server("recipe", [str(python), "-m", "uvicorn", "main:app"], seed, {}, cpu)
    return Server(
        "recipe", [sys.executable, "-m", "uvicorn", "main:app", "--loop", "asyncio", "--http", "h11"], seed, {}, cpu
    )


def generated_tests(project: Path, python: Path, env: dict[str, str], how: str, options: Options) -> list[Row]:
    runs = repeat(lambda _: timed([str(python), "-m", "pytest", "-q"], project, env), options.runs)
    value, cpu = median(runs), median([getattr(run, "cpu", math.nan) for run in runs])
    return [
        Row(
            "tests",
            "generated project's pytest (wall time)",
            round(value, 3),
            "s",
            target="≤ 1.5 s",
            met=value <= 1.5,
            note=f"CPU time {cpu:.3f} s; installed with {how}",
            cpu=round(cpu, 3),
            runs=rounded(runs),
        )
    ]


@dataclass
class Server:
    """A uvicorn process pinned to the server CPU, on a free loopback port."""

    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    cpu: set[int]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.port = free_port()
        argv = [*self.command, "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"]
        argv += ["--log-level", "warning"]
        self.process = subprocess.Popen(
            argv,
            cwd=self.cwd,
            env=clean_env(self.env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: os.sched_setaffinity(0, self.cpu),
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process
            self.check_alive()
            with contextlib.suppress(OSError):
                self.request("GET", {})
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer on port {self.port} within {timeout} s")

    def request(self, method: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request(method, "/home", headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status, {key.lower(): value for key, value in response.getheaders()}
        finally:
            connection.close()

    def check_cors(self) -> None:
        """Both benchmarked requests are granted, so the load measures the allowed path."""
        status, headers = self.request("GET", {"Origin": ALLOWED_ORIGIN})
        if status != 200 or headers.get("access-control-allow-origin") != ALLOWED_ORIGIN:
            raise RuntimeError(f"{self.name}: GET /home from {ALLOWED_ORIGIN} was not granted ({status}, {headers})")
        preflight = {
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        }
        status, headers = self.request("OPTIONS", preflight)
        if status != 200 or headers.get("access-control-allow-origin") != ALLOWED_ORIGIN:
            raise RuntimeError(f"{self.name}: the preflight from {ALLOWED_ORIGIN} was not granted ({status})")

    def check_alive(self) -> None:
        assert self.process
        if self.process.poll() is not None:
            error = self.process.stderr.read().decode() if self.process.stderr else ""
            last = error.strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"{self.name} exited with status {self.process.returncode}: {last[0]}")

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process so far (Linux /proc)."""
        assert self.process
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def serving(servers: Sequence[Server]) -> Iterator[Sequence[Server]]:
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
            server.check_cors()
        yield servers
    finally:
        for server in servers:
            server.stop()


def wrk(server: Server, scenario: str, seconds: int, options: Options, cpu: set[int]) -> tuple[float, float]:
    """Requests per second of one wrk run, and the server's CPU time per request in µs.

    `get` is GET /home with an allowed Origin, `preflight` its preflight. The CPU time is what the server process
    itself spent, so it stays meaningful when other work on the machine takes turns on the server's core.
    """
    cpu_before = server.cpu_seconds()
    command = ["wrk", "-t1", f"-c{options.connections}", f"-d{seconds}s", "-H", f"Origin: {ALLOWED_ORIGIN}"]
    if scenario == "preflight":
        command += ["-s", str(PREFLIGHT_LUA)]
    command.append(f"http://127.0.0.1:{server.port}/home")
    result = subprocess.run(
        command,
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


def service(work: Path, project: Path, python: Path, env: dict[str, str], options: Options) -> list[Row]:
    require_wrk()
    server_cpu, client_cpu = core_sets()
    package = single_package(project)
    seed = work / "seed"
    seed.mkdir()
    (seed / "main.py").write_text(SEED_RECIPE)
    bare = work / "starlette"
    bare.mkdir()
    (bare / "main.py").write_text(BARE_STARLETTE)
    uvicorn = [sys.executable, "-m", "uvicorn", "main:app"]
    servers = [
        Server("generated", [str(python), "-m", "uvicorn", f"{package}.main:app"], project, env, server_cpu),
        recipe_server(work, seed, server_cpu),
        Server("recipe-same-server", uvicorn, seed, {}, server_cpu),
        Server("starlette", uvicorn, bare, {}, server_cpu),
    ]
    with serving(servers):
        measured = load(servers, ("get", "preflight"), options, client_cpu)
    baselines = (
        ("recipe", "recipe as installed (pip install fastapi uvicorn: h11, asyncio)", 1.0),
        ("recipe-same-server", "recipe on the same server (httptools, uvloop)", 1.0),
        ("starlette", "bare Starlette + CORSMiddleware (httptools, uvloop)", None),
    )
    rows = []
    scenarios = (("get", "GET /home, allowed Origin"), ("preflight", "preflight (OPTIONS)"))
    for scenario, label in scenarios:
        for name, description, floor in baselines:
            rows.append(
                ratio_row(
                    "service",
                    f"{label}: generated, wrk req/s",
                    measured.rates[f"generated|{scenario}"],
                    description,
                    measured.rates[f"{name}|{scenario}"],
                    "req/s",
                    floor=floor,
                )
            )
    for scenario, label in scenarios:
        for name, description, floor in baselines:
            row = ratio_row(
                "service",
                f"{label}: generated, server CPU per request",
                measured.cpu[f"generated|{scenario}"],
                description,
                measured.cpu[f"{name}|{scenario}"],
                "µs",
                limit=floor,
            )
            row.value, row.baseline = round(median(row.runs), 1), round(median(row.baseline_runs), 1)
            rows.append(row)
    return rows


def origins(project: Path, python: Path, env: dict[str, str], options: Options) -> list[Row]:
    """Preflight rate of the generated service with 1 to 1000 allowed origins, the requesting one listed last."""
    require_wrk()
    server_cpu, client_cpu = core_sets()
    package = single_package(project)
    variable = f"{package.upper()}_CORS_ALLOW_ORIGINS"
    servers = []
    for count in ORIGIN_COUNTS:
        listed = [f"https://app{i}.example.com" for i in range(count - 1)] + [ALLOWED_ORIGIN]
        servers.append(
            Server(
                f"{count} origins",
                [str(python), "-m", "uvicorn", f"{package}.main:app"],
                project,
                {**env, variable: json.dumps(listed)},
                server_cpu,
            )
        )
    with serving(servers):
        measured = load(servers, ("preflight",), options, client_cpu)
    script = IN_PROCESS_PREFLIGHT.format(package=package)
    arguments = [variable, ALLOWED_ORIGIN, json.dumps(ORIGIN_COUNTS), str(200 if options.runs == 1 else 2000)]
    output = run([str(python), "-c", script, *arguments], project, env)
    direct = {int(count): micros for count, micros in json.loads(output).items()}
    keys = {count: f"{count} origins|preflight" for count in ORIGIN_COUNTS}
    micros = {count: median(measured.cpu[key]) for count, key in keys.items()}
    slope = fit_slope(list(micros), list(micros.values()))
    rows = [
        Row(
            "origins",
            f"preflight, {count} allowed origin{'s' if count > 1 else ''}",
            round(median(measured.rates[key])),
            "req/s",
            note=(
                f"{count} allowed: server CPU {micros[count]:.1f} µs per preflight;"
                f" in-process {direct[count]:.2f} µs per preflight"
            ),
            runs=measured.rates[key],
        )
        for count, key in keys.items()
    ]
    first, last = ORIGIN_COUNTS[0], ORIGIN_COUNTS[-1]
    rows.append(
        Row(
            "origins",
            "server CPU per preflight (wrk): slope",
            round(slope * 1000, 2),
            "µs/1000 origins",
            baseline_what=f"server CPU per preflight, {first} origin",
            baseline=round(micros[first], 1),
            ratio=round(micros[last] / micros[first], 3),
            target="report",
            note=f"server slope: least squares over {ORIGIN_COUNTS}; ratio = CPU per preflight with {last} / {first}",
        )
    )
    direct_slope = fit_slope(list(direct), list(direct.values()))
    growth = direct[last] / direct[first]
    rows.append(
        Row(
            "origins",
            "preflight through the app in-process: slope",
            round(direct_slope * 1000, 3),
            "µs/1000 origins",
            baseline_what=f"in-process preflight, {first} origin",
            baseline=round(direct[first], 2),
            ratio=round(growth, 3),
            target=f"flat: {last} ≤ 1.05x {first}",
            met=growth <= 1.05,
            note=(
                "in-process: the generated app called directly (no server, no network, CPU time, best of 7 batches);"
                f" ratio = time per preflight with {last} origins / {first}"
            ),
        )
    )
    return rows


def update(work: Path, template: Path, copy_seconds: float | None, options: Options) -> list[Row]:
    """`copier update` from v1.0.0 to v1.1.0 (a changed README) on a committed project, against `copier copy`."""
    projects = []
    for i in range(-1, options.runs):
        project = work / f"to-update-{i}"
        run(copier_copy(template, project, "v1.0.0"))
        git("init", "-q", "-b", "main", cwd=project)
        git("add", "-A", cwd=project)
        git("commit", "-q", "--no-verify", "-m", "generated", cwd=project)
        projects.append(project)
    readme = template / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nRelease 1.1.0 of the template: a changed line to update.\n")
    tag_repository(template, "v1.1.0")
    command = [tool("copier"), "update", "--defaults"]
    timed(command, projects[0])
    if "Release 1.1.0" not in (projects[0] / "README.md").read_text():
        raise RuntimeError("copier update did not bring v1.1.0 into the project")
    updates = iter(projects[1:])
    runs, copies = alternate(
        [lambda _: timed(command, next(updates)), lambda i: timed(copier_copy(template, work / f"copy-v1.1-{i}"))],
        options.runs,
        warmup=0,
    )
    row = ratio_row("update", "copier update --defaults, v1.0.0 → v1.1.0", runs, "copier copy --defaults", copies, "s")
    if copy_seconds:
        row.note += f"; copy of v1.0.0 in the generation figure: {copy_seconds:.3f} s"
    return [row]


def fleet(work: Path, options: Options) -> list[Row]:
    """`fastapi-cors-scaffold update ROOT` over 20 committed projects, v1.0.0 → v1.1.0, against a shell loop of plain
    `copier update` over the same 20; each run starts from a fresh copy of the same generated fleet."""
    template = release_of_working_tree(work / "fleet-template")
    generated = work / "fleet-generated"
    for i in range(FLEET_SIZE):
        project = generated / f"service-{i:02d}"
        run(copier_copy(template, project, "v1.0.0"))
        git("init", "-q", "-b", "main", cwd=project)
        git("add", "-A", cwd=project)
        git("commit", "-q", "--no-verify", "-m", "generated", cwd=project)
    readme = template / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nRelease 1.1.0 of the template: a changed line to update.\n")
    tag_repository(template, "v1.1.0")
    loop = 'for project in */; do (cd "$project" && copier update --defaults --quiet) || exit 1; done'
    env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}

    def fresh(name: str) -> Path:
        root = work / name
        shutil.copytree(generated, root, symlinks=True)
        return root

    def updated(root: Path) -> None:
        stale = [p.name for p in root.iterdir() if "Release 1.1.0" not in (p / "README.md").read_text()]
        if stale:
            raise RuntimeError(f"{len(stale)} projects not at v1.1.0 after the update, e.g. {stale[0]}")

    def ours(i: int) -> Timing:
        root = fresh(f"fleet-ours-{i}")
        timing = timed([tool("fastapi-cors-scaffold"), "update", str(root), "--defaults"], root, env)
        updated(root)
        return timing

    def theirs(i: int) -> Timing:
        root = fresh(f"fleet-loop-{i}")
        timing = timed(["bash", "-c", loop], root, env)
        updated(root)
        return timing

    runs, loops = alternate([ours, theirs], options.runs, warmup=0)
    what = f"fastapi-cors-scaffold update ROOT, {FLEET_SIZE} projects"
    return [ratio_row("fleet", what, runs, "shell loop of copier update", loops, "s", limit=0.6)]


# --- numbers and output --------------------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def rounded(values: Sequence[float]) -> list[float]:
    return [round(float(value), 4) for value in values]


def fit_slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of ys over xs."""
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)


def ratio_row(
    figure: str,
    what: str,
    runs: list[float],
    baseline_what: str,
    baseline_runs: list[float],
    unit: str,
    limit: float | None = None,
    floor: float | None = None,
) -> Row:
    """`limit`: the value may be at most limit x the baseline (times); `floor`: at least floor x (rates)."""
    value, baseline = median(runs), median(baseline_runs)
    ratio = value / baseline
    target, met = "report", None
    if limit is not None:
        target, met = f"≤ {limit}x", ratio <= limit
    if floor is not None:
        target, met = f"≥ {floor}x", ratio >= floor
    precision = 0 if unit == "req/s" else 3
    timings = all(isinstance(run, Timing) for run in [*runs, *baseline_runs])
    return Row(
        figure,
        what,
        round(value, precision),
        unit,
        baseline_what,
        round(baseline, precision),
        round(ratio, 3),
        target,
        met,
        note=cpu_note(runs, baseline_runs) if timings else "",
        cpu=round(median([getattr(run, "cpu", math.nan) for run in runs]), 3) if timings else None,
        baseline_cpu=round(median([getattr(run, "cpu", math.nan) for run in baseline_runs]), 3) if timings else None,
        spread=paired_spread(runs, baseline_runs),
        runs=rounded(runs),
        baseline_runs=rounded(baseline_runs),
    )


def paired_spread(runs: Sequence[float], baseline_runs: Sequence[float]) -> list[float]:
    """Quartiles of the ratios of runs taken in the same round (interleaved), when there are enough of them."""
    if len(runs) != len(baseline_runs) or len(runs) < 3:
        return []
    ratios = [run / base for run, base in zip(runs, baseline_runs, strict=True)]
    first, _, third = statistics.quantiles(ratios, n=4, method="inclusive")
    return [round(first, 3), round(third, 3)]


def require_wrk() -> None:
    if not shutil.which("wrk"):
        raise Unavailable("wrk is not installed (apt-get install wrk)")


def single_package(project: Path) -> str:
    packages = [path.name for path in (project / "src").iterdir() if path.is_dir() and not path.name.endswith("info")]
    if len(packages) != 1:
        raise RuntimeError(f"expected one package in {project / 'src'}, found {packages}")
    return packages[0]


def machine() -> dict[str, Any]:
    wrk_version = "not installed"
    if shutil.which("wrk"):
        output = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        wrk_version = (output.stdout or output.stderr).split("[")[0].strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPOSITORY, capture_output=True, text=True).stdout
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPOSITORY, capture_output=True, text=True).stdout
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            name: version(name) for name in ("copier", "fastapi", "starlette", "uvicorn", "typer", "pydantic-settings")
        },
        "wrk": wrk_version,
        "commit": commit.strip() + ("+dirty" if dirty.strip() else ""),
    }


def verdict(row: Row) -> str:
    """ok or MISSED by the medians; a miss whose bound lies between the quartiles of the paired ratios is noise."""
    if row.met is None:
        return row.note if row.value is None else ""
    if row.met:
        return "ok"
    bound = re.search(r"[\d.]+", row.target)
    if row.spread and bound and row.spread[0] <= float(bound[0]) <= row.spread[1]:
        return "within noise"
    return "MISSED"


def show(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "req/s":
        return f"{value:,.0f}/s"
    return f"{value:g} {unit}"


def table(rows: Sequence[Row], meta: Mapping[str, Any]) -> str:
    versions = ", ".join(f"{name} {value}" for name, value in meta["versions"].items())
    header = [
        f"{meta['cores']} cores (load {meta['load_average'][0]}), Python {meta['python']}, {versions}",
        f"wrk {meta['wrk']}; commit {meta['commit']}",
        *(
            f"{name} venv: " + ", ".join(f"{package} {value}" for package, value in versions.items())
            for name, versions in meta.get("environments", {}).items()
            if name != "benchmark"
        ),
        f"medians of {meta['options']['runs']} runs; wrk -t1 -c{meta['options']['connections']} "
        f"-d{meta['options']['duration']}s, server and wrk pinned to one core each; wrk's req/s move with whatever"
        " else runs on the machine, the server's CPU time per request (lower is better) much less",
        "",
    ]
    cells = [("figure", "measured", "value", "baseline", "base", "ratio [paired quartiles]", "target", "")]
    for row in rows:
        cells.append(
            (
                row.figure,
                row.what,
                show(row.value, row.unit),
                row.baseline_what,
                show(row.baseline, row.unit if row.unit != "µs/1000 origins" else "µs") if row.baseline_what else "",
                (f"{row.ratio:.2f}x" + (" [{:.2f}-{:.2f}]".format(*row.spread) if row.spread else ""))
                if row.ratio is not None
                else "",
                row.target,
                verdict(row),
            )
        )
    widths = [max(len(line[i]) for line in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    notes = [f"  {row.figure}: {row.note}" for row in rows if row.note and row.value is not None]
    return "\n".join(header + lines + (["", "notes:", *notes] if notes else []))


# --- main ----------------------------------------------------------------------------------------------------------


def measure(options: Options) -> list[Row]:
    rows: list[Row] = []

    def figure(name: str, compute: Callable[[], list[Row]]) -> list[Row]:
        if name not in options.only:
            return []
        print(f"measuring {name} …", file=sys.stderr, flush=True)
        try:
            measured = compute()
        except Unavailable as reason:
            measured = [Row(name, "unavailable", None, "", note=str(reason))]
        except Exception as error:  # a failed figure is reported, the others still run
            measured = [Row(name, "failed", None, "", note=f"{type(error).__name__}: {error}")]
        rows.extend(measured)
        return measured

    with tempfile.TemporaryDirectory(prefix="fastapi-cors-scaffold-bench-") as temporary:
        work = Path(temporary)
        template = release_of_working_tree(work / "template")
        copied = figure("generation", lambda: generation(work, template, options))
        figure("cli", lambda: cli(work, options))
        installed: dict[str, Any] = {}

        def prepare() -> tuple[Path, Path, dict[str, str], str]:
            if not installed:
                project = work / "service"
                run(copier_copy(template, project))
                installed["value"] = (project, *install(project, work / "venv"))
            return installed["value"]  # type: ignore[no-any-return]

        def tests() -> list[Row]:
            project, python, env, how = prepare()
            return generated_tests(project, python, env, how, options)

        def served() -> list[Row]:
            project, python, env, _ = prepare()
            return service(work, project, python, env, options)

        def scaled() -> list[Row]:
            project, python, env, _ = prepare()
            return origins(project, python, env, options)

        figure("tests", tests)
        figure("service", served)
        figure("origins", scaled)
        copy_seconds = copied[0].value if copied and copied[0].unit == "s" else None
        figure("update", lambda: update(work, template, copy_seconds, options))
        figure("fleet", lambda: fleet(work, options))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per figure (default 5)")
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--quick", action="store_true", help="one run of everything, 1 s per wrk run")
    parser.add_argument("--only", default=",".join(FIGURES), help=f"comma-separated figures among {','.join(FIGURES)}")
    parser.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write the results")
    arguments = parser.parse_args(argv)
    only = tuple(name.strip() for name in arguments.only.split(",") if name.strip())
    if unknown := set(only) - set(FIGURES):
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    options = Options(
        runs=1 if arguments.quick else max(arguments.runs, 1),
        duration=1 if arguments.quick else max(arguments.duration, 1),
        warmup=1,
        connections=arguments.connections,
        only=only,
    )
    meta = machine()
    meta["options"] = asdict(options)
    started = time.perf_counter()
    rows = measure(options)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    meta["environments"] = {"benchmark": meta["versions"], **ENVIRONMENTS}
    print(table(rows, meta))
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(
        json.dumps({"meta": meta, "rows": [{**asdict(row), "verdict": verdict(row)} for row in rows]}, indent=2) + "\n"
    )
    print(f"\nwritten to {arguments.json} in {meta['seconds']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
