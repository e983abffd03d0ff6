"""Each test's layer is the folder it lives in: `tests/unit`, `tests/cli`, `tests/rendering` or `tests/e2e` marks it
`unit`, `cli`, `rendering` or `e2e`, so `-m "not e2e"` is the fast loop and `-m unit` the pure modules alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
LAYERS = ("unit", "cli", "rendering", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    outside = set()
    for item in items:
        layer = item.path.relative_to(TESTS).parts[0] if item.path.is_relative_to(TESTS) else None
        if layer in LAYERS:
            item.add_marker(layer)
        else:
            outside.add(str(item.path.relative_to(TESTS.parent)))
    if outside:
        raise pytest.UsageError(f"{', '.join(sorted(outside))}: move it into one of tests/{{{','.join(LAYERS)}}}.")


def pytest_configure(config: pytest.Config) -> None:
    """`new` runs `uv lock` against the package index: only the tests of that step turn it on again (with
    FASTAPI_CORS_SCAFFOLD_LOCK=1), so every other project the suite makes stays offline and quick to make."""
    os.environ["FASTAPI_CORS_SCAFFOLD_LOCK"] = "0"
