"""Each command locates the template once (`shipped.locate`) and hands it down, and only when it needs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_cors_scaffold.projects import template as shipped
from tests.support.cli import invoke
from tests.support.git import commit_all, git


@pytest.fixture
def located(monkeypatch: pytest.MonkeyPatch) -> list[Path | None]:
    """Every time a run looks for the template's checkout (what `locate` does, once per call)."""
    calls: list[Path | None] = []
    real = shipped._checkout

    def counted() -> Path | None:
        calls.append(real())
        return calls[-1]

    monkeypatch.setattr(shipped, "_checkout", counted)
    return calls


def test_new_then_update_and_lint_of_the_project_locate_the_template_once_each(
    tmp_path: Path, located: list[Path | None]
) -> None:
    project = tmp_path / "service"
    made = invoke("new", str(project), "--defaults", "--quiet", "--origin", "https://app.example.com")
    assert made.exit_code == 0, made.output
    assert len(located) == 1, "new: the --data check, the answer check and rendering share one template"

    git(project, "init", "--quiet")
    commit_all(project, "Generated")
    located.clear()
    updated = invoke("update", str(project), "--defaults", "--quiet")
    assert updated.exit_code == 0, updated.output
    assert len(located) == 1

    located.clear()
    linted = invoke("lint", str(project / ".copier-answers.yml"))
    assert linted.exit_code == 0, linted.output
    assert len(located) == 1, "the answers file needs the recommendation, asked once"


def test_lint_of_code_and_check_input_errors_never_locate_the_template(
    tmp_path: Path, located: list[Path | None]
) -> None:
    source = tmp_path / "main.py"
    source.write_text(
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['https://app.example.com'])\n"
    )

    assert invoke("lint", str(source)).exit_code == 0
    assert invoke("check", "http://127.0.0.1:9/", "--origin", "app.example.com").exit_code == 2
    assert located == []
