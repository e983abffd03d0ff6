"""A CORS policy as Starlette's CORSMiddleware takes it, judged by the one rule set (`cors_rules`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fastapi_cors_scaffold.rules.checks import PREFLIGHT_CACHE_CAPS, Problem, policy_problems


@dataclass(frozen=True)
class Policy:
    """The keyword arguments of `CORSMiddleware`, with Starlette's own defaults (the template recommends others)."""

    allow_origins: tuple[str, ...] = ()
    allow_origin_regex: str | None = None
    allow_credentials: bool = False
    allow_methods: tuple[str, ...] = ("GET",)
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int = 600


def problems(policy: Policy) -> list[Problem]:
    """Every reason `policy` must not ship: it cannot work in a browser, or it lets a foreign site in."""
    return policy_problems(**dataclasses.asdict(policy))


def policy_notes(policy: Policy) -> list[str]:
    """Non-fatal remarks: the policy works, but not quite as its numbers suggest."""
    notes = []
    if policy.max_age > PREFLIGHT_CACHE_CAPS["Chromium"]:
        caps = ", ".join(f"{browser} at {seconds} s" for browser, seconds in PREFLIGHT_CACHE_CAPS.items())
        notes.append(
            f"max_age {policy.max_age} caches preflights for less time than it says: browsers cap it ({caps})."
        )
    return notes
