"""The attacker origins `check --scan` sends and `lint` tries on a regex: the scanners' classes, each origin one a
stranger can obtain, and the user's own https hosts told apart from strangers."""

from __future__ import annotations

import pytest

from fastapi_cors_scaffold.audit.policy_findings import lint_policy
from fastapi_cors_scaffold.fetch.handshake import Handshake, refusal_reason
from fastapi_cors_scaffold.fetch.http import Response
from fastapi_cors_scaffold.fetch.scan import grant, opening, own_hosts, public, scan_fix, strangers
from fastapi_cors_scaffold.rules.attackers import HOST_BREAKERS
from fastapi_cors_scaffold.rules.attacks import Attack, attacker_origins
from fastapi_cors_scaffold.rules.policy import Policy

# What CORScanner-style scanners place after the host (the list).
SCANNER_CHARACTERS = ["!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "^", "{", "|", "}", "~", "_", "`", "%60"]
SCANNER_HOSTS = ["https://codepen.io", "https://jsfiddle.net", "https://repl.it", "https://jsbin.com"]


def by_origin(trusted: str) -> dict[str, Attack]:
    return {attack.origin: attack for attack in attacker_origins(trusted)}


def test_the_substring_class_cuts_the_trusted_name_short_at_either_end() -> None:
    attacks = by_origin("https://victim.example")

    assert attacks["https://ictim.example"].kind == "substring"
    assert attacks["https://victim.exampl"].kind == "substring"
    assert by_origin("https://app.example.com")["https://xample.com"].kind == "substring"


def test_every_special_character_scanners_send_is_placed_after_the_host() -> None:
    attacks = by_origin("https://victim.example")

    assert len(HOST_BREAKERS) >= 20
    for char in SCANNER_CHARACTERS:
        assert attacks[f"https://victim.example{char}.evil.net"].kind == "special-character"


def test_third_party_hosting_and_sandbox_sites_are_tried() -> None:
    attacks = by_origin("https://victim.example")

    for origin in [*SCANNER_HOSTS, "https://evil.github.io", "https://evil.vercel.app"]:
        assert attacks[origin].kind == "third-party" and not attacks[origin].own


@pytest.mark.parametrize(
    ("trusted", "origin", "own"),
    [
        ("https://victim.example", "https://evil.victim.example", True),
        ("https://app.example.com", "https://evilapp.example.com", True),
        ("https://app.example.com", "https://evil.app.example.com", True),
        ("https://victim.example", "http://evil.victim.example", False),
        ("https://victim.example", "http://victim.example", False),
        ("https://victim.example", "https://evilvictim.example", False),
        ("https://victim.example", "https://victim.example_.evil.net", False),
        ("https://victim.github.io", "https://evil.github.io", False),
        ("http://localhost:5173", "http://evil.localhost:5173", False),
    ],
)
def test_only_https_hosts_of_the_trusted_site_are_the_users_own(trusted: str, origin: str, own: bool) -> None:
    assert by_origin(trusted)[origin].own is own


def test_the_trusted_origin_itself_is_never_an_attacker() -> None:
    for trusted in ("https://victim.example", "http://127.0.0.1:8000", "https://app.example.com"):
        assert trusted not in by_origin(trusted)


def test_lint_and_scan_share_the_hosting_list() -> None:
    findings = lint_policy(Policy(allow_origins=["https://repl.it", "https://plnkr.co"]))

    assert sum("Anyone can publish a page" in finding.message for finding in findings) == 2


def test_a_scan_tells_strangers_from_own_hosts_and_from_public_answers() -> None:
    attacks = by_origin("https://victim.example")
    stranger, own = attacks["https://evil.example"], attacks["https://evil.victim.example"]
    reflected = [
        grant(attack, Response(200, (("Access-Control-Allow-Origin", attack.origin),))) for attack in (stranger, own)
    ]
    wildcard = [grant(stranger, Response(200, (("Access-Control-Allow-Origin", "*"),)))]

    assert strangers(reflected) == reflected[:1] and own_hosts(reflected) == reflected[1:]
    assert "Stop reflecting the Origin header" in scan_fix(reflected[0])
    assert strangers(wildcard) == [] and public(wildcard)


def test_a_socket_scan_counts_only_opened_handshakes() -> None:
    attack = by_origin("https://victim.example")["null"]
    opened, refused, invalid = (
        opening(attack, Handshake(101)),
        opening(attack, Handshake(403)),
        opening(attack, Handshake(101, error="invalid Sec-WebSocket-Accept")),
    )

    assert strangers([opened, refused, invalid]) == [opened]
    assert "before accept()" in scan_fix(opened)


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (Handshake(403), "refused the handshake (403) before accepting it"),
        (Handshake(404), "nothing answers a WebSocket at this URL"),
        (Handshake(302), "browsers never follow a WebSocket redirect"),
        (Handshake(200), "answered 200, not 101 Switching Protocols"),
        (Handshake(101, error="missing Sec-WebSocket-Accept"), "not a valid WebSocket handshake"),
    ],
)
def test_a_refused_handshake_says_why(answer: Handshake, fragment: str) -> None:
    assert not answer.opened
    assert fragment in refusal_reason(answer)
