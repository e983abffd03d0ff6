from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every generated project checked in a test session: the projects share most modules."""
    return tmp_path_factory.mktemp("mypy-cache")
