"""Template-owned (fastapi-cors-scaffold): the rules for one origin, as browsers write it. `copier update` replaces
this file.

A browser sends `scheme://host[:port]`, lower case, without the default port, a path or a trailing slash, its host in
punycode and its addresses in their canonical form; an allowed origin written any other way never equals what it
sends. `origin_problem` says why an origin cannot match (or, for `null`, why trusting it lets anyone in), and the
host facts other rules need live here too: public suffixes, registrable domains, where an address lives.
"""

from __future__ import annotations

import ipaddress
import json
import re
from functools import cache
from typing import Any

from .problem import Problem

DEFAULT_PORTS = {"http": "80", "https": "443"}

_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")
_IPV4_PART = re.compile(r"0|[1-9][0-9]{0,2}")


def origin_problem(origin: object, setting: str = "allow_origins") -> Problem | None:
    """Why `origin` can never equal a browser's Origin header, or is dangerous to trust; None when it is fine."""
    if not isinstance(origin, str):
        return Problem(setting, json.dumps(origin), "origin.not_text")

    found = _origin_fault(origin)
    return Problem(setting, origin, found[0], found[1]) if found else None


_Fault = tuple[str, dict[str, str]]


def _fault(rule: str, **params: str) -> _Fault:
    return rule, params


def _origin_fault(origin: str) -> _Fault | None:
    if not origin:
        return _fault("origin.empty")
    if re.search(r"\s", origin):
        return _fault("origin.space", suggestion="'" + re.sub(r"\s", "", origin) + "'")
    if origin == "null":
        return _fault("origin.null")
    if origin == "*":
        return _fault("origin.wildcard_mixed")
    if "*" in origin:
        return _fault("origin.wildcard_inside")
    if missing := re.match(r"(https?):(?!//)/?", origin):
        return _fault(
            "origin.missing_slashes", scheme=missing[1], suggestion=f"'{missing[1]}://{origin[missing.end() :]}'"
        )
    if (other := re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):(?![0-9]*$)", origin)) and "://" not in origin:
        return _fault("origin.scheme", scheme=other[1])
    if "://" not in origin or origin.startswith("//"):
        return _fault("origin.no_scheme", bare=origin.lstrip("/"))
    scheme, rest = origin.split("://", 1)
    authority = re.sub(r"[/?#].*$", "", rest)
    after = rest[len(authority) :]
    if scheme.lower() not in DEFAULT_PORTS:
        return _fault("origin.scheme", scheme=scheme)
    bare = f"'{scheme}://{authority.removesuffix(':' + DEFAULT_PORTS[scheme.lower()])}'"
    if after == "/":
        return _fault("origin.trailing_slash", suggestion=bare)
    if after:
        return _fault("origin.path", part={"/": "a path", "?": "a query"}.get(after[0], "a fragment"), suggestion=bare)
    if "@" in authority:
        return _fault("origin.userinfo")
    return _authority_fault(origin, scheme, authority)


def _authority_fault(origin: str, scheme: str, authority: str) -> _Fault | None:
    bracketed = authority.startswith("[")
    if bracketed and "]" not in authority:
        return _fault("origin.ipv6_unclosed")
    if not bracketed and authority.count(":") > 1:
        return _fault("origin.ipv6_unbracketed")
    host = authority[: authority.index("]") + 1] if bracketed else authority.split(":")[0]
    port_part = authority[len(host) :]
    port = port_part[1:]
    digits = bool(port_part) and re.fullmatch(r"[0-9]+", port) is not None
    checks: list[tuple[bool, str, dict[str, str]]] = [
        (bool(port_part) and not port_part.startswith(":"), "origin.after_ipv6", {}),
        (bool(port_part) and not digits, "origin.port_text", {}),
        (digits and not 1 <= int(port) <= 65535, "origin.port_range", {}),
        (port.startswith("0"), "origin.port_zero", {"suggestion": f"'{scheme}://{host}:{port.lstrip('0')}'"}),
        (not host, "origin.no_host", {}),
    ]
    for failed, rule, params in checks:
        if failed:
            return _fault(rule, **params)
    if not host.isascii():
        try:
            punycode = host.encode("idna").decode("ascii")
        except UnicodeError:
            return _fault("origin.non_ascii", suggestion="its xn-- (punycode) form")
        return _fault("origin.non_ascii", suggestion=f"'{scheme.lower()}://{punycode}{port_part}'")
    if origin != origin.lower():
        return _fault("origin.upper_case", suggestion=f"'{origin.lower()}'")
    if port == DEFAULT_PORTS[scheme]:
        return _fault("origin.default_port", suggestion=f"'{scheme}://{host}'")
    return _host_fault(scheme, host, port_part)


def _host_fault(scheme: str, host: str, port_part: str) -> _Fault | None:
    if host.startswith("["):
        try:
            canonical = ipaddress.IPv6Address(host[1:-1]).compressed
        except ValueError:
            return _fault("origin.ipv6_invalid")
        if host != f"[{canonical}]":
            return _fault("origin.ipv6_form", suggestion=f"'{scheme}://[{canonical}]{port_part}'")
        return None
    parts = host.split(".")
    if _NUMERIC_LABEL.fullmatch(parts[-1]):
        if len(parts) != 4 or not all(_IPV4_PART.fullmatch(part) for part in parts):
            return _fault("origin.ipv4_form")
        if any(int(part) > 255 for part in parts):
            return _fault("origin.ipv4_invalid")
        return None
    if not _HOST_NAME.fullmatch(host):
        return _fault("origin.host_chars")
    return None


@cache
def _suffix_list() -> Any:
    from publicsuffixlist import PublicSuffixList  # loaded only when a regex is configured

    return PublicSuffixList()


def public_suffix(host: str) -> str | None:
    """The public suffix `host` ends with (`github.io`, `co.uk`), where anyone can have a host; None if unknown."""
    if is_ip(host) or "." not in host:
        return None
    suffix: str | None = _suffix_list().publicsuffix(host, accept_unknown=False)
    return suffix


def registrable_domain(host: str) -> str:
    """The part of `host` a person registers, by the public-suffix list (`a.example.co.uk` → `example.co.uk`)."""
    if is_ip(host):
        return host
    private: str | None = _suffix_list().privatesuffix(host)
    return private or host


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def address_space(host: str) -> str:
    """Where a host lives, as Chromium's Local Network Access sorts hosts: 'loopback' (the user's own machine:
    localhost, *.localhost, 127.0.0.0/8, [::1]), 'local' (private and link-local addresses) or 'public'."""
    name = host.strip("[]")
    if name == "localhost" or name.endswith(".localhost"):
        return "loopback"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return "public"
    if address.is_loopback:
        return "loopback"
    return "local" if address.is_private or address.is_link_local else "public"
