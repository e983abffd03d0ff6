"""Hostile files, read by the installed command in a process whose memory and CPU time are capped, so that a
regression fails here instead of eating the machine: nested YAML anchors, JSON, TOML and YAML nested 100,000 deep,
and Python expressions nested deeper than a recursive reader goes. Each is one line and exit 2 for `lint` and
`update`, that project's failure in a fleet, and a note in a tree."""

from __future__ import annotations

import json
import resource
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import COMMAND
from tests.support.git import commit_all, git

MEMORY = 1 << 30  # the unbounded reading took 1.8 GB for `lint` and 3.9 GB for `update`
CPU_SECONDS = 30
DEPTH = 100_000


def laughs() -> str:
    """325 bytes of nested anchors that stand for nine billion strings."""
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level, name in enumerate("bcdefghij"):
        previous = "a" if level == 0 else "bcdefghij"[level - 1]
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    return text


HOSTILE = {
    "laughs.yaml": laughs() + "allow_origins: *j\n",
    "deep.json": '{"allow_origins": ' + "[" * DEPTH + "]" * DEPTH + "}",
    "deep.toml": "allow_origins = " + "[" * DEPTH + "]" * DEPTH + "\n",
    "deep.yaml": "allow_origins: " + "[" * DEPTH + "]" * DEPTH + "\n",
    # Python parses this, but a reader that recursed over it would not.
    "deep.py": "from starlette.middleware.cors import CORSMiddleware\nORIGINS = " + " + ".join(["'a'"] * 2_000) + "\n",
}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def bounded(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=120, preexec_fn=_limits, check=False
    )


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_lint_refuses_a_hostile_file_in_one_line_within_bounds(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(HOSTILE[name])

    result = bounded("lint", name, cwd=tmp_path)

    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"error: {name} ") and "Traceback" not in result.stderr


def test_lint_of_a_tree_notes_the_hostile_files_and_judges_the_rest(tmp_path: Path) -> None:
    for name, text in HOSTILE.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "main.py").write_text(
        "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=['*'])\n"
    )

    result = bounded("lint", ".", "--json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [Path(c["file"]).name for c in report["configurations"]] == ["main.py"]
    assert sorted(note.split()[1] for note in report["notes"]) == sorted(HOSTILE)
    assert len(result.stdout) < 10_000


def test_lint_of_a_tree_of_only_hostile_files_says_it_skipped_them(tmp_path: Path) -> None:
    for name, text in HOSTILE.items():
        (tmp_path / name).write_text(text)

    result = bounded("lint", ".", cwd=tmp_path)

    assert result.returncode == 2, result.stderr[-2000:]
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no CORS configuration found" in result.stderr
    assert f". Skipped: {sorted(HOSTILE)[0]} " in result.stderr
    assert f"(and {len(HOSTILE) - 1} more files)" in result.stderr


def test_update_refuses_a_hostile_answers_file_before_copier_reads_it(tmp_path: Path) -> None:
    project = tmp_path / "service"
    project.mkdir()
    (project / ".copier-answers.yml").write_text(laughs() + "_commit: 0.1.0\n")

    result = bounded("update", str(project), "--defaults", cwd=tmp_path)

    assert result.returncode == 2, result.stderr[-2000:]
    assert len(result.stderr.strip().splitlines()) == 1 and "aliases that stand for more than" in result.stderr


def test_a_hostile_answers_file_is_that_projects_failure_in_a_fleet(tmp_path: Path) -> None:
    project = tmp_path / "fleet" / "hostile"
    project.mkdir(parents=True)
    (project / ".copier-answers.yml").write_text(laughs() + "_commit: 0.1.0\n")
    git(project, "init", "--quiet")
    commit_all(project, "a project past the reading limits")

    result = bounded("update", str(tmp_path / "fleet"), "--defaults", "--json", cwd=tmp_path)

    assert result.returncode == 1, result.stderr[-2000:]
    (outcome,) = json.loads(result.stdout)
    assert outcome["status"] == "failed" and "aliases that stand for more than" in outcome["reason"]
