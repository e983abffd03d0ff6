"""A project made by `new` is updated by people and machines that do not have the CLI: a teammate, CI, Renovate.

The canonical URL is served by a local bare repository through git's `insteadOf` (the stand-in for the network);
nothing of this package is installed for them: another HOME, none of the CLI's variables.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.cli import CANONICAL, network, published, released_checkout, run_cli
from tests.support.git import commit_all, git
from tests.support.paths import BIN
from tests.support.rendering import answers_of
from tests.support.updates import made_by_new, max_age_of, release

USER_ROUTE = '''"""Our own endpoint, written after generation."""

def ping() -> str:
    return "pong"
'''


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return released_checkout(tmp_path, monkeypatch, home="author-home", cache="author-cache")


def elsewhere(tmp_path: Path, served: Path) -> dict[str, str]:
    """A machine without this package's data: a fresh HOME, no CLI variables, the URL reachable."""
    home = tmp_path / "teammate-home"
    home.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FASTAPI_CORS_SCAFFOLD_", "COPIER_"))}
    return {**env, "HOME": str(home), **network(served)}


def copier(*args: str, cwd: Path, env: dict[str, str]) -> str:
    result = run_cli(*args, cwd=cwd, env=env, command=str(BIN / "copier"))
    assert result.returncode in (0, 2), f"copier {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def scheduled_check(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The generated workflow's scheduled step, run as written but with this environment's Copier for `uvx`'s."""
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    (step,) = [step for step in workflow["jobs"]["template"]["steps"] if step.get("name") == "copier check-update"]
    uvx = "uvx --from 'copier>=9.19,<10' copier"
    assert uvx in step["run"]
    script = step["run"].replace(uvx, str(BIN / "copier"))
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def test_a_teammate_checks_for_and_takes_a_new_release_with_plain_copier(checkout: Path, tmp_path: Path) -> None:
    author = made_by_new(tmp_path / "author" / "service")
    assert answers_of(author)["_src_path"] == CANONICAL
    release(checkout, "1.1.0")
    served = published(checkout, tmp_path / "published.git")
    teammate = tmp_path / "teammate" / "service"
    git(tmp_path, "clone", "--quiet", str(author), str(teammate))
    env = elsewhere(tmp_path, served)

    check = json.loads(copier("check-update", "--output-format", "json", cwd=teammate, env=env))
    assert check == {"update_available": True, "current_version": "1.0.0", "latest_version": "1.1.0"}
    scheduled = scheduled_check(teammate, env)
    assert scheduled.returncode == 1, scheduled.stdout + scheduled.stderr
    assert "::error" in scheduled.stdout and "run 'copier update --defaults'" in scheduled.stdout
    copier("update", "--defaults", "--quiet", cwd=teammate, env=env)

    assert answers_of(teammate)["_commit"] == "1.1.0"
    assert max_age_of(teammate) == "900"
    assert not (tmp_path / "teammate-home" / ".local" / "share" / "fastapi-cors-scaffold").exists()
    commit_all(teammate, "Template 1.1.0")
    assert scheduled_check(teammate, env).returncode == 0, "up to date after the update"


def test_renovates_command_line_follows_recommendations_keeps_pins_and_user_code(
    checkout: Path, tmp_path: Path
) -> None:
    following = made_by_new(tmp_path / "following")
    pinned = made_by_new(tmp_path / "pinned", "--max-age", "300")
    for project in (following, pinned):
        (project / "src" / "my_service" / "ping.py").write_text(USER_ROUTE)
        with (project / "README.md").open("a") as readme:
            readme.write("\n## Our deployment\n\nBehind the company proxy.\n")
        commit_all(project, "Our own code")
    assert json.loads((following / "renovate.json").read_text())["copier"] == {"enabled": True}
    release(checkout, "1.1.0")
    env = elsewhere(tmp_path, published(checkout, tmp_path / "published.git"))

    for project in (following, pinned):
        renovate = ("update", "--skip-answered", "--defaults", "--answers-file", ".copier-answers.yml")
        copier(*renovate, "--vcs-ref", "1.1.0", cwd=project, env=env)
        assert answers_of(project)["_commit"] == "1.1.0"
        assert (project / "src" / "my_service" / "ping.py").read_text() == USER_ROUTE
        readme = (project / "README.md").read_text()
        assert "Behind the company proxy." in readme and "Released again." in readme
    assert max_age_of(following) == "900", "a recommendation nobody pinned follows the template"
    assert max_age_of(pinned) == "300", "a pinned answer stays"
    assert answers_of(pinned)["max_age"] == 300 and "max_age" not in answers_of(following)
