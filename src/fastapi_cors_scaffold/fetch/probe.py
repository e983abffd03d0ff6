"""Probing a live server: the only module that talks to the network, feeding `browser`'s pure checks.

Requests go out exactly as the browser would send them (redirects are not followed by the client: `browser.fetch`
decides), without cookies or proxies from the environment, and only a short prefix of each body is read. Every
request gets a connection of its own, as robust as a browser's: a server that sends stray bytes after a bodiless answer
(a 204 with a body) cannot corrupt the next request. Header values go out as Latin-1 bytes, as browsers send them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx2

from fastapi_cors_scaffold.errors import ProbeError
from fastapi_cors_scaffold.fetch.http import Headers, Response
from fastapi_cors_scaffold.fetch.verdict import Request, Verdict
from fastapi_cors_scaffold.fetch.walk import fetch, grants
from fastapi_cors_scaffold.rules.attacks import Attack, attacker_origins

BODY_PREFIX = 512


@dataclass(frozen=True)
class Grant:
    """What the server answered to one attacker origin on a plain GET."""

    attack: Attack
    status: int
    allow_origin: str | None
    allow_credentials: str | None
    readable: bool
    readable_with_credentials: bool


def check(request: Request) -> Verdict:
    """Send `request` as a browser on `request.origin` would, and judge each answer."""
    with _client(request.timeout) as client:

        def send(method: str, url: str, headers: Headers) -> Response:
            return _send(client, method, url, headers)

        return fetch(request, send)


def scan(url: str, trusted: str, timeout: float = 10.0) -> list[Grant]:
    """Send every attacker origin derived from `trusted` on a plain GET, as scanners do, and record what is granted."""
    results = []
    with _client(timeout) as client:
        for attack in attacker_origins(trusted):
            answer = _send(client, "GET", url, (("Origin", attack.origin), ("Accept", "*/*")))
            readable, with_credentials = grants(attack.origin, answer)
            results.append(
                Grant(
                    attack,
                    answer.status,
                    answer.get("Access-Control-Allow-Origin"),
                    answer.get("Access-Control-Allow-Credentials"),
                    readable,
                    with_credentials,
                )
            )
    return results


@contextmanager
def _client(timeout: float) -> Iterator[httpx2.Client]:
    limits = httpx2.Limits(max_keepalive_connections=0)
    with httpx2.Client(timeout=timeout, trust_env=False, follow_redirects=False, limits=limits) as client:
        yield client


def _send(client: httpx2.Client, method: str, url: str, headers: Headers) -> Response:
    client.cookies.clear()
    try:
        raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
        with client.stream(method, url, headers=raw) as answer:
            body = b""
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) >= BODY_PREFIX:
                    break
            return Response(
                answer.status_code,
                tuple(answer.headers.multi_items()),
                body[:BODY_PREFIX].decode(errors="replace"),
            )
    except httpx2.InvalidURL as error:
        raise ProbeError(f"{url} is not a URL this tool can request: {error}.") from None
    except httpx2.UnsupportedProtocol:
        raise ProbeError(f"{url} is not an http:// or https:// URL.") from None
    except httpx2.TimeoutException:
        raise ProbeError(f"{method} {url} timed out.") from None
    except httpx2.HTTPError as error:
        reason = str(error) or type(error).__name__
        raise ProbeError(f"{method} {url} failed: {reason}.") from None
