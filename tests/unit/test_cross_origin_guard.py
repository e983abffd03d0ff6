"""The cross-origin guard that ships in every generated service (`rules/guard.py`), on the rules table: whom the
policy trusts (the same as Starlette's CORSMiddleware, `null` aside), which paths may be exempt, and the decision of
each request, as Go's `net/http.CrossOriginProtection` makes it; then the guard as ASGI middleware."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient, WebSocketDenialResponse
from starlette.websockets import WebSocket

from fastapi_cors_scaffold.rules.checks import origin_trust
from fastapi_cors_scaffold.rules.guard import (
    CROSS_SITE,
    FOREIGN_ORIGIN,
    FOREIGN_SOCKET,
    CrossOriginGuard,
    exempt_paths_problems,
)
from tests.support.table import EXEMPT_ROWS, INVALID_ORIGINS, ROWS, TRUST_ROWS, VALID_ORIGINS, ExemptRow, TrustRow

TRUSTED = "https://app.example.com"
FOREIGN = "https://evil.example"
HOST = "api.example.com"
OWN = f"https://{HOST}"


def compiles(regex: str | None) -> bool:
    try:
        re.compile(regex or "")
    except re.error:
        return False
    return True


@pytest.mark.parametrize(
    "row", TRUST_ROWS, ids=lambda row: f"{row.origin!r} {row.allow_origins} {row.allow_origin_regex}"
)
def test_the_policy_trusts_an_origin_as_the_table_says(row: TrustRow) -> None:
    assert origin_trust(row.allow_origins, row.allow_origin_regex)(row.origin) is row.trusted


TABLE_ORIGINS = sorted(
    {
        *VALID_ORIGINS,
        *INVALID_ORIGINS,
        *(row.origin for row in TRUST_ROWS),
        *(o for r in ROWS for o in r.settings["allow_origins"]),
    }
)
TABLE_POLICIES = [
    (tuple(row.settings["allow_origins"]), row.settings["allow_origin_regex"] or None)
    for row in ROWS
    if isinstance(row.settings["allow_origins"], list) and compiles(row.settings["allow_origin_regex"])
] + [(tuple(row.allow_origins), row.allow_origin_regex) for row in TRUST_ROWS]


@pytest.mark.parametrize(("origins", "regex"), sorted(set(TABLE_POLICIES), key=str))
def test_trust_is_starlettes_is_allowed_origin_but_for_null(origins: tuple[str, ...], regex: str | None) -> None:
    starlette = CORSMiddleware(PlainTextResponse(""), allow_origins=origins, allow_origin_regex=regex)
    trusted = origin_trust(origins, regex)

    for origin in TABLE_ORIGINS:
        assert trusted(origin) is (origin != "null" and starlette.is_allowed_origin(origin)), origin


def test_the_table_tries_every_form_of_origin() -> None:
    assert len(TABLE_ORIGINS) >= 80
    assert len(set(TABLE_POLICIES)) >= 40
    assert {row.trusted for row in TRUST_ROWS} == {True, False}


@pytest.mark.parametrize("row", EXEMPT_ROWS, ids=lambda row: ",".join(row.paths))
def test_exempt_paths_as_the_table_says(row: ExemptRow) -> None:
    problems = exempt_paths_problems(row.paths)

    assert (problems[0].rule if problems else None) == row.rule
    for problem in problems:
        sentence = problem.sentence()
        assert sentence.startswith("cross_origin_exempt_paths: ") and sentence.endswith(".") and "\n" not in sentence
        for suggestion in re.findall(r"write (?:the path (?:alone|before it), )?'([^']*)'", sentence):
            assert exempt_paths_problems([suggestion]) == [], suggestion


GUARD = CrossOriginGuard(PlainTextResponse(""), allow_origins=[TRUSTED], exempt_paths=["/auth/callback"])
# (method, path, Sec-Fetch-Site, Origin, the refusal): Go's CrossOriginProtection.Check, with CORS's trust.
DECISIONS: list[tuple[str, str, str | None, str | None, str | None]] = [
    ("GET", "/transfer", "cross-site", FOREIGN, None),
    ("HEAD", "/transfer", "cross-site", FOREIGN, None),
    ("OPTIONS", "/transfer", "cross-site", FOREIGN, None),
    ("POST", "/transfer", "same-origin", OWN, None),
    ("POST", "/transfer", "same-origin", FOREIGN, None),
    ("POST", "/transfer", "none", None, None),
    ("POST", "/transfer", "cross-site", FOREIGN, CROSS_SITE),
    ("POST", "/transfer", "same-site", "https://blog.example.com", CROSS_SITE),
    ("POST", "/transfer", "cross-site", None, CROSS_SITE),
    ("POST", "/transfer", "cross-site", "null", CROSS_SITE),
    ("POST", "/transfer", "something-new", FOREIGN, CROSS_SITE),
    ("POST", "/transfer", "cross-site", TRUSTED, None),
    ("POST", "/transfer", "same-site", TRUSTED, None),
    ("POST", "/auth/callback", "cross-site", FOREIGN, None),
    ("POST", "/auth/callback/apple", "cross-site", FOREIGN, None),
    ("POST", "/auth/callbacks", "cross-site", FOREIGN, CROSS_SITE),
    ("POST", "/auth", "cross-site", FOREIGN, CROSS_SITE),
    ("POST", "/transfer", None, None, None),
    ("POST", "/transfer", None, OWN, None),
    ("POST", "/transfer", None, f"http://{HOST}", None),
    ("POST", "/transfer", None, FOREIGN, FOREIGN_ORIGIN),
    ("POST", "/transfer", None, "null", FOREIGN_ORIGIN),
    ("POST", "/transfer", None, f"{OWN}:8443", FOREIGN_ORIGIN),
    ("POST", "/transfer", None, TRUSTED, None),
    ("POST", "/auth/callback", None, FOREIGN, None),
    ("PUT", "/transfer", None, FOREIGN, FOREIGN_ORIGIN),
    ("DELETE", "/transfer", "cross-site", FOREIGN, CROSS_SITE),
    ("PATCH", "/transfer", "cross-site", FOREIGN, CROSS_SITE),
    ("PROPFIND", "/transfer", "cross-site", FOREIGN, CROSS_SITE),
]


@pytest.mark.parametrize(("method", "path", "site", "origin", "refusal"), DECISIONS)
def test_a_request_is_decided_as_go_decides_it(
    method: str, path: str, site: str | None, origin: str | None, refusal: str | None
) -> None:
    assert GUARD.refusal(method, path, site, origin, HOST) == refusal


@pytest.mark.parametrize(
    ("origin", "host", "refused"),
    [
        (None, HOST, False),
        (OWN, HOST, False),
        (TRUSTED, HOST, False),
        (FOREIGN, HOST, True),
        ("null", HOST, True),
        (OWN, None, True),
        ("null", "", True),
    ],
)
def test_a_websocket_handshake_needs_a_trusted_or_its_own_origin(
    origin: str | None, host: str | None, refused: bool
) -> None:
    assert GUARD.handshake_refusal(origin, host) == (FOREIGN_SOCKET if refused else None)


def test_a_websocket_is_never_exempt() -> None:
    guard = CrossOriginGuard(PlainTextResponse(""), allow_origins=[TRUSTED], exempt_paths=["/ws"])

    assert guard.handshake_refusal(FOREIGN, HOST) == FOREIGN_SOCKET


async def transfer(request: Request) -> PlainTextResponse:
    request.app.state.ran.append(request.method)
    return PlainTextResponse("done")


async def socket(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


def guarded(root_path: str = "", **options: Any) -> tuple[TestClient, list[str]]:
    app = Starlette(
        routes=[Route("/transfer", transfer, methods=["POST", "PUT", "GET"]), WebSocketRoute("/ws", socket)]
    )
    app.state.ran = []
    return TestClient(CrossOriginGuard(app, allow_origins=[TRUSTED], **options), root_path=root_path), app.state.ran


def test_a_refused_request_gets_403_and_one_line_of_json_and_never_reaches_the_app(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, ran = guarded()

    with caplog.at_level(logging.WARNING):
        response = client.post("/transfer%0Afake", headers={"Sec-Fetch-Site": "cross-site", "Origin": FOREIGN})

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": CROSS_SITE}
    assert response.text.count("\n") == 0
    assert ran == []
    [record] = caplog.records
    assert record.getMessage() == f"Refused cross-origin POST '/transfer\\nfake' from Origin '{FOREIGN}'"


def test_a_trusted_request_reaches_the_app() -> None:
    client, ran = guarded()

    response = client.put("/transfer", headers={"Sec-Fetch-Site": "cross-site", "Origin": TRUSTED})

    assert response.text == "done"
    assert ran == ["PUT"]


def test_the_first_of_repeated_headers_decides_as_for_starlette_and_go() -> None:
    client, ran = guarded()

    refused = client.post("/transfer", headers=[("Origin", FOREIGN), ("Origin", TRUSTED)])
    also_refused = client.post(
        "/transfer", headers=[("Origin", FOREIGN), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Site", "same-origin")]
    )

    assert (refused.status_code, also_refused.status_code) == (403, 403)
    assert ran == []


def test_an_exempt_path_is_the_path_the_routes_see_behind_a_proxy_prefix() -> None:
    """Served under `--root-path /api`, the exempt `/transfer` is `/api/transfer` in the request's URL."""
    client, ran = guarded(root_path="/api", exempt_paths=["/transfer"])

    response = client.post("/api/transfer", headers={"Sec-Fetch-Site": "cross-site", "Origin": FOREIGN})

    assert response.text == "done"
    assert ran == ["POST"]


def test_a_foreign_handshake_gets_a_denial_response_where_the_server_can_send_one() -> None:
    client, _ = guarded()

    with (
        pytest.raises(WebSocketDenialResponse) as refusal,
        client.websocket_connect("/ws", headers={"Origin": FOREIGN}),
    ):
        pass

    assert refusal.value.status_code == 403
    assert refusal.value.json() == {"detail": FOREIGN_SOCKET}


def test_a_foreign_handshake_is_closed_before_accept_where_the_server_cannot_send_a_response() -> None:
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the application must not see the handshake")

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    scope = {"type": "websocket", "path": "/ws", "headers": [(b"host", HOST.encode()), (b"origin", FOREIGN.encode())]}
    asyncio.run(CrossOriginGuard(app)(scope, receive, send))

    assert [message["type"] for message in sent] == ["websocket.close"]
    assert sent[0]["code"] == 1008


def test_when_disabled_everything_reaches_the_app() -> None:
    client, ran = guarded(enabled=False)

    response = client.post("/transfer", headers={"Sec-Fetch-Site": "cross-site", "Origin": FOREIGN})
    with client.websocket_connect("/ws", headers={"Origin": FOREIGN}) as websocket:
        assert websocket.receive_text() == "hello"

    assert response.text == "done"
    assert ran == ["POST"]
