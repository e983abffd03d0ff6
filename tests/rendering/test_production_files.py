"""The production pieces of a generated project as files: the optional files, their own linters (hadolint,
actionlint, zizmor, pre-commit), the workflow's Python and pinned actions, and what the Dockerfile builds and runs.
tests/e2e/test_production_image.py replays the Dockerfile's commands and runs the result."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.paths import BIN
from tests.support.production import PACKAGE, PREFIX, Stage, render_production
from tests.support.rendering import render, run


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Stage]]:
    return render_production(tmp_path_factory.mktemp("production"))


@pytest.fixture(scope="module")
def project(rendered: tuple[Path, list[Stage]]) -> Path:
    return rendered[0]


@pytest.fixture(scope="module")
def stages(rendered: tuple[Path, list[Stage]]) -> list[Stage]:
    return rendered[1]


OPTIONAL_FILES = {
    "docker": ["Dockerfile", ".dockerignore"],
    "ci_workflow": [".github/workflows/ci.yml"],
    "pre_commit": [".pre-commit-config.yaml"],
    "renovate": ["renovate.json"],
}


def test_every_optional_file_is_generated_by_default(project: Path) -> None:
    for paths in OPTIONAL_FILES.values():
        assert all((project / path).is_file() for path in paths), paths


@pytest.mark.parametrize("question", OPTIONAL_FILES)
def test_an_optional_file_can_be_left_out(tmp_path: Path, question: str) -> None:
    project = render(tmp_path / "service", {question: False})

    for other, paths in OPTIONAL_FILES.items():
        assert all((project / path).exists() is (other != question) for path in paths), paths
    assert (project / ".github").exists() is (question != "ci_workflow")


def test_dockerfile_passes_hadolint(project: Path) -> None:
    result = run([str(BIN / "hadolint"), "Dockerfile"], project)

    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_passes_actionlint_and_zizmor(project: Path) -> None:
    workflow = ".github/workflows/ci.yml"
    actionlint = run([str(BIN / "actionlint"), workflow], project)
    zizmor = run([str(BIN / "zizmor"), "--offline", "--persona=pedantic", workflow], project)

    assert actionlint.returncode == 0, actionlint.stdout + actionlint.stderr
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr


def test_workflow_checks_on_the_chosen_python_with_pinned_actions(tmp_path: Path) -> None:
    project = render(tmp_path / "service", {"python_version": "3.13", "docker": False, "pre_commit": False})
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()

    uses = re.findall(r"uses: (\S+)", workflow)
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action) for action in uses), uses
    assert 'python-version: "3.13"' in workflow
    for check in ("ruff check .", "ruff format --check .", "mypy src tests", "pytest"):
        assert f"run: uv run {check}\n" in workflow


def test_pre_commit_config_is_valid(project: Path) -> None:
    result = run([str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml"], project)
    config = (project / ".pre-commit-config.yaml").read_text()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "id: ruff-check" in config and "id: ruff-format" in config and "id: end-of-file-fixer" in config


def test_image_is_built_from_the_chosen_python_and_runs_the_generated_app(project: Path, stages: list[Stage]) -> None:
    dockerfile = (project / "Dockerfile").read_text()

    assert "ARG PYTHON_VERSION=3.11\n" in dockerfile
    assert stages[-1].cmd == ["uvicorn", f"{PACKAGE}.main:app", "--proxy-headers"]
    assert "WEB_CONCURRENCY" in stages[-1].env and stages[-1].env[f"{PREFIX}ENVIRONMENT"] == "production"
    assert re.search(r"^USER 10001:10001$", dockerfile, re.MULTILINE)
    assert "/health" in " ".join(stages[-1].healthcheck)


LOCK_HINT = "uv.lock missing or out of date with pyproject.toml? Run `uv lock` and commit uv.lock."


def test_the_lock_is_the_owners_and_the_builds_install_only_from_it(project: Path, stages: list[Stage]) -> None:
    """The template renders no uv.lock (`new` runs `uv lock`); the image and CI refuse a missing or stale one and
    say in one line what to run; Renovate refreshes it. tests/e2e/test_production_image.py replays the build."""
    dockerfile = (project / "Dockerfile").read_text()
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    renovate = json.loads((project / "renovate.json").read_text())
    build = next(stage for stage in stages if stage.name == "build")

    assert not (project / "uv.lock").exists()
    assert [argument for step, argument in build.steps if step == "RUN"] == [
        "uv sync --locked --no-dev --no-install-project",
        "uv sync --locked --no-dev --no-editable",
    ]
    assert f"# {LOCK_HINT}\n" in dockerfile
    assert f"# {LOCK_HINT}\n      - run: uv sync --locked\n" in workflow
    assert renovate["lockFileMaintenance"] == {"enabled": True}
