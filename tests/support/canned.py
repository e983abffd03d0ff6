"""A server as a function of canned answers, for the pure Fetch walk: `fetch(request, server)` asks it instead of the
network and it records what the browser sent."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi_cors_scaffold.fetch.http import Headers, Response

API = "http://api.test"
PAGE = "http://page.test"


class Server:
    """Answers by (method, path); records what the browser sent."""

    def __init__(self, answers: dict[tuple[str, str], Response]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, str, Headers]] = []

    def __call__(self, method: str, url: str, headers: Headers) -> Response:
        self.sent.append((method, url, headers))
        parts = urlsplit(url)
        return self.answers[(method, f"{parts.netloc}{parts.path}" if parts.netloc != "api.test" else parts.path)]


def allow(origin: str = PAGE, **extra: str) -> Headers:
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin", **extra}
    return tuple((name.replace("_", "-"), value) for name, value in headers.items())
