"""What `check --scan` found: each attacker origin tried, whether the server let it in, and what that means.

A stranger let in is an error with its fix. A host of the user's own site over https (a family of subdomains, which
the rule set accepts in every other door) is a note: only the owner can create one, but one XSS or takeover there
reaches the API. `*` without credentials lets everyone read public answers and trusts no one in particular. Pure:
`probe` sends the requests and fills these in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi_cors_scaffold.fetch.handshake import SOCKET_FIX, Handshake
from fastapi_cors_scaffold.fetch.http import Response
from fastapi_cors_scaffold.fetch.walk import grants
from fastapi_cors_scaffold.rules.attacks import Attack
from fastapi_cors_scaffold.rules.checks import MESSAGES

# The attacks a regex rule refuses get that rule's fix, so `check` and the rules say the same thing.
_REGEX_RULE = {"prefix": "regex.post_domain", "suffix": "regex.lookalike", "unescaped-dot": "regex.unescaped_dot"}
SCAN_FIXES = {
    "arbitrary": "Stop reflecting the Origin header: answer only origins from a fixed allow_origins list.",
    "null": "Remove 'null' from the allowed origins; serve the pages that need the API from a real origin.",
    **{kind: f"In allow_origin_regex, {MESSAGES[rule]['fix']}." for kind, rule in _REGEX_RULE.items()},
    "substring": "Compare whole origins (origin in a list or set, ==), never a substring test on a string.",
    "sibling": "List the hosts of this site you own instead of matching every name that ends like yours.",
    "http": "Allow only https:// origins: an http page can be rewritten by anyone on the network.",
    "http-subdomain": "Match https:// only in allow_origin_regex: anyone on the network can rewrite an http page.",
    "special-character": "Match host characters explicitly ([a-z0-9-]), never with '.' or a negated class.",
    "third-party": "Remove hosting and sandbox sites from the allowed origins: anyone can publish a page there.",
    "subdomain": "List the subdomains you own in allow_origins instead of matching any subdomain.",
}


@dataclass(frozen=True)
class Grant:
    """What the server answered to one attacker origin on a plain GET, as scanners send it."""

    attack: Attack
    status: int
    allow_origin: str | None
    allow_credentials: str | None
    readable: bool
    readable_with_credentials: bool

    @property
    def let_in(self) -> bool:
        """The server named this origin in Access-Control-Allow-Origin: it trusts it, not merely everyone."""
        return self.readable and self.allow_origin == self.attack.origin


@dataclass(frozen=True)
class Opening:
    """What the server answered to a WebSocket handshake from one attacker origin."""

    attack: Attack
    status: int
    opened: bool

    @property
    def let_in(self) -> bool:
        return self.opened


Tried = Grant | Opening


def grant(attack: Attack, answer: Response) -> Grant:
    readable, with_credentials = grants(attack.origin, answer)
    return Grant(
        attack,
        answer.status,
        answer.get("Access-Control-Allow-Origin"),
        answer.get("Access-Control-Allow-Credentials"),
        readable,
        with_credentials,
    )


def opening(attack: Attack, answer: Handshake) -> Opening:
    return Opening(attack, answer.status, answer.opened)


def strangers(tried: Sequence[Tried]) -> list[Tried]:
    """The attacker origins let in that are not the user's own hosts: each one fails the scan."""
    return [result for result in tried if result.let_in and not result.attack.own]


def own_hosts(tried: Sequence[Tried]) -> list[Tried]:
    """Hosts of the user's own site over https that were let in: a note."""
    return [result for result in tried if result.let_in and result.attack.own]


def public(tried: Sequence[Tried]) -> bool:
    """Whether every origin may read answers without credentials (`*`), trusting no one in particular."""
    return any(isinstance(result, Grant) and result.readable and not result.let_in for result in tried)


def scan_fix(result: Tried) -> str:
    """The server-side change that stops letting this attacker origin in."""
    if isinstance(result, Opening):
        return SOCKET_FIX
    return SCAN_FIXES.get(result.attack.kind, "Allow only the exact origins you own (allow_origins).")


def own_hosts_note(tried: Sequence[Tried]) -> str | None:
    """The note on hosts of the user's own site being let in, or None."""
    own = own_hosts(tried)
    if not own:
        return None
    return (
        f"The server also lets in other https hosts of your own site, e.g. {own[0].attack.origin}: fine if you "
        "control every one of them, but one XSS or subdomain takeover on any reaches this API."
    )
