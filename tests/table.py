"""The shared table of configured origins (tests/data/origins.toml), loaded the same way by every test module."""

from __future__ import annotations

import tomllib
from pathlib import Path

ORIGINS_TOML = Path(__file__).parent / "data" / "origins.toml"


def load_origin_table() -> tuple[list[str], list[tuple[str, str]]]:
    """(valid origins, [(invalid origin, hint)]): the spec every implementation of the origin rules must meet."""
    with ORIGINS_TOML.open("rb") as file:
        table = tomllib.load(file)
    valid = [str(origin) for origin in table["valid"]]
    invalid = [(str(row["origin"]), str(row["hint"])) for row in table["invalid"]]
    return valid, invalid
