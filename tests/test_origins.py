"""The origin rules against the shared table, plus the invariant that makes them safe: valid implies round-trip."""

from __future__ import annotations

import re

import ada_url
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastapi_cors_scaffold.origins import explain_origin, is_origin
from tests.table import load_origin_table

VALID, INVALID = load_origin_table()


def is_one_sentence(message: str, value: str) -> bool:
    """One line, one final full stop; the quoted value itself may contain anything."""
    text = message.replace(f"'{value}'", "'VALUE'").replace(repr(value), "'VALUE'")
    return text.endswith(".") and "\n" not in text and re.search(r"[.!?]\s+[A-Z]", text[:-1]) is None


def test_table_is_not_empty() -> None:
    assert len(VALID) >= 10
    assert len(INVALID) >= 40


@pytest.mark.parametrize("origin", VALID)
def test_valid_origin_is_accepted(origin: str) -> None:
    assert explain_origin(origin) is None
    assert is_origin(origin)


@pytest.mark.parametrize("origin", VALID)
def test_valid_origin_is_what_a_browser_sends(origin: str) -> None:
    assert ada_url.URL(origin).origin == origin


@pytest.mark.parametrize(("origin", "hint"), INVALID)
def test_invalid_origin_is_explained(origin: str, hint: str) -> None:
    message = explain_origin(origin)
    assert message is not None
    assert not is_origin(origin)
    assert hint.lower() in message.lower()
    assert f"'{origin}'" in message
    assert is_one_sentence(message, origin), message


@pytest.mark.parametrize(("origin", "hint"), INVALID)
def test_suggested_origin_is_valid(origin: str, hint: str) -> None:
    """When a message tells what browsers send, following the advice must fix it."""
    message = explain_origin(origin)
    assert message is not None
    for suggestion in re.findall(r"browsers send '([^']*)'", message):
        assert explain_origin(suggestion) is None, (origin, suggestion)


@pytest.mark.parametrize(
    ("origin", "fragment"),
    [
        ("http://localhost:8080/", "(browsers send 'http://localhost:8080')"),
        ("https://Example.com/", "'https://example.com'"),
        ("https://bücher.de", "'https://xn--bcher-kva.de'"),
        ("https://*.example.com", r"r'https://[a-z0-9-]+\.example\.com'"),
        ("http://localhost:*", "r'http://localhost:[0-9]+'"),
        ("http://::1", "'http://[::1]'"),
        ("ws://localhost:8080", "websocket"),
        ("null", "sandboxed iframes"),
        ("null", "file:"),
        ("*", "allow_credentials"),
        ("*", "alone"),
        ("https://example.com.", "'https://example.com'"),
        ("https://xn--bcher-kva.de:443", "'https://xn--bcher-kva.de'"),
        ("https://example.com/?x=1", "path"),
        ("data:text/plain,hi", "'data' scheme"),
        ("https://a.b%41.com", "'%'"),
        ("https://" + "a" * 64 + ".com", "63"),
        ("https://a\tb.com", "whitespace"),
        ("http://[::1]x", "':port'"),
        ("http://::1]", "bracket"),
        ("https:example.com", "'https://example.com'"),
        ("https:/example.com", "'https://example.com'"),
        ("http://localhost:8080:9090", "one port"),
        ("https://xn--zz.de", "punycode"),
    ],
)
def test_specific_advice(origin: str, fragment: str) -> None:
    message = explain_origin(origin)
    assert message is not None
    assert fragment.lower() in message.lower()
    assert is_one_sentence(message, origin), message


def test_control_characters_are_shown_escaped() -> None:
    message = explain_origin("https://exa\x00mple.com")
    assert message is not None
    assert "\\x00" in message and "\x00" not in message


def test_user_info_is_caught_before_the_parser_drops_it() -> None:
    assert ada_url.URL("https://u@example.com").origin == "https://example.com"
    assert explain_origin("https://u@example.com") is not None


def test_stricter_than_the_url_standard() -> None:
    """The parser keeps these hosts as they are; our host rules still refuse them."""
    for origin in (
        "https://a_b.example.com",
        "https://example.com.",
        "http://localhost:0",
    ):
        assert ada_url.URL(origin).origin == origin
        assert explain_origin(origin) is not None


origin_like = st.from_regex(r"\A(https?|HTTP|ftp)?(://)?[a-zA-Z0-9.\-_\[\]:*@%]{0,20}(:[0-9]{0,6})?/?\Z")


@given(st.one_of(st.text(max_size=40), origin_like))
def test_accepted_means_round_trip(value: str) -> None:
    """Whatever the hand-written rules do, nothing the WHATWG parser would rewrite is accepted."""
    message = explain_origin(value)
    if message is None:
        assert ada_url.URL(value).origin == value
        assert value.startswith(("http://", "https://"))
    else:
        assert is_one_sentence(message, value), message
