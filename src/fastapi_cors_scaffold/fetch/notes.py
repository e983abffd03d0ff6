"""Remarks on an answer the browser accepts: how long its preflight is cached, a missing `Vary: Origin`, and
Chromium's Local Network Access, which is not CORS and which no header changes."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi_cors_scaffold.fetch.http import Response
from fastapi_cors_scaffold.rules.checks import DEFAULT_PREFLIGHT_CACHE, PREFLIGHT_CACHE_CAPS, address_space


def local_network_note(origin: str, url: str) -> str | None:
    """Chromium's Local Network Access: a page on a public origin calling a loopback or private address. Not CORS:
    no header the server sends changes it."""
    page_host, target_host = urlsplit(origin).hostname, urlsplit(url).hostname
    if origin == "null" or page_host is None or target_host is None:
        return None
    page, target = address_space(page_host), address_space(target_host)
    order = {"public": 0, "local": 1, "loopback": 2}
    if order[target] <= order[page]:
        return None
    insecure = urlsplit(origin).scheme != "https"
    return (
        f"Local Network Access, not CORS: a page on {origin} ({page} address) calling a {target} address. Chromium "
        + (
            "blocks it outright, because the page is not a secure context (not https)."
            if insecure
            else "asks the user's permission first and blocks the request if refused."
        )
        + " No CORS header changes this; serve the page and the API from the same kind of address."
    )


def response_notes(origin: str, response: Response) -> list[str]:
    """Remarks on a response the page may read: missing `Vary: Origin` lets a cache hand it to another origin."""
    allowed = response.get("Access-Control-Allow-Origin")
    vary = {item.lower() for item in response.values("Vary")}
    if allowed and allowed != "*" and "origin" not in vary and "*" not in vary:
        return [
            f"The answer names the origin '{allowed}' but has no 'Vary: Origin': a shared cache may serve it to "
            "another origin, which the browser then refuses. Add 'Vary: Origin'."
        ]
    return []


def max_age_notes(response: Response) -> list[str]:
    """How long each browser caches this preflight (per origin, URL and credentials mode)."""
    raw = response.get("Access-Control-Max-Age")
    if raw is None:
        return [f"No Access-Control-Max-Age: browsers cache this preflight for {DEFAULT_PREFLIGHT_CACHE} s only."]
    if not raw.isdigit():
        return [f"Access-Control-Max-Age '{raw}' is not a number of seconds: browsers use {DEFAULT_PREFLIGHT_CACHE} s."]
    seconds = int(raw)
    if seconds == 0:
        return ["Access-Control-Max-Age 0: browsers send a preflight before every such request."]
    if seconds <= min(PREFLIGHT_CACHE_CAPS.values()):
        return [f"Access-Control-Max-Age {seconds}: browsers cache this preflight for {seconds} s."]
    capped = ", ".join(f"{name} {min(seconds, cap)} s" for name, cap in PREFLIGHT_CACHE_CAPS.items())
    return [f"Access-Control-Max-Age {seconds}: browsers cache this preflight for {capped} (their caps)."]
