"""A generated service given an origin regex in its environment, under uvicorn on loopback: every regex the rules
table refuses stops it before it serves, with the refusal on one line; an accepted regex that repeats labels answers
a crafted 60-character Origin at once, where a catastrophically backtracking one would take hours."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx2
import pytest

from fastapi_cors_scaffold.rules.origin_regex import regex_problems
from fastapi_cors_scaffold.rules.regex import origin_samples
from tests.support.paths import BIN
from tests.support.rendering import project_env, render
from tests.support.servers import answering, free_port, start_server
from tests.support.table import ROWS

PACKAGE = "regex_served"
VARIABLE = "REGEX_SERVED_CORS_ALLOW_ORIGIN_REGEX"
REFUSED = sorted({row.settings["allow_origin_regex"] for row in ROWS if row.rule and row.rule.startswith("regex.")})
ACCEPTED = {row.settings["allow_origin_regex"] for row in ROWS if row.settings["allow_origin_regex"]} - {
    row.settings["allow_origin_regex"] for row in ROWS if row.rule
}
REPEATING_LABELS = sorted(regex for regex in ACCEPTED if ")*" in regex or ")+" in regex)
CRAFTED = ["https://" + (unit * 60)[:51] + "!" for unit in ("a", "a-", "a.", "a0-")]


def serve(project: Path, regex: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = start_server(
        [str(BIN / "python"), "-m", "uvicorn", f"{PACKAGE}.main:app", "--host", "127.0.0.1", "--port", str(port)],
        project,
        {**project_env(project), "PATH": str(BIN), VARIABLE: regex},
    )
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("served") / "service", {"project_name": "Regex Served"})


def test_the_table_gives_both_kinds() -> None:
    assert len(REFUSED) >= 50
    assert len(REPEATING_LABELS) >= 5
    assert all(len(origin) == 60 for origin in CRAFTED)


@pytest.mark.parametrize("regex", REFUSED)
def test_a_refused_regex_stops_the_service_with_one_line(project: Path, regex: str) -> None:
    process, _ = serve(project, regex)
    output, _ = process.communicate(timeout=60)

    refusal = regex_problems(regex)[0].sentence(VARIABLE)
    assert process.returncode != 0
    assert [line for line in output.splitlines() if VARIABLE in line] == [
        line for line in output.splitlines() if refusal in line
    ]
    assert sum(refusal in line for line in output.splitlines()) == 1, output
    assert "Traceback" not in output


@pytest.mark.parametrize("regex", REPEATING_LABELS)
def test_a_label_repeating_regex_answers_a_crafted_origin_at_once(project: Path, regex: str) -> None:
    process, url = serve(project, regex)
    trusted = next(sample for sample in origin_samples(regex) if sample.startswith("https://"))
    with answering(process, url + "/home"):
        crafted = [httpx2.get(url + "/home", headers={"Origin": origin}, timeout=10) for origin in CRAFTED]
        granted = httpx2.get(url + "/home", headers={"Origin": trusted}, timeout=10)

    assert all(response.status_code == 200 for response in crafted)
    assert all("access-control-allow-origin" not in response.headers for response in crafted)
    assert granted.headers["access-control-allow-origin"] == trusted
