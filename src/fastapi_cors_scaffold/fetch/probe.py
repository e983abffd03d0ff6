"""Probing a live server: the only module that talks to the network, feeding the pure checks of `walk`, `handshake`
and `scan`. It talks only to the URL it is given.

Requests go out exactly as the browser would send them (redirects are not followed by the client: `walk.fetch`
decides), without cookies or proxies from the environment, and only a short prefix of each body is read. Every
request gets a connection of its own, as robust as a browser's: a server that sends stray bytes after a bodiless answer
(a 204 with a body) cannot corrupt the next request. Header values go out as Latin-1 bytes, as browsers send them.

A WebSocket handshake is the `websockets` library's (its Sans-I/O protocol, which bounds what it reads) over a socket
of our own, so that nothing follows a redirect or a proxy setting, as a browser's handshake follows none. An opened
socket is closed at once, politely.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx2
from websockets.client import ClientProtocol
from websockets.exceptions import InvalidHandshake, InvalidMessage, InvalidStatus, InvalidURI
from websockets.extensions.permessage_deflate import enable_client_permessage_deflate
from websockets.http11 import USER_AGENT
from websockets.http11 import Response as HandshakeResponse
from websockets.protocol import State
from websockets.typing import Origin
from websockets.uri import parse_uri

from fastapi_cors_scaffold.errors import ProbeError
from fastapi_cors_scaffold.fetch.handshake import Handshake, SocketRequest, SocketVerdict
from fastapi_cors_scaffold.fetch.http import Headers, Response
from fastapi_cors_scaffold.fetch.scan import Grant, Opening, grant, opening
from fastapi_cors_scaffold.fetch.verdict import Request, Verdict
from fastapi_cors_scaffold.fetch.walk import fetch
from fastapi_cors_scaffold.rules.attacks import attacker_origins

BODY_PREFIX = 512
RECEIVE_CHUNK = 65536


def check(request: Request) -> Verdict:
    """Send `request` as a browser on `request.origin` would, and judge each answer."""
    with _client(request.timeout) as client:

        def send(method: str, url: str, headers: Headers) -> Response:
            return _send(client, method, url, headers)

        return fetch(request, send)


def scan(url: str, trusted: str, timeout: float = 10.0) -> list[Grant]:
    """Send every attacker origin derived from `trusted` on a plain GET, as scanners do, and record what is granted."""
    with _client(timeout) as client:
        return [
            grant(attack, _send(client, "GET", url, (("Origin", attack.origin), ("Accept", "*/*"))))
            for attack in attacker_origins(trusted)
        ]


def open_socket(request: SocketRequest) -> SocketVerdict:
    """Open the WebSocket as a page on `request.origin` would, and close it again if the server accepts."""
    answer = _handshake(request.url, request.origin, request.timeout)
    return SocketVerdict(request, (("Origin", request.origin),), answer)


def scan_socket(request: SocketRequest) -> list[Opening]:
    """Try the WebSocket handshake from every attacker origin derived from `request.origin`."""
    return [
        opening(attack, _handshake(request.url, attack.origin, request.timeout))
        for attack in attacker_origins(request.origin)
    ]


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


def _handshake(url: str, origin: str, timeout: float) -> Handshake:
    """One handshake with `Origin: origin`, no cookies, no redirect followed; the answer as the browser judges it."""
    try:
        uri = parse_uri(url)
    except InvalidURI as error:
        raise ProbeError(f"{url} is not a WebSocket URL this tool can open: {error}.") from None
    protocol = ClientProtocol(uri, origin=Origin(origin), extensions=enable_client_permessage_deflate(None))
    request = protocol.connect()
    request.headers["User-Agent"] = USER_AGENT
    protocol.send_request(request)
    deadline = time.monotonic() + timeout
    try:
        with ExitStack() as stack:
            connection = stack.enter_context(socket.create_connection((uri.host, uri.port), timeout=timeout))
            if uri.secure:
                secure = ssl.create_default_context().wrap_socket(connection, server_hostname=uri.host)
                connection = stack.enter_context(secure)
            connection.sendall(b"".join(protocol.data_to_send()))
            while not (events := protocol.events_received()) and protocol.handshake_exc is None:
                connection.settimeout(max(deadline - time.monotonic(), 0.001))
                data = connection.recv(RECEIVE_CHUNK)
                if data:
                    protocol.receive_data(data)
                else:
                    protocol.receive_eof()
            if protocol.state is State.OPEN:  # not yet closed by the server
                protocol.send_close()
                connection.sendall(b"".join(protocol.data_to_send()))
    except TimeoutError:
        raise ProbeError(f"The WebSocket handshake with {url} timed out.") from None
    except OSError as error:
        raise ProbeError(f"The WebSocket handshake with {url} failed: {error.strerror or error}.") from None
    failure = protocol.handshake_exc
    if isinstance(failure, InvalidMessage) or not events:
        cause = failure.__cause__ if failure is not None and failure.__cause__ else failure
        raise ProbeError(f"{url} did not answer the WebSocket handshake with HTTP: {cause}.") from None
    response = events[0]
    assert isinstance(response, HandshakeResponse)  # the only event before the socket opens
    answer = Handshake(
        response.status_code,
        tuple(response.headers.raw_items()),
        bytes(response.body[:BODY_PREFIX]).decode(errors="replace"),
    )
    if isinstance(failure, InvalidHandshake) and not isinstance(failure, InvalidStatus):
        return Handshake(answer.status, answer.headers, answer.body, str(failure))
    return answer
