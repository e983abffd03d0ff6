"""Attacker origins as `check --scan` and `lint` report them: each origin of the one list (`attackers`, shipped with
the rules) with why granting it is dangerous.

Each is an origin someone other than the owner of the trusted origin can obtain, so a server that grants one grants a
stranger; an https host of the trusted origin's own site is marked `own`: worth a note, not a stranger.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_cors_scaffold.rules.attackers import own_host, scanner_origins

_ANYONE = "a domain anyone can register"
_PLAIN = "plain HTTP, where a network attacker injects script"
WHY = {
    "arbitrary": "any website: the server reflects whatever it is sent",
    "null": "sandboxed iframes and data: or file: pages send 'null', so anyone can",
    "prefix": _ANYONE,
    "suffix": _ANYONE,
    "other-tld": f"{_ANYONE}: yours under another top-level domain",
    "substring": "a domain anyone can register, whose name is inside yours (matched with `in`, not `==`)",
    "sibling": "another host on the same site",
    "unescaped-dot": "a look-alike domain",
    "http": _PLAIN,
    "http-subdomain": f"a subdomain over {_PLAIN}",
    "third-party": "a hosting or sandbox site where anyone can publish",
    "subdomain": "any subdomain: one XSS there reaches the API",
}


@dataclass(frozen=True)
class Attack:
    """An origin to try, the name of the trick, and why granting it is dangerous; `own`: see `attackers.own_host`."""

    kind: str
    origin: str
    why: str
    own: bool = False


def attacker_origins(trusted: str) -> list[Attack]:
    """The scanner's list for `trusted` (scheme://host[:port]), most damaging first."""
    return [
        Attack(kind, origin, _why(kind, detail), own_host(origin, trusted))
        for kind, origin, detail in scanner_origins(trusted)
    ]


def _why(kind: str, detail: str) -> str:
    if kind == "special-character":
        return f"'{detail}' in the host confuses some origin parsers"
    return WHY[kind]
