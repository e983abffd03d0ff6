"""Attacker origins derived from a trusted one: what CORS scanners send to find an allowlist that trusts too much.

Each is an origin someone other than the owner of the trusted origin can obtain (a domain they register, a page
they host, a sandboxed iframe), so a server that grants one grants a stranger. The same list drives `check --scan`
against a live server and `lint` against a regex, so both name the same attacks the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi_cors_scaffold.rules.origins import is_ip, origin_problem, registrable_domain

# Hosts where anyone can publish a page (code playgrounds and sandboxes), and suffixes under which anyone can get a
# host of their own (static, app and tunnel hosting): an origin there is a stranger's. `lint` flags them in a
# configuration, `check --scan` sends one origin of each to a live server.
SHARED_PUBLISHING_HOSTS = frozenset(
    {
        "cdpn.io",
        "codepen.io",
        "codesandbox.io",
        "fiddle.jshell.net",
        "jsbin.com",
        "jsfiddle.net",
        "jsitor.com",
        "output.jsbin.com",
        "playcode.io",
        "plnkr.co",
        "repl.it",
        "run.plnkr.co",
        "stackblitz.com",
    }
)
THIRD_PARTY_SUFFIXES = (
    "github.io",
    "gitlab.io",
    "bitbucket.io",
    "netlify.app",
    "vercel.app",
    "pages.dev",
    "workers.dev",
    "herokuapp.com",
    "onrender.com",
    "fly.dev",
    "web.app",
    "firebaseapp.com",
    "appspot.com",
    "azurewebsites.net",
    "azurestaticapps.net",
    "cloudfront.net",
    "s3.amazonaws.com",
    "blogspot.com",
    "glitch.me",
    "surge.sh",
    "csb.app",
    "repl.co",
    "replit.app",
    "replit.dev",
    "ngrok-free.app",
    "trycloudflare.com",
)
# What scanners put right after the trusted host, followed by a domain of their own: a check that reads the host only
# up to a character it does not expect (or a parser that lets the character into a host) takes the origin for the
# trusted one. RFC 3986's sub-delimiters, then the other characters some browsers and parsers let into a host.
HOST_BREAKERS = (*"!$&'()*+,;=", *'_-~^{|}`"', "%60")
ATTACKER_DOMAIN = "evil.example"
ATTACKER_SUFFIX = "evil.net"
ATTACKER_LABEL = "evil"


@dataclass(frozen=True)
class Attack:
    """An origin to try, the name of the trick, and why granting it is dangerous. `own`: an https host on the trusted
    origin's own site (its registrable domain), which only its owner can create; trusting it is a choice worth a
    note (one XSS or takeover there reaches the API), not a stranger let in."""

    kind: str
    origin: str
    why: str
    own: bool = False


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
        attacks.append(Attack("suffix", f"{scheme}://{ATTACKER_LABEL}{site}{suffix}", "a domain anyone can register"))
        if "." in site:
            inside = f"{scheme}://{site[1:]}{suffix}"
            attacks.append(Attack("substring", inside, "a domain anyone can register, whose name is inside yours"))
        if site != host:
            sibling = f"{scheme}://{ATTACKER_LABEL}{host}{suffix}"
            attacks.append(Attack("sibling", sibling, "another host on the same site"))
        for index, char in enumerate(host):
            if char == ".":
                lookalike = f"{host[:index]}x{host[index + 1 :]}"
                attacks.append(Attack("unescaped-dot", f"{scheme}://{lookalike}{suffix}", "a look-alike domain"))
    if origin_problem(shorter := trusted[:-1]) is None:
        attacks.append(Attack("substring", shorter, "your origin cut short: matched with `in`, not `==`"))
    if scheme == "https":
        plain = "plain HTTP, where a network attacker injects script"
        attacks.append(Attack("http", f"http://{host}{suffix}", plain))
        attacks.append(Attack("http-subdomain", f"http://{ATTACKER_LABEL}.{host}{suffix}", f"a subdomain over {plain}"))
    for char in HOST_BREAKERS:
        origin = f"{scheme}://{host}{char}.{ATTACKER_SUFFIX}{suffix}"
        attacks.append(Attack("special-character", origin, f"'{char}' in the host confuses some origin parsers"))
    hosting = [*sorted(SHARED_PUBLISHING_HOSTS), *(f"{ATTACKER_LABEL}.{name}" for name in THIRD_PARTY_SUFFIXES)]
    for name in hosting:
        attacks.append(Attack("third-party", f"https://{name}", "a hosting or sandbox site where anyone can publish"))
    subdomain = f"{scheme}://{ATTACKER_LABEL}.{host}{suffix}"
    attacks.append(Attack("subdomain", subdomain, "any subdomain: one XSS there reaches the API"))
    unique: dict[str, Attack] = {}
    for attack in attacks:
        if attack.origin != trusted:
            own = attack.origin.startswith("https://") and same_site(attack.origin, trusted)
            unique.setdefault(attack.origin, Attack(attack.kind, attack.origin, attack.why, own))
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
