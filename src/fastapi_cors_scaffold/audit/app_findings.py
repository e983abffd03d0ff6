"""What only the whole app shows, and what only the call shows: middleware that answers before CORS, WebSocket
routes no Origin check protects, and keywords CORSMiddleware does not take (or takes only in some Starlettes).

Each finding carries a stable rule id of its own, apart from the rule module's keys, so code scanning can group and
dismiss one class of finding. Pure: the app was modelled by `apps`, the call read by `python_source`.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from fastapi_cors_scaffold.audit.model import Configuration, Layer, Setting, Unknown, WebSocketRoute, shown
from fastapi_cors_scaffold.rules.findings import Finding, Severity

MIDDLEWARE_BEFORE_CORS = "middleware.before_cors"
WEBSOCKET_UNCHECKED = "websocket.origin_unchecked"
UNKNOWN_KEYWORD = "keyword.unknown"
PRIVATE_NETWORK = "keyword.private_network"
POSITIONAL_ORDER = "arguments.positional_order"
RULES = {
    MIDDLEWARE_BEFORE_CORS: "Middleware runs before CORS and answers preflights without CORS headers",
    WEBSOCKET_UNCHECKED: "A WebSocket route no Origin check protects (CORS does not apply to WebSockets)",
    UNKNOWN_KEYWORD: "A keyword CORSMiddleware does not take (a TypeError at start-up)",
    PRIVATE_NETWORK: "allow_private_network answers a preflight Chromium no longer sends",
    POSITIONAL_ORDER: "Positional arguments to CORSMiddleware, read in one Starlette's parameter order",
}
# Middleware and adapters that never answer a request themselves: outside CORS, they cannot swallow a preflight.
PASS_THROUGH = frozenset(
    {"GZipMiddleware", "SessionMiddleware", "ProxyHeadersMiddleware", "SentryAsgiMiddleware", "Mangum"}
)
_WRAP_FIX = (
    "Add CORSMiddleware last (add_middleware runs the last added first), list it first in middleware=[...], or wrap "
    "the whole stack as the generated projects do (a FastAPI subclass whose build_middleware_stack returns "
    "CORSMiddleware(super().build_middleware_stack(), ...))."
)


def app_findings(configuration: Configuration, credentials: bool | None) -> list[Finding]:
    """Middleware outside this CORS layer, and unprotected WebSocket routes of its app (`credentials`: None when
    not read)."""
    app, cors = configuration.app, configuration.layer
    if app is None or cors is None:
        return []
    findings = [_before_cors(configuration, layer) for layer in app.runs_before(cors) if _answers(layer)]
    if app.origin_guard is None and cors == next(layer for layer in app.layers if layer.cors):
        findings += [
            _unchecked(configuration, route, credentials) for route in app.websockets if route.origin_check is False
        ]
    return findings


def keyword_findings(configuration: Configuration) -> list[Finding]:
    """Keywords outside the policy: unknown ones (misspelled, or too new for the Starlette pinned), and
    `allow_private_network`, explained; and which order positional arguments were read in."""
    findings = []
    parameters = configuration.parameters
    for setting in configuration.keywords:
        if setting.name == "allow_private_network" and setting.name in parameters:
            if not isinstance(setting.value, bool | Unknown):
                findings.append(_not_boolean(setting))
            elif setting.value is not False:
                findings.append(_private_network(setting.line))
            continue
        close = difflib.get_close_matches(setting.name, parameters, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        findings.append(
            Finding(
                f"CORSMiddleware takes no keyword {setting.name}: Starlette refuses it at start-up (TypeError).{hint}",
                f"Use one of its keywords: {', '.join(parameters)}.",
                Severity.ERROR,
                setting.name,
                setting.name,
                setting.line,
                UNKNOWN_KEYWORD,
            )
        )
    if configuration.positional_order:
        findings.append(
            Finding(
                f"Positional arguments were read in the parameter order of {configuration.positional_order}.",
                "Pass CORSMiddleware's settings by keyword: the order changed in Starlette 0.51.",
                Severity.INFO,
                "arguments",
                configuration.positional_order,
                configuration.line,
                POSITIONAL_ORDER,
            )
        )
    return findings


def _answers(layer: Layer) -> bool:
    """Whether a layer may answer a trusted page's preflight itself; an origin guard refuses only untrusted ones."""
    return layer.name.split(".")[-1] not in PASS_THROUGH and not layer.origin_check


def _where(configuration: Configuration, file: Path, line: int) -> tuple[int | None, str]:
    """The line to report (the configuration's when the thing is in another file) and how to name its place."""
    if file.resolve() == configuration.file.resolve():
        return line, f"line {line}"
    try:
        shown_file = file.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown_file = file
    return configuration.line, f"{shown_file}:{line}"


def _before_cors(configuration: Configuration, layer: Layer) -> Finding:
    line, place = _where(configuration, layer.file, layer.line)
    return Finding(
        f"{layer.name} ({place}) runs before CORSMiddleware: a preflight it answers itself (401, 403, 429, a "
        "redirect) carries no CORS headers, and the browser reports a CORS error instead of the real one.",
        _WRAP_FIX,
        Severity.WARNING,
        "middleware",
        layer.name,
        line,
        MIDDLEWARE_BEFORE_CORS,
    )


def _unchecked(configuration: Configuration, route: WebSocketRoute, credentials: bool | None) -> Finding:
    line, place = _where(configuration, route.file, route.line)
    cookies = (
        "with the user's cookies, as the app allows credentials"
        if credentials is not False
        else "with whatever cookies the user has for it"
    )
    return Finding(
        f"WebSocket {route.path} ({route.handler}, {place}) never checks the Origin header: CORS does not apply to "
        f"WebSocket handshakes, so a page on any site can open it {cookies} (cross-site WebSocket hijacking).",
        "Refuse untrusted origins before accepting: compare websocket.headers.get('origin') with the trusted "
        "origins in the handler or a dependency and close (or raise WebSocketException) otherwise, or add a "
        "middleware that does it for every handshake, as the generated projects' cross-origin guard does.",
        Severity.INFO if credentials is False else Severity.WARNING,
        "websocket",
        route.path,
        line,
        WEBSOCKET_UNCHECKED,
    )


def _not_boolean(setting: Setting) -> Finding:
    return Finding(
        f"allow_private_network is {shown(setting.value)}; Starlette expects True or False.",
        "Give allow_private_network as True or False, by keyword.",
        Severity.ERROR,
        setting.name,
        shown(setting.value),
        setting.line,
        PRIVATE_NETWORK,
    )


def _private_network(line: int | None) -> Finding:
    return Finding(
        "allow_private_network answers Private Network Access preflights (Access-Control-Allow-Private-Network). "
        "Chromium replaced them with Local Network Access, where the header opens nothing: the user is asked for "
        "permission instead; other browsers never sent them.",
        "Keep it only for older Chromium; tell users of a public site reaching a local service to expect the prompt.",
        Severity.INFO,
        "allow_private_network",
        "True",
        line,
        PRIVATE_NETWORK,
    )
