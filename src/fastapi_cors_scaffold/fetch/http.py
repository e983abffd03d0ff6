"""HTTP as the Fetch standard reads it for CORS: which headers a page may set, which are safelisted (no preflight),
which response headers page code may read, and a response's header lists parsed the way browsers parse them.
Pure: no sockets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import ada_url

from fastapi_cors_scaffold.rules.attackers import same_site
from fastapi_cors_scaffold.rules.checks import FORBIDDEN_METHODS, NEVER_EXPOSED, NORMALIZED_METHODS, is_token

Headers = tuple[tuple[str, str], ...]

SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}
)
FORBIDDEN_RESPONSE_HEADERS = NEVER_EXPOSED
SAFELISTED_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
NON_WILDCARD_HEADERS = frozenset({"authorization"})
FORBIDDEN_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
REQUEST_BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})
SAFELIST_VALUE_LIMIT = 128
SAFELIST_TOTAL_LIMIT = 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTTP_WHITESPACE = " \t"
# Sec-Fetch-Site values, from the closest relation to the farthest: a redirect chain takes the farthest.
FETCH_SITES = ("same-origin", "same-site", "cross-site")

_UNSAFE_BYTES = re.compile(r'[\x00-\x08\x0a-\x1f"():<>?@\[\\\]{}\x7f]')
_LANGUAGE_VALUE = re.compile(r"[0-9A-Za-z *,\-.;=]*")
_RANGE_VALUE = re.compile(r"bytes=([0-9]+)-([0-9]*)")


@dataclass(frozen=True)
class Response:
    """The parts of an HTTP response the CORS checks read; `body` is a short prefix, for error pages."""

    status: int
    headers: Headers = ()
    body: str = ""

    def fields(self, name: str) -> list[str]:
        """The value of every `name` header field, trimmed of HTTP whitespace as the Fetch standard does."""
        lowered = name.lower()
        return [value.strip(HTTP_WHITESPACE) for key, value in self.headers if key.lower() == lowered]

    def values(self, name: str) -> list[str]:
        """Every value of header `name`, split on commas as a header list is."""
        return [item.strip(HTTP_WHITESPACE) for field in self.fields(name) for item in field.split(",")]

    def get(self, name: str) -> str | None:
        """The header's values joined as one field, or None when absent."""
        found = self.fields(name)
        return ", ".join(found) if found else None

    def tokens(self, name: str) -> list[str] | None:
        """A list-of-tokens header (`Access-Control-Allow-Methods` and the like) as browsers parse it: empty items
        dropped, None when one item is not a token, which makes the whole header fail."""
        items = [item for item in self.values(name) if item]
        return items if all(is_token(item) for item in items) else None


def forbidden_method_reason(method: str) -> str | None:
    """Why `fetch()` refuses to send `method` at all, or None when it may."""
    if method.upper() in FORBIDDEN_METHODS:
        return f"fetch() refuses the method {method} (CONNECT, TRACE and TRACK are forbidden methods: it throws)"
    return None


def header_value_problem(value: str) -> str | None:
    """Why `fetch()` would refuse `value` as a header value (it throws), or None: Latin-1 such as 'héllo' is fine."""
    if any(ord(char) > 0xFF for char in value):
        return (
            "the value has characters outside Latin-1 (ISO-8859-1), which fetch() refuses in a header; "
            "percent-encode or base64 it"
        )
    if any(char in value for char in "\x00\r\n"):
        return "the value contains a NUL or line break, which fetch() refuses in a header"
    return None


def normalize_method(method: str) -> str:
    """Browsers upper-case only the six methods the standard names; `patch` stays `patch`."""
    return method.upper() if method.upper() in NORMALIZED_METHODS else method


def is_forbidden_header(name: str) -> bool:
    """A header page code cannot set (fetch() drops it): the standard's forbidden names, `Proxy-` and `Sec-`."""
    lowered = name.lower()
    return lowered in FORBIDDEN_HEADERS or lowered.startswith(("proxy-", "sec-"))


def is_safelisted_header(name: str, value: str) -> bool:
    """A CORS-safelisted request header: sent without a preflight."""
    if len(value.encode()) > SAFELIST_VALUE_LIMIT:
        return False
    name = name.lower()
    if name == "accept":
        return not _UNSAFE_BYTES.search(value)
    if name in ("accept-language", "content-language"):
        return bool(_LANGUAGE_VALUE.fullmatch(value))
    if name == "content-type":
        essence = value.split(";", 1)[0].strip().lower()
        return not _UNSAFE_BYTES.search(value) and essence in SAFELISTED_CONTENT_TYPES
    if name == "range":
        match = _RANGE_VALUE.fullmatch(value)
        return match is not None and (not match[2] or int(match[1]) <= int(match[2]))
    return False


def unsafe_header_names(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The request's CORS-unsafe header names, lower-cased and sorted: `Access-Control-Request-Headers`."""
    unsafe: set[str] = set()
    safelisted: set[str] = set()
    total = 0
    for name, value in headers:
        if is_safelisted_header(name, value):
            safelisted.add(name.lower())
            total += len(value.encode())
        else:
            unsafe.add(name.lower())
    if total > SAFELIST_TOTAL_LIMIT:
        unsafe |= safelisted
    return sorted(unsafe)


def needs_preflight(method: str, headers: Iterable[tuple[str, str]]) -> bool:
    """Whether the request is not simple: a method other than GET, HEAD, POST, or a header not safelisted."""
    return method not in SAFELISTED_METHODS or bool(unsafe_header_names(headers))


def preflight_headers(origin: str, method: str, headers: Iterable[tuple[str, str]], site: str) -> Headers:
    """The preflight `OPTIONS` request's headers; it never carries cookies or the request's own headers."""
    names = unsafe_header_names(headers)
    sent: list[tuple[str, str]] = [("Origin", origin), ("Access-Control-Request-Method", method)]
    if names:
        sent.append(("Access-Control-Request-Headers", ",".join(names)))
    return (*sent, ("Accept", "*/*"), *fetch_metadata(site))


def readable_header(name: str, credentials: bool, response: Response) -> str | None:
    """What `response.headers.get(name)` gives page code: safelisted headers always, others only when exposed
    (`*` exposes all only without credentials), `Set-Cookie` never; None when it cannot read it."""
    lowered = name.lower()
    value = response.get(name)
    if value is None or lowered in FORBIDDEN_RESPONSE_HEADERS:
        return None
    if lowered in SAFELISTED_RESPONSE_HEADERS:
        return value
    exposed = {item.lower() for item in response.tokens("Access-Control-Expose-Headers") or []}
    return value if lowered in exposed or ("*" in exposed and not credentials) else None


def origin_of(url: str) -> str | None:
    """The origin a browser sends for a page at `url`, or None if it has none (an opaque origin)."""
    try:
        origin = ada_url.URL(url).origin
    except ValueError:
        return None
    return None if origin == "null" else origin


def path_of(url: str) -> str:
    """The path and query of `url`, as a page would write it for its own origin."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def fetch_site(initiator: str, url: str, before: str = "same-origin") -> str:
    """`Sec-Fetch-Site` of a request from a page on `initiator` to `url`, after redirects that were already `before`:
    guards à la Go's CrossOriginProtection refuse cross-site unsafe requests by it."""
    target = origin_of(url)
    if initiator != "null" and target == initiator:
        site = "same-origin"
    elif initiator != "null" and target is not None and same_site(initiator, target):
        site = "same-site"
    else:
        site = "cross-site"
    return max(site, before, key=FETCH_SITES.index)


def fetch_metadata(site: str) -> Headers:
    """The Fetch Metadata headers of a page's `fetch()` call (Chromium 76+, Firefox 90+, Safari 16.4+ send them; the
    WebSocket handshake has none)."""
    return (("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty"))
