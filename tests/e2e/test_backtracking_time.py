"""Catastrophic backtracking is about time: each regex the rules table refuses for it really takes exponential time in
Python's `re` on the Origin the refusal names (polynomial time, for `regex.slow_backtracking`), and each regex the
table accepts stays linear on crafted Origins.

Each regex is timed in its own Python process with a time bound, so a runaway cannot hang the suite; a time is the
CPU time the process spent matching (what other work on the machine does not add to), the least of seven rounds over
all the lengths. Exponential: over up to six lengths, starting where one match takes a
couple of milliseconds, the fitted time at least doubles (within the noise of a shared machine: a factor of 1.8 or more)
per added copy of the repeated text, which is one character for all but the overlapping-alternatives rows.
Polynomial: doubling the copies from where one match takes a couple of milliseconds, the time grows at least as the
length to the power 1.8 (quadratic is 2). Linear: from 2,000 to 16,000 characters, the time grows as the length does
(fitted exponent at most 1.3).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from fastapi_cors_scaffold.rules.origin_regex import slow_stall, stall
from tests.support.table import ROWS

TIMER = r"""
import json, re, sys, time

regex, prefix, unit, failing, counts = json.loads(sys.argv[1])
compiled = re.compile(regex)


def seconds(count):
    start = time.process_time()
    compiled.fullmatch(prefix + unit * count + failing)
    return time.process_time() - start


if counts == "growing":
    first = next((count for count in range(1, 40) if min(seconds(count) for _ in range(3)) >= 0.002), 40)
    counts = [first]
    while len(counts) < 4 or len(counts) < 6 and seconds(counts[-1]) < 0.1:
        counts.append(counts[-1] + 1)
elif counts == "doubling":
    first = next((2**power for power in range(4, 15) if min(seconds(2**power) for _ in range(3)) >= 0.002), 2**14)
    counts = [first]
    while len(counts) < 3 or len(counts) < 5 and seconds(counts[-1]) < 0.05:
        counts.append(counts[-1] * 2)
# Round after round over all the lengths, keeping each one's fastest: a busy moment slows one round, not one length.
fastest = {count: float("inf") for count in counts}
for _ in range(7):
    for count in counts:
        fastest[count] = min(fastest[count], seconds(count))
print(json.dumps(sorted(fastest.items())))
"""
REFUSED = sorted({row.settings["allow_origin_regex"] for row in ROWS if row.rule == "regex.backtracking"})
SLOW = sorted({row.settings["allow_origin_regex"] for row in ROWS if row.rule == "regex.slow_backtracking"})
ACCEPTED = sorted(
    {row.settings["allow_origin_regex"] for row in ROWS if row.settings["allow_origin_regex"]}
    - {row.settings["allow_origin_regex"] for row in ROWS if row.rule}
)
CRAFTED_UNITS = ("a", "a.", "a-", "a0", ".")


def timed(regex: str, prefix: str, unit: str, failing: str, counts: object) -> list[tuple[int, float]]:
    """(count, seconds) for fullmatching prefix + unit * count + failing, measured in a process of its own."""
    arguments = json.dumps([regex, prefix, unit, failing, counts])
    result = subprocess.run(
        [sys.executable, "-c", TIMER, arguments], capture_output=True, text=True, timeout=120, check=True
    )
    return [(count, seconds) for count, seconds in json.loads(result.stdout)]


def fitted_slope(points: list[tuple[float, float]]) -> float:
    """The least-squares slope of y over x."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)


def test_the_table_has_examples_of_both() -> None:
    assert len(REFUSED) >= 8
    assert len(SLOW) >= 4
    assert len(ACCEPTED) >= 20


@pytest.mark.parametrize("regex", REFUSED)
def test_a_refused_regex_takes_exponential_time(regex: str) -> None:
    found = stall(regex)
    assert found is not None

    times = timed(regex, found.prefix, found.pump, found.failing, "growing")

    growth = 2 ** fitted_slope([(count, math.log2(seconds)) for count, seconds in times])
    assert times[-1][1] >= 0.01, f"even {times[-1][0]} copies of {found.pump!r} match at once: {times}"
    assert growth >= 1.8, f"{growth:.2f}x per copy of {found.pump!r}: {times}"


@pytest.mark.parametrize("regex", SLOW)
def test_a_regex_refused_as_slow_takes_polynomial_time(regex: str) -> None:
    found = slow_stall(regex)
    assert found is not None

    times = timed(regex, found.prefix, found.pump, found.failing, "doubling")

    exponent = fitted_slope([(math.log2(count), math.log2(seconds)) for count, seconds in times])
    assert times[-1][1] >= 0.01, f"even {times[-1][0]} copies of {found.pump!r} match at once: {times}"
    assert exponent >= 1.8, f"time grows as n ** {exponent:.2f} with the copies of {found.pump!r}: {times}"


@pytest.mark.parametrize("regex", ACCEPTED)
def test_an_accepted_regex_stays_linear(regex: str) -> None:
    for unit in CRAFTED_UNITS:
        counts = [length // len(unit) for length in (2000, 4000, 8000, 16000)]
        times = timed(regex, "https://", unit, "!", counts)

        exponent = fitted_slope([(math.log2(count), math.log2(max(seconds, 1e-7))) for count, seconds in times])
        assert exponent <= 1.3, f"{unit!r} * n: time grows as n ** {exponent:.2f}: {times}"
