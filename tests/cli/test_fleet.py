"""`update ROOT` over a folder of services: which projects are this template's, and what is refused in one line
(tests/e2e/test_fleet_update.py updates a fleet)."""

from __future__ import annotations

from pathlib import Path

from fastapi_cors_scaffold.projects.fleet import is_ours
from fastapi_cors_scaffold.projects.template import locate
from tests.support.cli import invoke


def test_projects_of_this_template_are_told_apart_by_their_answers() -> None:
    questions = frozenset(locate().question_names)
    ours = {"_commit": "1.0.0", "project_name": "A", "project_slug": "a", "package_name": "a", "customize": []}

    assert is_ours(ours, questions)
    assert not is_ours({**ours, "use_docker": True}, questions), "a question this template never asked"
    assert not is_ours({"_commit": "1.0.0", "project_name": "A"}, questions)


def test_a_directory_without_projects_and_a_missing_path_are_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    for path in (tmp_path / "empty", tmp_path / "missing"):
        result = invoke("update", str(path), str(tmp_path), "--defaults")
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output
