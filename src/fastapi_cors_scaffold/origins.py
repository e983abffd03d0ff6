"""Configured CORS origins: is a value exactly what a browser sends, and if not, why not.

A browser compares `Access-Control-Allow-Origin` byte for byte with the serialization of its own origin, so a
configured origin spelled any other way can never match: that is an error, not a style issue. The arbiter is a round
trip through the WHATWG URL parser (`ada_url`); the rules checked before it only exist to say *what* is wrong, and the
host rules are stricter than the URL Standard on purpose (no `_`, no trailing dot, no empty label).
"""

from __future__ import annotations

import re

import ada_url

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": "80", "https": "443"}
EXAMPLE = "https://app.example.com"

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://")
_OTHER_SCHEMES = frozenset({"about", "blob", "data", "file", "ftp", "javascript", "mailto", "ws", "wss"})
_AFTER_AUTHORITY = re.compile(r"[/?#\\]")
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"0[xX][0-9A-Fa-f]*|[0-9]+")
_LABEL_CHARS = re.compile(r"[a-z0-9-]+")
_IPV6_CHARS = re.compile(r"[0-9A-Fa-f:.]+")


def explain_origin(value: str) -> str | None:
    """Return None if a browser can send `value` as its origin, else one sentence naming the fault and the fix."""
    q = _quote(value)
    if value == "":
        return f"An empty string ({q}) is not an origin: write one like '{EXAMPLE}'."
    if value == "*":
        return (
            f"{q} is not an origin: it is only allowed alone as the whole allow_origins list, "
            "and never with allow_credentials."
        )
    if value.lower() == "null":
        return (
            f"{q} must not be trusted: sandboxed iframes, data: and file: pages and redirected requests all send it, "
            "so anyone can build a page with that origin."
        )
    return _explain_whitespace(value) or _explain_url(value) or _explain_round_trip(value)


def is_origin(value: str) -> bool:
    """Whether `value` is a valid configured origin; `explain_origin` says why not."""
    return explain_origin(value) is None


def origin_of(url: str) -> str | None:
    """The origin a browser sends for a page at `url` (or for a sloppily written origin), or None if it has none."""
    return _browser_form(url)


def _explain_whitespace(value: str) -> str | None:
    q = _quote(value)
    if value != value.strip():
        return f"{q} has leading or trailing whitespace: remove it, as in {_quote(value.strip())}."
    if any(c.isspace() or not c.isprintable() for c in value):
        what = "a space" if " " in value else "whitespace or a control character"
        return f"{q} contains {what}: an origin never does, so remove it."
    return None


def _explain_url(value: str) -> str | None:
    """Name the first part of `value` that is not `scheme://host[:port]` in the browser's spelling."""
    q = _quote(value)
    match = _SCHEME.match(value)
    if match is None:
        head, colon, after = value.partition(":")
        head = head.lower()
        if colon and head in SCHEMES:
            fixed = f"{head}://{after.lstrip('/')}"
            return f"{q} is missing the '//' after '{head}:': write it as '{fixed}'."
        if colon and head in _OTHER_SCHEMES:
            return f"{q} uses the '{head}' scheme, but a configured origin must start with http:// or https://."
        bare = value.lstrip("/")
        return f"{q} has no scheme: write it as 'https://{bare}' (or 'http://{bare}' for a plain-HTTP server)."
    scheme = match.group(1)
    if scheme.lower() not in SCHEMES:
        ws = scheme.lower() in ("ws", "wss")
        why = " (a WebSocket handshake carries the origin of the page that opens it)" if ws else ""
        return f"{q} uses the '{scheme}' scheme, but a configured origin must be http:// or https://{why}."
    rest = value[match.end() :]
    tail = _AFTER_AUTHORITY.search(rest)
    authority = rest[: tail.start()] if tail else rest
    if tail:
        return _explain_tail(value, rest[tail.start() :])
    if "@" in authority:
        userinfo = authority.rpartition("@")[0]
        return (
            f"{q} contains user info ('{userinfo}@'): browsers never send credentials in an origin, "
            f"so write '{_browser_form(value) or scheme + '://' + authority.rpartition('@')[2]}'."
        )
    if "*" in authority:
        return (
            f"{q} contains a wildcard, which allow_origins never expands: list each origin, "
            f"or use allow_origin_regex, e.g. r'{_wildcard_regex(scheme, authority)}'."
        )
    if authority == "":
        return f"{q} has no host: write one, as in '{scheme.lower()}://app.example.com'."
    return _explain_authority(value, scheme, authority)


def _explain_tail(value: str, tail: str) -> str:
    q = _quote(value)
    suggestion = _browser_form(value) or value[: -len(tail)]
    if tail == "/":
        return f"{q} is not an origin: drop the trailing slash (browsers send '{suggestion}')."
    what = {"?": "a query", "#": "a fragment"}.get(tail[0], "a path")
    return f"{q} has {what} ('{tail}'), but an origin is only scheme, host and port (browsers send '{suggestion}')."


def _explain_authority(value: str, scheme: str, authority: str) -> str | None:
    q = _quote(value)
    port: str | None = None
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            return f"{q} has an unclosed bracket: write an IPv6 address as '[address]', as in '{scheme}://[::1]'."
        host, after = authority[: close + 1], authority[close + 1 :]
        if after and not after.startswith(":"):
            return f"{q} has '{after}' after the IPv6 address's closing bracket, where only ':port' may follow."
        port = after[1:] if after else None
    elif "]" in authority:
        return f"{q} has a closing bracket without an opening one: write an IPv6 address as '[address]'."
    elif authority.count(":") > 1 and _IPV6_CHARS.fullmatch(authority):
        bracketed = _browser_form(f"{scheme}://[{authority}]") or f"{scheme}://[{authority}]"
        return f"{q} has an IPv6 address without brackets: write it as '{bracketed}'."
    elif authority.count(":") > 1:
        return f"{q} has more than one ':' after the host: an origin has at most one port."
    else:
        host, colon, port_text = authority.partition(":")
        port = port_text if colon else None
    return _explain_port(value, scheme, port) or _explain_host(value, scheme, host)


def _explain_port(value: str, scheme: str, port: str | None) -> str | None:
    q = _quote(value)
    if port is None:
        return None
    if port == "":
        return f"{q} ends in ':' with no port: drop the colon or write a port number."
    if not _DIGITS.fullmatch(port):
        return f"{q} has the port '{port}', which is not a number: a port is written in decimal digits, 1 to 65535."
    if len(port) > 1 and port.startswith("0"):
        return f"{q} writes the port with a leading zero: browsers send '{_browser_form(value) or value}'."
    if int(port) == 0:
        return f"{q} has port 0, which no browser connects to: use a port from 1 to 65535."
    if int(port) > 65535:
        return f"{q} has the port {port}, outside the range 1 to 65535."
    if DEFAULT_PORTS.get(scheme.lower()) == port:
        return f"{q} writes out the default port :{port}: drop it (browsers send '{_browser_form(value) or value}')."
    return None


def _explain_host(value: str, scheme: str, host: str) -> str | None:
    q = _quote(value)
    if not host.isascii():
        punycode = _browser_form(value)
        where = f"'{punycode}'" if punycode else "the xn-- form"
        return f"{q} has a non-ASCII host: write it in punycode, {where}."
    if host.startswith("["):
        canonical = _browser_form(value)
        if canonical is None:
            return f"{q} has an invalid IPv6 address '{host}': write a valid one in brackets, like '[::1]'."
        if canonical != value.lower():
            return f"{q} does not write the IPv6 address in its canonical form: browsers send '{canonical}'."
    labels = host.split(".")
    last = labels[-1] or (labels[-2] if len(labels) > 1 else "")
    if _NUMBER.fullmatch(last):
        canonical = _browser_form(value)
        if canonical is None:
            return (
                f"{q} has a host ending in a number, which browsers parse as an IPv4 address, and '{host}' "
                "is not one: write four numbers from 0 to 255 in dotted decimal, like 127.0.0.1."
            )
        if canonical != value.lower():
            return f"{q} does not write the IPv4 address in dotted decimal: browsers send '{canonical}'."
    if value != value.lower():
        return f"{q} must be written in lower case: browsers send '{_browser_form(value) or value.lower()}'."
    if host.startswith("["):
        return None
    return _explain_labels(value, scheme, host)


def _explain_labels(value: str, scheme: str, host: str) -> str | None:
    q = _quote(value)
    if host.endswith("."):
        return (
            f"{q} ends the host with a dot: write '{value.replace(host, host.rstrip('.'), 1)}' "
            "(a fully-qualified host name is a different origin that pages almost never have)."
        )
    if len(host) > 253:
        return f"{q} has a host longer than 253 characters, which DNS cannot resolve."
    for label in host.split("."):
        if label == "":
            return f"{q} has an empty label in the host '{host}': remove the extra dot."
        bad = _LABEL_CHARS.sub("", label)
        if bad:
            return f"{q} has '{bad[0]}' in the host: host names may only use a-z, 0-9 and '-'."
        if label.startswith("-") or label.endswith("-"):
            return f"{q} has the host label '{label}', which starts or ends with a hyphen: host labels may not."
        if len(label) > 63:
            return f"{q} has a host label longer than 63 characters, which DNS cannot resolve."
        if label.startswith("xn--") and ada_url.idna_to_unicode(label) == label:
            return f"{q} has the label '{label}', which is not valid punycode: encode the name with IDNA."
    return None


def _explain_round_trip(value: str) -> str | None:
    """The arbiter: whatever the rules above missed, the WHATWG parser must give `value` back unchanged."""
    q = _quote(value)
    try:
        origin = ada_url.URL(value).origin
    except ValueError:
        return f"{q} is not a URL the WHATWG URL parser accepts: write scheme://host[:port], as in '{EXAMPLE}'."
    if origin != value:
        return f"{q} is not in the form browsers send: they send '{origin}'."
    return None


def _browser_form(value: str) -> str | None:
    """What a browser on `value` would send as its origin, if the URL parser accepts it."""
    try:
        origin = ada_url.URL(value).origin
    except ValueError:
        return None
    return None if origin == "null" else origin


def _wildcard_regex(scheme: str, authority: str) -> str:
    """A fullmatch regex for an origin written with `*`: a host label for a `*` in the host, digits in the port."""
    host, colon, port = authority.partition(":")
    pieces = [
        re.escape(f"{scheme.lower()}://"),
        "[a-z0-9-]+".join(re.escape(p) for p in host.split("*")),
    ]
    if colon:
        pieces += [":", "[0-9]+".join(re.escape(p) for p in port.split("*"))]
    return "".join(pieces)


def _quote(value: str) -> str:
    return f"'{value}'" if value.isprintable() else repr(value)
