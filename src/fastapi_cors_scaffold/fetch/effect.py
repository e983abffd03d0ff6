"""What reached the server: CORS keeps the answer from the page, not the request from the server.

A POST with a form, multipart or `text/plain` body (or none) is a simple request: no preflight asks first, so the
server runs it whatever CORS says and the browser only hides the answer. That is cross-site request forgery. For such
a request that the page cannot read, the status says whether the server acted on it. Safe methods (GET, HEAD) get no
such remark: they should change nothing. Pure: it reads the verdict's first answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_cors_scaffold.fetch.http import REDIRECT_STATUSES, normalize_method
from fastapi_cors_scaffold.fetch.verdict import READ_HEADER, Verdict

SAFE_METHODS = frozenset({"GET", "HEAD"})
# What stops it, in the terms of any framework: the cross-origin guard of the services `new` makes.
GUARD_FIX = (
    "Refuse unsafe requests from other sites before any route runs: answer 403 when Sec-Fetch-Site (or, without it, "
    "an Origin other than the service's own) says another site sent one and its Origin is not one you trust, as Go's "
    "net/http CrossOriginProtection does; a CSRF token also works."
)


@dataclass(frozen=True)
class Effect:
    """Whether a forged request the page cannot read still ran: `ran` is True (2xx, or a 303 to the result), False
    (403: refused) or None (any other status: check, which sends no cookies and no body, cannot tell; a 301, 302,
    307 or 308 it does not follow never reached the route it points to)."""

    status: int
    ran: bool | None
    summary: str
    fix: str | None


def effect_of(verdict: Verdict) -> Effect | None:
    """What the server did with an unsafe simple request CORS keeps the page from reading; None for any other."""
    request = verdict.request
    method = normalize_method(request.method)
    if method in SAFE_METHODS or verdict.preflighted or not verdict.steps:
        return None
    if all(problem.rule == READ_HEADER for step in verdict.steps for problem in step.problems):
        return None  # the page reads the answer: nothing is hidden from it
    # The last answer to the unsafe method itself: a 307 or 308 the browser followed sent it on to the target.
    status = next(step.response.status for step in reversed(verdict.steps) if step.method == method)
    origin = request.origin
    if 200 <= status <= 299 or status == 303:
        return Effect(
            status,
            True,
            f"The browser hides the answer, but the request ran ({status}): a page on {origin} can still cause its "
            "effects.",
            GUARD_FIX,
        )
    if status == 403:
        return Effect(
            status,
            False,
            f"The server refused the request (403), as a cross-origin guard does: a page on {origin} cannot cause "
            "its effects (check sends no cookies: a 403 from a permission check would look the same).",
            None,
        )
    why = f"the server redirected it ({status})" if status in REDIRECT_STATUSES else f"the server answered {status}"
    return Effect(
        status,
        None,
        f"Not shown whether a page on {origin} can cause the request's effects: {why}, and check sends no cookies "
        "and no body.",
        None,
    )
