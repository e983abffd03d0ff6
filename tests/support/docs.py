"""The README and the pages under docs/, read as Markdown: headings, sections, tables, shell blocks and links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tests.support.paths import REPOSITORY

README = REPOSITORY / "README.md"
DOCS = REPOSITORY / "docs"
PAGES = tuple(sorted(DOCS.glob("*.md")))

_HEADING = re.compile(r"(#{1,6}) (.+)")
_SEPARATOR = re.compile(r"\|(?:\s*:?-+:?\s*\|)+")


def _outside_code(text: str) -> Iterator[tuple[int, str]]:
    """(index, line) of each line outside fenced code blocks, where a `#` starts a heading and not a comment."""
    fenced = False
    for index, line in enumerate(text.splitlines()):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield index, line


def headings(text: str) -> list[tuple[int, int, str]]:
    """(line index, level, title) of every heading."""
    return [
        (index, len(found[1]), found[2]) for index, line in _outside_code(text) if (found := _HEADING.fullmatch(line))
    ]


def anchor(title: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def section(text: str, title: str) -> str:
    """The text under the heading `title`, up to the next heading of the same or a higher level."""
    found = [(index, level) for index, level, heading in headings(text) if heading == title]
    assert len(found) == 1, f"expected one heading {title!r}, found {len(found)}"
    start, level = found[0]
    ends = [index for index, other, _ in headings(text) if index > start and other <= level]
    return "\n".join(text.splitlines()[start + 1 : ends[0] if ends else None])


def table_rows(text: str) -> list[list[str]]:
    """The body rows of every table in `text`, as their cells, with `\\|` read as `|`."""
    lines = text.splitlines()
    rows = []
    for index, line in enumerate(lines):
        is_header = index + 1 < len(lines) and _SEPARATOR.fullmatch(lines[index + 1].strip()) is not None
        if line.startswith("|") and not is_header and not _SEPARATOR.fullmatch(line.strip()):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([cell.strip().replace("\\|", "|") for cell in cells])
    return rows


def shell_blocks(text: str) -> list[str]:
    """The text of every ```sh block."""
    return re.findall(r"^```sh\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def links(text: str) -> list[str]:
    """The targets of the Markdown links that point inside this repository."""
    return [target for target in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:", target)]


def demo_command() -> str:
    """The README's demo: its one shell block that generates a service with `new` and serves it with uvicorn."""
    blocks = [block for block in shell_blocks(README.read_text()) if "scaffold new " in block and "uvicorn " in block]
    assert len(blocks) == 1, f"the README should have one demo block (new, then uvicorn), found {len(blocks)}"
    return blocks[0]


def resolve(page: Path, target: str) -> tuple[Path, str]:
    """The file a link on `page` points at, and its fragment ('' when none)."""
    path, _, fragment = target.partition("#")
    return ((page.parent / path).resolve() if path else page), fragment
