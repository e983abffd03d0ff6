"""`check` on what CORS does not stop, against hand-written services under uvicorn on loopback: a forged simple POST
that runs although the page cannot read the answer, and a WebSocket any site opens; and both refused by a guard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack

import httpx2
import pytest
import trustme
from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from tests.support.cli import check_json, invoke
from tests.support.forgery_apps import TRUSTED_PAGE, guarded, unguarded
from tests.support.servers import serve_asgi

FOREIGN = "https://evil.example"
FORM = "Content-Type: application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def services() -> Iterator[dict[str, str]]:
    """The unguarded and the guarded service, each under uvicorn on a loopback port."""
    with ExitStack() as stack:
        yield {app.__name__: stack.enter_context(serve_asgi(app())) for app in (unguarded, guarded)}


@pytest.fixture
def open_url(services: dict[str, str]) -> str:
    return services["unguarded"]


@pytest.fixture
def guarded_url(services: dict[str, str]) -> str:
    return services["guarded"]


def transfers(base: str) -> int:
    return int(httpx2.get(f"{base}/transfers").json()["transfers"])


def socket(base: str) -> str:
    return f"{base.replace('http://', 'ws://')}/ws"


@pytest.mark.parametrize("content_type", [FORM, "Content-Type: text/plain", None])
def test_a_forged_simple_post_that_ran_is_reported_though_cors_hides_the_answer(
    open_url: str, content_type: str | None
) -> None:
    before = transfers(open_url)
    header = ["-H", content_type] if content_type else []
    code, report = check_json(f"{open_url}/transfer", "--origin", FOREIGN, "-m", "POST", *header)

    assert code == 1 and report["allowed"] is False and report["preflight"] is False
    assert report["effect"]["ran"] is True and report["effect"]["status"] == 200
    assert "CrossOriginProtection" in report["effect"]["fix"]
    assert transfers(open_url) == before + 1, "the route really ran"


def test_the_text_output_says_the_request_ran_and_how_to_refuse_it(open_url: str) -> None:
    result = invoke("check", f"{open_url}/transfer", "--origin", FOREIGN, "-m", "POST", "-H", FORM)

    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert (
        "Request ran: The browser hides the answer, but the request ran (200): a page on https://evil.example can "
        "still cause its effects." in text
    )
    assert "Fix, if https://evil.example is not yours: Refuse unsafe requests from other sites" in text


def test_a_guard_that_refuses_the_forged_post_is_reported_refused(guarded_url: str) -> None:
    before = transfers(guarded_url)
    code, report = check_json(f"{guarded_url}/transfer", "--origin", FOREIGN, "-m", "POST", "-H", FORM)

    assert code == 1
    assert report["effect"]["ran"] is False and report["effect"]["status"] == 403
    assert report["effect"]["fix"] is None
    assert report["steps"][0]["sent"]["Sec-Fetch-Site"] == "cross-site"
    assert transfers(guarded_url) == before, "the route never ran"


def test_the_trusted_page_is_served_and_gets_no_remark(guarded_url: str) -> None:
    before = transfers(guarded_url)
    code, report = check_json(
        f"{guarded_url}/transfer", "--origin", TRUSTED_PAGE, "-m", "POST", "-H", FORM, "--credentials"
    )

    assert code == 0 and report["allowed"] is True
    assert report["effect"] is None
    assert transfers(guarded_url) == before + 1


@pytest.mark.parametrize(
    "args",
    [
        ["-m", "GET"],  # safe methods should change nothing, so they get no remark
        ["-m", "POST", "-H", "Content-Type: application/json"],  # preflighted: the preflight stops it first
    ],
    ids=["get", "json-post"],
)
def test_requests_that_are_safe_or_preflighted_get_no_remark(open_url: str, args: list[str]) -> None:
    before = transfers(open_url)
    code, report = check_json(f"{open_url}/transfer", "--origin", FOREIGN, *args)

    assert code == 1
    assert report["effect"] is None
    assert transfers(open_url) == before


def test_any_site_can_open_the_socket_of_the_unguarded_service(open_url: str) -> None:
    result = invoke("check", socket(open_url), "--origin", FOREIGN)
    code, report = check_json(socket(open_url), "--origin", FOREIGN)

    assert result.exit_code == 0
    assert "Opens: A page on https://evil.example can open this socket." in result.stdout
    assert code == 0 and report["allowed"] is True and report["status"] == 101
    assert report["websocket"] is True and report["credentials"] is True
    assert report["sent"] == {"Origin": FOREIGN}


def test_the_guard_refuses_a_foreign_socket_before_accept(guarded_url: str) -> None:
    result = invoke("check", socket(guarded_url), "--origin", FOREIGN)

    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert "A page on https://evil.example cannot open this socket: the server refused the handshake (403)" in text


@pytest.mark.parametrize("own", [False, True], ids=["trusted-page", "service-own-origin"])
def test_the_guard_lets_the_trusted_page_and_the_service_itself_open_the_socket(guarded_url: str, own: bool) -> None:
    origin = guarded_url if own else TRUSTED_PAGE
    code, report = check_json(socket(guarded_url), "--origin", origin, "--credentials")

    assert code == 0 and report["allowed"] is True


async def moved(websocket: WebSocket) -> None:
    await websocket.send_denial_response(RedirectResponse("/ws", status_code=307))


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The unguarded service over TLS, with a certificate for 127.0.0.1 from a throwaway CA: its wss:// URL and the
    CA's file."""
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    certificate.private_key_and_cert_chain_pem.write_to_path(str(folder / "server.pem"))
    with serve_asgi(unguarded(), ssl_certfile=str(folder / "server.pem")) as url:
        yield f"{url.replace('http://', 'wss://')}/ws", str(folder / "ca.pem")


def test_a_wss_socket_is_opened_over_verified_tls(tls: tuple[str, str]) -> None:
    url, authority = tls
    result = invoke("check", url, "--origin", FOREIGN, "--json", env={"SSL_CERT_FILE": authority})

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == 101


def test_a_wss_certificate_no_one_vouches_for_is_one_line_and_exit_2(tls: tuple[str, str]) -> None:
    url, _ = tls
    result = invoke("check", url, "--origin", FOREIGN)

    assert result.exit_code == 2
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr or "certificate verify failed" in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_a_redirected_handshake_is_not_followed() -> None:
    with serve_asgi(Starlette(routes=[WebSocketRoute("/old", moved)])) as base:
        code, report = check_json(f"{socket(base).removesuffix('/ws')}/old", "--origin", TRUSTED_PAGE)

    assert code == 1 and report["status"] == 307
    assert "browsers never follow a WebSocket redirect" in report["summary"]


def test_a_closed_port_is_one_line_and_exit_2_for_a_socket() -> None:
    result = invoke("check", "ws://127.0.0.1:9/ws", "--origin", TRUSTED_PAGE, "--timeout", "2")

    assert result.exit_code == 2
    assert result.stderr.startswith("error: The WebSocket handshake with ws://127.0.0.1:9/ws failed")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--method", "POST"], "a WebSocket handshake is always a GET"),
        (["--header", "X-Token: t"], "cannot set headers on a WebSocket handshake"),
        (["--read-header", "X-Total-Count"], "never sees a WebSocket handshake's response headers"),
        (["--browser"], "browsers apply no CORS to a WebSocket"),
        (["--timeout", "0"], "not a number of seconds above 0"),
    ],
)
def test_options_a_page_cannot_use_with_a_socket_are_refused_in_one_line(args: list[str], fragment: str) -> None:
    result = invoke("check", "ws://127.0.0.1:9/ws", "--origin", TRUSTED_PAGE, *args)

    assert result.exit_code == 2
    assert fragment in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_scan_from_the_null_origin_is_refused() -> None:
    result = invoke("check", "http://127.0.0.1:9/", "--origin", "null", "--scan")

    assert result.exit_code == 2
    assert "'null' has none" in result.stderr
