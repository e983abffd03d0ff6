"""A service's cross-origin policy: Starlette's CORSMiddleware arguments and the cross-origin guard's switch, judged
by the one rule set (`rules.checks`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fastapi_cors_scaffold.rules.checks import PREFLIGHT_CACHE_CAPS, policy_problems
from fastapi_cors_scaffold.rules.problem import Problem


@dataclass(frozen=True)
class Policy:
    """The keyword arguments of `CORSMiddleware` (`STARLETTE_KEYWORDS`), with Starlette's own defaults (the template
    recommends others), and whether a generated service's cross-origin guard is on: None where there is no such
    setting, as in any app that is not a generated service."""

    allow_origins: tuple[str, ...] = ()
    allow_origin_regex: str | None = None
    allow_credentials: bool = False
    allow_methods: tuple[str, ...] = ("GET",)
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int = 600
    cross_origin_protection: bool | None = None


# The fields of `Policy` that are Starlette's CORSMiddleware keywords, as code and keyword files spell them.
STARLETTE_KEYWORDS = tuple(
    field.name for field in dataclasses.fields(Policy) if field.name != "cross_origin_protection"
)


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
