"""A request walked the way a browser walks it: a preflight when the request is not simple, then the request itself,
following redirects (and the origin they taint), each answer asked of a `send` function and judged by the CORS
checks. No sockets here: `probe` supplies `send`, tests supply canned answers. Where a browser is laxer than the
standard, the verdict is the strict one and a note names the browsers that differ."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from fastapi_cors_scaffold.fetch.cors import cors_problems, exposure_problem, preflight_problems
from fastapi_cors_scaffold.fetch.http import (
    NON_WILDCARD_HEADERS,
    REDIRECT_STATUSES,
    REQUEST_BODY_HEADERS,
    Response,
    fetch_metadata,
    fetch_site,
    is_forbidden_header,
    needs_preflight,
    normalize_method,
    origin_of,
    preflight_headers,
)
from fastapi_cors_scaffold.fetch.notes import local_network_note, response_notes
from fastapi_cors_scaffold.fetch.verdict import Request, Send, Step, Verdict
from fastapi_cors_scaffold.rules.findings import Finding

MAX_REDIRECTS = 20


def fetch(request: Request, send: Send) -> Verdict:
    """Send `request` as a browser would and judge every answer; stops at the first step a browser refuses."""
    method = normalize_method(request.method)
    headers = tuple((name, value) for name, value in request.headers if not is_forbidden_header(name))
    notes = [
        f"Browsers do not let page code set '{name}', so it is left out."
        for name, _ in request.headers
        if is_forbidden_header(name)
    ]
    origin, url = request.origin, request.url
    steps: list[Step] = []
    site = "same-origin"
    for hop in range(MAX_REDIRECTS + 1):
        current = Request(url, request.origin, method, headers, request.credentials)
        site = fetch_site(request.origin, url, site)
        if needs_preflight(method, headers):
            sent = preflight_headers(origin, method, headers, site)
            answer = send("OPTIONS", url, sent)
            problems, step_notes = preflight_problems(current, origin, url, answer)
            steps.append(Step("preflight", "OPTIONS", url, sent, answer, tuple(problems), tuple(step_notes)))
            if problems:
                break
        sent = (("Origin", origin), *headers, *fetch_metadata(site))
        answer = send(method, url, sent)
        problems = cors_problems(origin, request.credentials, answer, origin != request.origin)
        step_notes = response_notes(origin, answer) if not problems else []
        location = answer.get("Location")
        if not problems and answer.status in REDIRECT_STATUSES and location:
            target = urljoin(url, location)
            redirect = _redirect_problem(url, target, hop)
            if redirect:
                problems.append(redirect)
            else:
                step_notes.append(f"The browser follows the {answer.status} to {target}.")
        steps.append(Step("request", method, url, sent, answer, tuple(problems), tuple(step_notes)))
        if problems or answer.status not in REDIRECT_STATUSES or not location:
            break
        target = urljoin(url, location)
        if _becomes_get(answer.status, method):
            method = "GET"
            headers = tuple((n, v) for n, v in headers if n.lower() not in REQUEST_BODY_HEADERS)
        if origin_of(target) != origin_of(url):
            headers = tuple((n, v) for n, v in headers if n.lower() not in NON_WILDCARD_HEADERS)
            if origin_of(target) != request.origin:
                origin = "null"
        url = target
    final = steps[-1]
    exposure = [
        problem for name in request.read if (problem := exposure_problem(name, request.credentials, final.response))
    ]
    if final.passed and exposure:
        steps[-1] = Step(final.kind, final.method, final.url, final.sent, final.response, tuple(exposure), final.notes)
    local = local_network_note(request.origin, request.url)
    return Verdict(request, tuple(steps), tuple([*notes, local] if local else notes))


def grants(origin: str, response: Response) -> tuple[bool, bool]:
    """(readable without credentials, readable with credentials) by a page on `origin`, from one answer."""
    return not cors_problems(origin, False, response), not cors_problems(origin, True, response)


def _becomes_get(status: int, method: str) -> bool:
    """A 303 turns anything but GET and HEAD into GET; a 301 or 302 does that to POST only."""
    return (status == 303 and method not in ("GET", "HEAD")) or (status in (301, 302) and method == "POST")


def _redirect_problem(url: str, target: str, hop: int) -> Finding | None:
    parts = urlsplit(target)
    if hop >= MAX_REDIRECTS:
        return Finding(f"More than {MAX_REDIRECTS} redirects.", "Point the request at the final URL.")
    if parts.scheme not in ("http", "https"):
        return Finding(f"The redirect leads to '{target}', which is not http(s).", "Redirect to an http(s) URL.")
    if parts.username or parts.password:
        return Finding(
            f"The redirect to '{target}' carries credentials in the URL, which a CORS request refuses.",
            "Redirect to a URL without user:password@.",
        )
    return None
