"""Preflight cost of the generated service with 1 to 1000 allowed origins, the requesting one listed last.

A set lookup stays flat where a list scan grows: measured under wrk, and in-process where no server or network
hides the app's own share.
"""

from __future__ import annotations

import json

from benchmarks.environments import PROGRAMS, Installed, single_package
from benchmarks.harness import Options, Row, fit_slope, median, run
from benchmarks.load import ALLOWED_ORIGIN, Server, core_sets, load, require_wrk, serving

ORIGIN_COUNTS = (1, 10, 100, 1000)
FLAT = 1.05


def listed(count: int) -> list[str]:
    return [f"https://app{i}.example.com" for i in range(count - 1)] + [ALLOWED_ORIGIN]


def origins(installed: Installed, options: Options) -> list[Row]:
    require_wrk()
    server_cpu, client_cpu = core_sets()
    package = single_package(installed.project)
    variable = f"{package.upper()}_CORS_ALLOW_ORIGINS"
    command = [str(installed.python), "-m", "uvicorn", f"{package}.main:app"]
    servers = [
        Server(
            f"{count} origins",
            command,
            installed.project,
            {**installed.env, variable: json.dumps(listed(count))},
            server_cpu,
        )
        for count in ORIGIN_COUNTS
    ]
    with serving(servers):
        measured = load(servers, ("preflight",), options, client_cpu)
    batch = str(200 if options.runs == 1 else 2000)
    arguments = [package, variable, ALLOWED_ORIGIN, json.dumps(ORIGIN_COUNTS), batch]
    output = run(
        [str(installed.python), str(PROGRAMS / "in_process_preflight.py"), *arguments], installed.project, installed.env
    )
    direct = {int(count): micros for count, micros in json.loads(output).items()}
    keys = {count: f"{count} origins|preflight" for count in ORIGIN_COUNTS}
    micros = {count: median(measured.cpu[key]) for count, key in keys.items()}
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
    server = slope_row("server CPU per preflight (wrk)", micros, 1)
    server.note = f"server slope: least squares over {ORIGIN_COUNTS}; ratio = CPU per preflight with {last} / {first}"
    app = slope_row("preflight through the app in-process", direct, 2)
    app.target, app.met = f"flat: {last} ≤ {FLAT}x {first}", app.ratio is not None and app.ratio <= FLAT
    app.note = (
        "in-process: the generated app called directly (no server, no network, CPU time, best of 7 batches);"
        f" ratio = time per preflight with {last} origins / {first}"
    )
    return [*rows, server, app]


def slope_row(what: str, micros: dict[int, float], digits: int) -> Row:
    """Microseconds per 1000 more origins (least squares), against the time with the fewest origins."""
    first, last = min(micros), max(micros)
    return Row(
        "origins",
        f"{what}: slope",
        round(fit_slope(list(micros), list(micros.values())) * 1000, digits + 1),
        "µs/1000 origins",
        baseline_what=f"{what}, {first} origin",
        baseline=round(micros[first], digits),
        ratio=round(micros[last] / micros[first], 3),
        target="report",
    )
