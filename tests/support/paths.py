"""Where things are: this checkout, its test data, and the bin directory of the environment running the tests."""

from __future__ import annotations

import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
DATA = REPOSITORY / "tests" / "data"
BIN = Path(sys.executable).parent
