"""The template's version history as one git bundle: built from a checkout, shipped in the wheel, installed per user.

`copier update` re-renders the version named by a project's `_commit` from the `_src_path` it recorded, so the
package carries every version of the template as a git bundle (which Copier accepts as a source) and installs it at
one absolute path per user that stays the same across upgrades. The tip of the bundle is always a tag with the
highest version, so plain `copier copy` and `copier update` pick the version the package ships.

Releases come from the history itself, not from tags (a fresh clone has none): a release is the first commit at
which `pyproject.toml`'s version has a dated section in `CHANGELOG.md` (`## 0.1.0 — 2026-11-25`), and the bundle
carries a PEP 440 tag for each. An unreleased or uncommitted tip gets a tag `<last release>.post<distance>+git-g<sha>`:
Copier records it as `_commit`, and it ends in git's `describe` syntax, so git still resolves it from the commit alone
in a later bundle that lacks the tag. Standard library, `packaging` and `errors` only: `hatch_build.py` and the
release workflow (`PYTHONPATH=src python -m fastapi_cors_scaffold.projects.history releases`) import it from the
source tree before anything is installed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections.abc import Iterable
from pathlib import Path

from packaging.version import InvalidVersion, Version

from fastapi_cors_scaffold.errors import HistoryError

# The rule modules live in the package; the template links to those it ships (template/ and includes/).
TEMPLATE_PATHS = ("copier.yml", "includes", "template", "src/fastapi_cors_scaffold/rules")
BUNDLE_NAME = "history.bundle"
REF_NAME = "ref"
RELEASE_FILES = ("pyproject.toml", "CHANGELOG.md")
DATED_SECTION = re.compile(r"^## +(?P<version>\S+) +[\u2014\u2013-] +\d{4}-\d{2}-\d{2}\b", re.MULTILINE)

_BUILDER = {
    "GIT_AUTHOR_NAME": "fastapi-cors-scaffold",
    "GIT_AUTHOR_EMAIL": "build@fastapi-cors-scaffold.invalid",
    "GIT_COMMITTER_NAME": "fastapi-cors-scaffold",
    "GIT_COMMITTER_EMAIL": "build@fastapi-cors-scaffold.invalid",
}


def build_bundle(checkout: Path, bundle: Path) -> str:
    """Write to `bundle` the history of `checkout` with the template as it is on disk at the tip; return the tip tag.

    Uncommitted edits to the template become one extra commit, made with a fixed author and date so the same edits
    give the same commit; the checkout itself is only read (optional locks off, objects go to a scratch clone).
    """
    if _git("rev-parse", "--is-shallow-repository", cwd=checkout) == "true":
        raise HistoryError(
            f"{checkout} is a shallow clone, so the template's history is incomplete and older projects could not "
            "update: run `git fetch --unshallow` (in CI, check out with full history) and build again."
        )
    with tempfile.TemporaryDirectory(prefix="fastapi-cors-scaffold-") as scratch:
        repo = Path(scratch) / "repo.git"
        _git("clone", "--quiet", "--bare", "--shared", str(checkout), str(repo))
        _git("fetch", "--quiet", str(checkout), "HEAD", git_dir=repo)
        head = _git("rev-parse", "FETCH_HEAD", git_dir=repo)
        _tag_releases(repo, head)
        tip = _commit_working_tree(checkout, repo, head, Path(scratch) / "index") or head
        name = _tip_tag(repo, tip, synthetic=tip != head)
        _git("tag", "--force", name, tip, git_dir=repo)
        _git("update-ref", "--no-deref", "HEAD", tip, git_dir=repo)
        bundle.parent.mkdir(parents=True, exist_ok=True)
        _git("bundle", "create", "--quiet", str(bundle), "HEAD", "--tags", git_dir=repo)
    return name


def checkout_state(checkout: Path) -> str:
    """What `build_bundle` depends on: the checkout's HEAD and the content of its uncommitted template edits."""
    head = _git("rev-parse", "HEAD", cwd=checkout)
    status = _git("status", "--porcelain", "--untracked-files=all", "--", *TEMPLATE_PATHS, cwd=checkout)
    if not status:
        return head
    edited = [line[3:].split(" -> ")[-1] for line in status.splitlines()]
    present = [name for name in edited if (checkout / name).is_file()]
    hashed = _git("hash-object", "--", *present, cwd=checkout) if present else ""
    return f"{head} {status} {hashed}"


def releases(repo: Path, tip: str = "HEAD") -> dict[str, str]:
    """{version: commit} of every release in the history of `tip`: the first commit whose CHANGELOG.md dates the
    version that its pyproject.toml declares."""
    log = ("log", "--reverse", "--topo-order", "--full-history", "--format=%H", tip, "--", *RELEASE_FILES)
    commits = _git(*log, git_dir=repo).split()
    specs = [f"{commit}:{name}" for commit in commits for name in RELEASE_FILES]
    contents = _blobs(repo, specs)
    found: dict[str, str] = {}
    for commit in commits:
        version = _declared_version(contents.get(f"{commit}:pyproject.toml", ""))
        changelog = contents.get(f"{commit}:CHANGELOG.md", "")
        if version is None or str(version) in found:
            continue
        dated = {_release(match["version"]) for match in DATED_SECTION.finditer(changelog)}
        if version in dated:
            found[str(version)] = commit
    return found


def write_mirror(bundle: Path, destination: Path) -> None:
    """Write `bundle` as a bare git repository with every tag and a `main` branch at the tip, ready to push."""
    _git("init", "--quiet", "--bare", "--initial-branch=main", str(destination))
    _git("fetch", "--quiet", str(bundle), "HEAD", "+refs/tags/*:refs/tags/*", git_dir=destination)
    _git("update-ref", "refs/heads/main", "FETCH_HEAD", git_dir=destination)


def export_template(bundle: Path, ref: str, destination: Path) -> None:
    """Unpack the template's files (copier.yml, includes/, template/) of version `ref` from `bundle`."""
    with tempfile.TemporaryDirectory(prefix="fastapi-cors-scaffold-") as scratch:
        repo = Path(scratch) / "repo.git"
        _git("clone", "--quiet", "--bare", str(bundle), str(repo))
        archive = _run(["git", "--git-dir", str(repo), "archive", "--format=tar", ref, *TEMPLATE_PATHS]).stdout
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(destination, filter="data")
        else:  # Python < 3.11.4; the archive comes from our own bundle
            tar.extractall(destination)


def bundle_heads(bundle: Path) -> dict[str, str]:
    """The refs a bundle holds, {name: object id}, read from its text header without running git."""
    heads: dict[str, str] = {}
    with bundle.open("rb") as file:
        signature = file.readline()
        if not signature.startswith(b"# v") or b"git bundle" not in signature:
            raise HistoryError(f"{bundle} is not a git bundle.")
        for raw in iter(file.readline, b""):
            line = raw.decode().rstrip("\n")
            if not line:
                break
            if line.startswith(("-", "@")):
                continue
            object_id, _, name = line.partition(" ")
            heads[name] = object_id
    return heads


def release_names(names: Iterable[str]) -> list[str]:
    """The release tags among ref names, oldest first: not `HEAD`, not a development build's `.post<n>+git-g…`."""
    found = [(version, name) for name in names if (version := _release(name)) is not None and version.local is None]
    return [name for _, name in sorted(found)]


def install_bundle(source: Path, target: Path) -> None:
    """Make `target` hold every version in `source` plus those it already had, with `source`'s tip as HEAD.

    Keeping older versions means a project rendered by a newer or unreleased build can still be updated after
    switching packages. The file is replaced atomically, so a concurrent Copier run reads the old or the new one.
    """
    new = bundle_heads(source)
    old = bundle_heads(target) if target.exists() else {}
    if new.items() <= old.items():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fastapi-cors-scaffold-", dir=target.parent) as scratch:
        staged = Path(scratch) / BUNDLE_NAME
        if old.items() <= new.items():
            shutil.copyfile(source, staged)
        else:
            _merge(target, source, staged, Path(scratch) / "repo.git")
        os.replace(staged, target)


def _merge(older: Path, newer: Path, out: Path, repo: Path) -> None:
    _git("init", "--quiet", "--bare", str(repo))
    _git("fetch", "--quiet", str(older), "+refs/tags/*:refs/tags/*", git_dir=repo)
    _git("fetch", "--quiet", str(newer), "HEAD", "+refs/tags/*:refs/tags/*", git_dir=repo)
    _git("update-ref", "--no-deref", "HEAD", "FETCH_HEAD", git_dir=repo)
    _git("bundle", "create", "--quiet", str(out), "HEAD", "--tags", git_dir=repo)


def _tag_releases(repo: Path, head: str) -> None:
    """Tag each release found in the history; a tag already there with the same name wins."""
    existing = set(_git("tag", "--list", git_dir=repo).split())
    for version, commit in releases(repo, head).items():
        if version not in existing:
            _git("tag", version, commit, git_dir=repo)


def _blobs(repo: Path, specs: list[str]) -> dict[str, str]:
    """The text of each `<commit>:<path>` that exists, read through one `git cat-file --batch`."""
    if not specs:
        return {}
    batch = ["git", f"--git-dir={repo}", "cat-file", "--batch"]
    output = _run(batch, stdin="".join(f"{spec}\n" for spec in specs).encode()).stdout
    contents: dict[str, str] = {}
    position = 0
    for spec in specs:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        contents[spec] = output[position : position + size].decode(errors="replace")
        position += size + 1
    return contents


def _declared_version(pyproject: str) -> Version | None:
    try:
        version = tomllib.loads(pyproject).get("project", {}).get("version")
    except tomllib.TOMLDecodeError:
        return None
    return _release(version) if isinstance(version, str) else None


def _commit_working_tree(checkout: Path, repo: Path, head: str, index: Path) -> str | None:
    """A commit on top of `head` holding the checkout's uncommitted template edits, or None if there are none."""
    paths = [
        path for path in TEMPLATE_PATHS if (checkout / path).exists() or _git("ls-files", "--", path, cwd=checkout)
    ]
    status = _git("status", "--porcelain", "--untracked-files=all", "--", *paths, cwd=checkout)
    if not status:
        return None
    env = {"GIT_WORK_TREE": str(checkout), "GIT_INDEX_FILE": str(index)}
    _git("read-tree", head, git_dir=repo, env=env)
    _git("add", "--all", "--", *paths, git_dir=repo, env=env, cwd=checkout)
    tree = _git("write-tree", git_dir=repo, env=env)
    date = f"@{_git('log', '-1', '--format=%ct', head, git_dir=repo)} +0000"
    dated = {**_BUILDER, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    message = "Template as built from a working tree with uncommitted changes"
    return _git("commit-tree", "--no-gpg-sign", tree, "-p", head, "-m", message, git_dir=repo, env=dated)


def _tip_tag(repo: Path, tip: str, *, synthetic: bool) -> str:
    """The tip's own release tag if it has one, else `<nearest release>.post<distance>+git-g<sha>`."""
    if not synthetic:
        released = [tag for tag in _git("tag", "--points-at", tip, git_dir=repo).split() if _release(tag)]
        if released:
            return max(released, key=Version)
    matches = ("--match=[0-9]*", "--match=v[0-9]*")
    described = _git("describe", "--tags", "--long", *matches, tip, git_dir=repo, check=False)
    base = described.rpartition("-")[0] if described else ""
    base, _, distance = base.rpartition("-")
    version = _release(base)
    if version is None:
        version, distance = Version("0.0.0"), _git("rev-list", "--count", tip, git_dir=repo)
    pre = "".join(str(part) for part in version.pre or ())
    post = (version.post or 0) + int(distance)
    epoch = f"{version.epoch}!" if version.epoch else ""
    return f"{epoch}{version.base_version.split('!')[-1]}{pre}.post{post}+git-g{tip[:12]}"


def _release(tag: str) -> Version | None:
    try:
        return Version(tag)
    except InvalidVersion:
        return None


def _git(
    *args: str,
    git_dir: Path | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> str:
    command = ["git", f"--git-dir={git_dir}"] if git_dir else ["git"]
    return _run([*command, *args], cwd=cwd, env=env, check=check).stdout.decode().strip()


def _run(
    command: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    try:
        result = subprocess.run(command, cwd=cwd, env=full_env, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise HistoryError("git is not installed, and the template's history needs it.") from None
    if check and result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise HistoryError(f"{' '.join(command[:4])} failed: {detail[-1] if detail else result.returncode}")
    return result


if __name__ == "__main__":  # the release workflow: `... -m fastapi_cors_scaffold.projects.history releases`
    if sys.argv[1:] != ["releases"]:
        sys.exit("usage: python -m fastapi_cors_scaffold.projects.history releases   (in a full clone)")
    for name, commit in releases(Path(_git("rev-parse", "--absolute-git-dir"))).items():
        print(name, commit)
