"""The README a newcomer reads in five minutes, the docs/ pages it leads to, and the commands both promise.

What each page says about the code is tested beside that code: the rules page by the rules table's tests, the CLI
reference by the CLI's, the demo command end to end (tests/e2e/test_readme_demo.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.docs import PAGES, README, anchor, headings, links, resolve, shell_blocks, table_rows
from tests.support.paths import REPOSITORY

README_LINES = 120
CELL_CHARACTERS = 160


def test_the_readme_is_short() -> None:
    assert len(README.read_text().splitlines()) <= README_LINES


def test_the_readme_links_every_page() -> None:
    linked = {resolve(README, target)[0] for target in links(README.read_text())}

    assert PAGES, "docs/ holds the pages"
    assert set(PAGES) <= linked, "a page no one can find from the README"


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda page: page.name)
def test_every_link_inside_the_repository_resolves(page: Path) -> None:
    for target in links(page.read_text()):
        path, fragment = resolve(page, target)
        assert path.exists(), f"{page.name}: {target} points at nothing"
        if fragment:
            assert fragment in {anchor(title) for _, _, title in headings(path.read_text())}, f"{page.name}: {target}"


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda page: page.name)
def test_every_table_cell_fits_a_reader(page: Path) -> None:
    long = [cell for row in table_rows(page.read_text()) for cell in row if len(cell) > CELL_CHARACTERS]

    assert long == [], f"{page.name}: write these as a list, or shorter"


def test_the_readmes_test_command_is_the_one_ci_runs() -> None:
    ci = (REPOSITORY / ".ci" / "run").read_text()
    command = ci.split("# The README's test command, exactly:\n", 1)[1].splitlines()[0]
    lines = [line for block in shell_blocks(README.read_text()) for line in block.splitlines()]

    assert command in lines
    assert 'python -m pytest -m "not e2e"' in lines, "the README gives the fast loop too"
