"""Templates as Copier sees them: this working tree released as v1.0.0, a next release, projects generated from them.

The release holds the working tree as it is now, uncommitted edits included, so that a change is measured before it
is committed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from benchmarks.harness import run, tool
from tests.support.git import commit_all, git
from tests.support.paths import REPOSITORY

NEXT_RELEASE_LINE = "Release 1.1.0 of the template: a changed line to update."


def release_of_working_tree(destination: Path) -> Path:
    """A git repository holding the working tree (tracked and untracked, not ignored, symlinks kept), tagged v1.0.0."""
    listed = git(REPOSITORY, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
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
    """Commit everything in `repository`, tag it as the release `tag`, and pack it.

    Packed as a repository fetched from a server is: Copier clones a local template with `git clone`, which hardlinks
    a fresh repository's loose objects one file each, a cost that grows with the repository and no user pays.
    """
    if init:
        git(repository, "init", "-q", "-b", "main")
    commit_all(repository, f"release {tag}")
    git(repository, "tag", tag)
    git(repository, "repack", "-a", "-d", "-q")
    return repository


def next_release(template: Path) -> None:
    """v1.1.0 of a template released by `release_of_working_tree`: a changed line in the generated README."""
    readme = template / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + f"\n{NEXT_RELEASE_LINE}\n")
    tag_repository(template, "v1.1.0")


def is_updated(project: Path) -> bool:
    return NEXT_RELEASE_LINE in (project / "README.md").read_text()


def copier_copy(template: Path, destination: Path, ref: str | None = None) -> list[str]:
    """The command line of `copier copy --defaults`, as a person runs it."""
    command = [tool("copier"), "copy", "--defaults"]
    if ref:
        command += ["--vcs-ref", ref]
    return [*command, str(template), str(destination)]


def committed_project(template: Path, project: Path, ref: str) -> Path:
    """A project generated from `template` at `ref` and committed, ready for `copier update`."""
    run(copier_copy(template, project, ref))
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "generated")
    return project


def file_count(project: Path) -> int:
    return sum(1 for path in project.rglob("*") if path.is_file() and ".git" not in path.parts)
