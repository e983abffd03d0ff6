"""A template that moves on: projects made by `new` under version control, a new release of the template's
recommendation, and what an update leaves in a project's answers and settings."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import invoke
from tests.support.git import commit_all, git

RECOMMENDED_MAX_AGE = "  default: 600\n  when: \"{{ 'max_age' in customize or max_age is defined }}\""


def made_by_new(destination: Path, *flags: str) -> Path:
    """A project made by `new --defaults` with `flags`, committed in its own repository."""
    result = invoke("new", str(destination), "--defaults", "--quiet", *flags)
    assert result.exit_code == 0, result.output
    git(destination, "init", "--quiet")
    commit_all(destination, "Generated")
    return destination


def release(checkout: Path, tag: str | None) -> None:
    """Change the recommended max_age and the generated README, commit, and tag (or leave untagged)."""
    copier_yml = checkout / "copier.yml"
    text = copier_yml.read_text()
    assert RECOMMENDED_MAX_AGE in text, "the max_age question changed shape: update this test"
    copier_yml.write_text(text.replace(RECOMMENDED_MAX_AGE, RECOMMENDED_MAX_AGE.replace("600", "900")))
    readme = checkout / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nReleased again.\n")
    commit_all(checkout, "Recommend a longer preflight cache")
    if tag:
        git(checkout, "tag", tag)


def max_age_of(project: Path) -> str:
    settings = (project / "src" / "my_service" / "settings.py").read_text()
    return settings.split("cors_max_age: int = ", 1)[1].split("\n", 1)[0]
