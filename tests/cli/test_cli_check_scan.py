"""`check --scan` against one loopback server per origin check, flawed or sound: it flags exactly the servers that let
a stranger in, with the kinds of attack each lets in, on CORS and on the WebSocket handshake alike."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cli import check_json, invoke
from tests.support.origin_checks import CHECKS, TRUSTED, OriginCheck, named, origin_check_app, string_origins_app
from tests.support.servers import serve_asgi

SOCKET_CHECKS = [check for check in CHECKS if not check.wildcard]  # '*' means nothing to a handshake


def scan(url: str) -> tuple[int, dict[str, Any]]:
    return check_json(url, "--origin", TRUSTED, "--scan")


def let_in(report: dict[str, Any]) -> set[str]:
    return {entry["kind"] for entry in report["scan"] if entry["trusted"]}


@pytest.mark.parametrize("check", CHECKS, ids=[check.name for check in CHECKS])
def test_scan_flags_exactly_the_servers_that_trust_a_stranger(check: OriginCheck) -> None:
    with serve_asgi(origin_check_app(check)) as base:
        code, report = scan(f"{base}/data")

    assert report["allowed"] is True, "the trusted origin itself is served"
    assert let_in(report) == check.lets_in
    assert code == (1 if check.lets_in else 0)


@pytest.mark.parametrize("check", SOCKET_CHECKS, ids=[check.name for check in SOCKET_CHECKS])
def test_scan_of_a_websocket_flags_exactly_the_handshakes_a_stranger_opens(check: OriginCheck) -> None:
    with serve_asgi(origin_check_app(check)) as base:
        code, report = scan(f"{base.replace('http://', 'ws://')}/ws")

    assert report["allowed"] is True and report["status"] == 101
    assert let_in(report) == check.lets_in
    assert code == (1 if check.lets_in else 0)
    refused = [entry for entry in report["scan"] if not entry["let_in"]]
    assert all(entry["status"] == 403 for entry in refused), "closed before accept: uvicorn answers 403"


def test_starlette_given_one_origin_as_a_string_lets_in_a_substring_of_it() -> None:
    with serve_asgi(string_origins_app()) as base:
        code, report = scan(f"{base}/data")

    trusted = [entry for entry in report["scan"] if entry["trusted"]]
    assert code == 1
    assert [entry["origin"] for entry in trusted] == ["https://victim.exampl"]
    assert "never a substring test" in trusted[0]["fix"]


def test_an_https_subdomain_family_is_a_note_and_its_http_twin_an_attacker() -> None:
    with serve_asgi(origin_check_app(named("https-subdomain-family"))) as base:
        sound = invoke("check", f"{base}/data", "--origin", TRUSTED, "--scan")
    with serve_asgi(origin_check_app(named("http-subdomain"))) as base:
        flawed = invoke("check", f"{base}/data", "--origin", TRUSTED, "--scan")

    assert sound.exit_code == 0, sound.output
    assert "No attacker origin is granted" in sound.stdout
    assert "other https hosts of your own site, e.g. https://evil.victim.example" in sound.stdout
    assert flawed.exit_code == 1
    assert "Fix (http-subdomain, e.g. http://evil.victim.example): Match https:// only" in flawed.stdout


def test_a_wildcard_without_credentials_is_public_not_trusted() -> None:
    with serve_asgi(origin_check_app(named("wildcard-without-credentials"))) as base:
        result = invoke("check", f"{base}/data", "--origin", TRUSTED, "--scan")

    assert result.exit_code == 0
    assert "Every origin may read answers without credentials ('*')" in result.stdout


def test_a_websocket_scan_in_text_names_the_fix_once() -> None:
    with serve_asgi(origin_check_app(named("reflect-any"))) as base:
        result = invoke("check", f"{base.replace('http://', 'ws://')}/ws", "--origin", TRUSTED, "--scan")

    assert result.exit_code == 1
    assert "Attacker origins that open the socket" in result.stdout
    assert result.stdout.count("Fix: Check the Origin header before accept()") == 1
