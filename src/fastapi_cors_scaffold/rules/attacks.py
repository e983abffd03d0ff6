"""Attacker origins derived from a trusted one: what CORS scanners send to find an allowlist that trusts too much.

Each is an origin someone other than the owner of the trusted origin can obtain (a domain they register, a page
they host, a sandboxed iframe), so a server that grants one grants a stranger. The same list drives `check --scan`
against a live server and `lint` against a regex, so both name the same attacks the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi_cors_scaffold.rules.checks import is_ip, registrable_domain

# Hosts where anyone can publish a page (code playgrounds), and suffixes under which anyone can get a host of their
# own (static and app hosting): an origin there is a stranger's.
SHARED_PUBLISHING_HOSTS = frozenset(
    {"codepen.io", "cdpn.io", "jsfiddle.net", "fiddle.jshell.net", "jsbin.com", "codesandbox.io", "stackblitz.com"}
)
THIRD_PARTY_SUFFIXES = (
    "github.io",
    "gitlab.io",
    "netlify.app",
    "vercel.app",
    "pages.dev",
    "herokuapp.com",
    "web.app",
    "firebaseapp.com",
    "glitch.me",
    "csb.app",
    "ngrok-free.app",
    "trycloudflare.com",
)
ATTACKER_DOMAIN = "evil.example"
ATTACKER_SUFFIX = "evil.net"


@dataclass(frozen=True)
class Attack:
    """An origin to try, the name of the trick, and why granting it is dangerous."""

    kind: str
    origin: str
    why: str


def attacker_origins(trusted: str) -> list[Attack]:
    """The scanner's list for `trusted` (scheme://host[:port]), most damaging first; duplicates removed."""
    scheme, host, port = split_origin(trusted)
    suffix = f":{port}" if port else ""
    attacks = [
        Attack("arbitrary", f"{scheme}://{ATTACKER_DOMAIN}", "any website: the server reflects whatever it is sent"),
        Attack("null", "null", "sandboxed iframes and data: or file: pages send 'null', so anyone can"),
        Attack("prefix", f"{scheme}://{host}.{ATTACKER_SUFFIX}{suffix}", "a domain anyone can register"),
    ]
    if not is_ip(host):
        site = registrable_domain(host)
        attacks.append(Attack("suffix", f"{scheme}://evil{site}{suffix}", "a domain anyone can register"))
        if site != host:
            attacks.append(Attack("sibling", f"{scheme}://evil{host}{suffix}", "another host on the same site"))
        for index, char in enumerate(host):
            if char == ".":
                lookalike = f"{host[:index]}x{host[index + 1 :]}"
                attacks.append(Attack("unescaped-dot", f"{scheme}://{lookalike}{suffix}", "a look-alike domain"))
    if scheme == "https":
        attacks.append(Attack("http", f"http://{host}{suffix}", "plain HTTP, where a network attacker injects script"))
    for char in ("_", "`", "%60"):
        origin = f"{scheme}://{host}{char}.{ATTACKER_SUFFIX}{suffix}"
        attacks.append(Attack("special-character", origin, f"'{char}' in the host confuses some origin parsers"))
    subdomain = f"{scheme}://evil.{host}{suffix}"
    attacks.append(Attack("subdomain", subdomain, "any subdomain: one XSS there reaches the API"))
    unique: dict[str, Attack] = {}
    for attack in attacks:
        if attack.origin != trusted:
            unique.setdefault(attack.origin, attack)
    return list(unique.values())


def split_origin(origin: str) -> tuple[str, str, str]:
    """(scheme, host, port) of `scheme://host[:port]`; the port is '' when absent."""
    parts = urlsplit(origin)
    host = parts.netloc.rpartition("@")[2]
    if host.startswith("["):
        address, _, rest = host.partition("]")
        return parts.scheme, f"{address}]", rest.removeprefix(":")
    name, _, port = host.partition(":")
    return parts.scheme, name, port


def same_site(first: str, second: str) -> bool:
    """Whether two origins share a scheme and registrable domain, as browsers judge a site (approximately)."""
    (scheme_a, host_a, _), (scheme_b, host_b, _) = split_origin(first), split_origin(second)
    if is_ip(host_a) or is_ip(host_b):
        return scheme_a == scheme_b and host_a == host_b
    return scheme_a == scheme_b and registrable_domain(host_a) == registrable_domain(host_b)
