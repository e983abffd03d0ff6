"""The origin a browser sends for a URL, by the WHATWG URL Standard (`ada_url`), for following requests as a browser.

Whether a configured origin is valid is a rule, and lives in `cors_rules`.
"""

from __future__ import annotations

import ada_url


def origin_of(url: str) -> str | None:
    """The origin a browser sends for a page at `url`, or None if it has none (an opaque origin)."""
    try:
        origin = ada_url.URL(url).origin
    except ValueError:
        return None
    return None if origin == "null" else origin
