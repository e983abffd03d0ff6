"""Template-owned (fastapi-cors-scaffold): attacker origins. `copier update` replaces this file; do not edit it.

Origins someone other than the owner of a trusted origin can obtain: what CORS scanners send to find an allowlist
that trusts too much (a domain anyone registers, a page anyone hosts, a sandboxed iframe's `null`). One list for
every door: the regex rules try it against an origin regex, `check --scan` sends it to a live server, `lint` names it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .origins import is_ip, origin_problem, public_suffix, registrable_domain

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


def scanner_origins(trusted: str) -> list[tuple[str, str, str]]:
    """`(kind, origin, detail)` for every origin scanners derive from `trusted` (scheme://host[:port]), most damaging
    first, each once, `trusted` itself left out; `detail` is the character a special-character origin adds."""
    scheme, host, port = split_origin(trusted)
    suffix = f":{port}" if port else ""
    found = [
        ("arbitrary", f"{scheme}://{ATTACKER_DOMAIN}", ""),
        ("null", "null", ""),
        ("prefix", f"{scheme}://{host}.{ATTACKER_SUFFIX}{suffix}", ""),
        ("prefix", f"{scheme}://{host}{ATTACKER_SUFFIX}{suffix}", ""),
    ]
    if not is_ip(host):
        site = registrable_domain(host)
        found.append(("suffix", f"{scheme}://{ATTACKER_LABEL}{site}{suffix}", ""))
        found.append(("suffix", f"{scheme}://{ATTACKER_LABEL}-{site}{suffix}", ""))
        if "." in host and public_suffix(host) is None:
            stem = host.rpartition(".")[0]
            found += [("other-tld", f"{scheme}://{stem}.{tld}{suffix}", "") for tld in ("net", "org", "io", "com")]
        if "." in site:
            found.append(("substring", f"{scheme}://{site[1:]}{suffix}", ""))
        if site != host:
            found.append(("sibling", f"{scheme}://{ATTACKER_LABEL}{host}{suffix}", ""))
        for index, char in enumerate(host):
            if char == ".":
                found.append(("unescaped-dot", f"{scheme}://{host[:index]}x{host[index + 1 :]}{suffix}", ""))
    if origin_problem(shorter := trusted[:-1]) is None:
        found.append(("substring", shorter, ""))
    if scheme == "https":
        found.append(("http", f"http://{host}{suffix}", ""))
        found.append(("http-subdomain", f"http://{ATTACKER_LABEL}.{host}{suffix}", ""))
    for char in HOST_BREAKERS:
        found.append(("special-character", f"{scheme}://{host}{char}.{ATTACKER_SUFFIX}{suffix}", char))
    hosting = [*sorted(SHARED_PUBLISHING_HOSTS), *(f"{ATTACKER_LABEL}.{name}" for name in THIRD_PARTY_SUFFIXES)]
    found += [("third-party", f"https://{name}", "") for name in hosting]
    found.append(("subdomain", f"{scheme}://{ATTACKER_LABEL}.{host}{suffix}", ""))
    unique: dict[str, tuple[str, str, str]] = {}
    for kind, origin, detail in found:
        if origin != trusted:
            unique.setdefault(origin, (kind, origin, detail))
    return list(unique.values())


def own_host(origin: str, trusted: str) -> bool:
    """An https origin on the trusted origin's own site (its registrable domain): only its owner can create one, so
    trusting it is a choice (one XSS or takeover there reaches the API), not a stranger let in."""
    return origin.startswith("https://") and same_site(origin, trusted)


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
