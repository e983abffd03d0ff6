"""The CORS rules the settings are checked against.

A configured origin that is not byte-for-byte what browsers send in the Origin header can never match, and some
configurations let any website read the API: both are refused when the settings load, with one sentence each.
"""

import ipaddress
import re
from collections.abc import Callable
from urllib.parse import urlsplit

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_EXAMPLE = "write scheme://host[:port], e.g. 'https://app.example.com'"
MAX_AGE_LIMIT = 86400


def origin_problem(origin: str) -> str | None:
    """Return why `origin` can never equal a browser's Origin header, or None when it can."""
    if not origin:
        return f"An empty origin matches nothing: {_EXAMPLE}."
    if re.search(r"\s", origin):
        return f"'{origin}' contains a space: write the origin without spaces."
    if origin == "null":
        return (
            "'null' must not be trusted: sandboxed iframes and file: pages all send it,"
            " so trusting it trusts any site that builds one."
        )
    if origin == "*":
        return "'*' is only allowed alone, as the whole list of origins, and only without credentials."
    if "*" in origin:
        advice = "use cors_allow_origin_regex for a family of origins"
        return f"'{origin}' has a wildcard, but origins are matched exactly: {advice}."
    if missing_slashes := re.match(r"(https?):(?!//)/?", origin):
        scheme, host = missing_slashes[1], origin[missing_slashes.end() :]
        return f"'{origin}' is missing the '//' after '{scheme}:': write it as '{scheme}://{host}'."
    if "://" not in origin or origin.startswith("//"):
        bare = origin.lstrip("/")
        return f"'{origin}' has no scheme: write 'http://{bare}' or 'https://{bare}'."
    scheme, rest = origin.split("://", 1)
    authority = re.sub(r"[/?#].*$", "", rest)
    after = rest[len(authority) :]
    if scheme.lower() not in _DEFAULT_PORTS:
        return f"'{origin}' uses the scheme '{scheme}': CORS origins are http:// or https://."
    if after:
        return _after_authority_problem(origin, f"{scheme}://{authority}", after)
    if "@" in authority:
        return f"'{origin}' has user info: drop the part before '@', browsers never send it in an origin."
    return _authority_problem(origin, scheme, authority)


def _after_authority_problem(origin: str, bare: str, after: str) -> str:
    if after == "/":
        return f"'{origin}' ends with a slash: drop the trailing slash (browsers send '{bare}')."
    part = {"/": "a path", "?": "a query", "#": "a fragment"}[after[0]]
    return f"'{origin}' has {part}: drop it, an origin is only scheme://host[:port] ('{bare}')."


def _authority_problem(origin: str, scheme: str, authority: str) -> str | None:
    bracketed = authority.startswith("[")
    if bracketed and "]" not in authority:
        return f"'{origin}' has an IPv6 address without its closing bracket: write it as 'http://[::1]:8080'."
    if not bracketed and authority.count(":") > 1:
        return f"'{origin}' looks like an IPv6 address: put it in brackets, e.g. 'http://[::1]:8080'."
    host = authority[: authority.index("]") + 1] if bracketed else authority.split(":")[0]
    port_part = authority[len(host) :]
    port = port_part[1:]
    if port_part and not port_part.startswith(":"):
        return f"'{origin}' has text after the IPv6 address: write it as 'http://[::1]:8080'."
    if port_part and not port.isdigit():
        return f"'{origin}' has an invalid port '{port}': the port must be a number from 1 to 65535."
    if port_part and not 1 <= int(port) <= 65535:
        return f"'{origin}' has port {port}: the port must be a number from 1 to 65535."
    if port.startswith("0"):
        return f"'{origin}' writes the port with a leading zero: browsers send '{scheme}://{host}:{int(port)}'."
    if not host:
        return f"'{origin}' has no host: {_EXAMPLE}."
    if not host.isascii():
        punycode = host.encode("idna").decode("ascii")
        return f"'{origin}' has a non-ASCII host: give the punycode form browsers send, '{scheme.lower()}://{punycode}{port_part}'."
    if origin != origin.lower():
        return f"'{origin}' has upper case: browsers send lower case, '{origin.lower()}'."
    if port == _DEFAULT_PORTS[scheme]:
        return f"'{origin}' writes the default port out: drop ':{port}', browsers send '{scheme}://{host}'."
    return _host_problem(origin, host)


def _host_problem(origin: str, host: str) -> str | None:
    if host.startswith("["):
        try:
            canonical = ipaddress.IPv6Address(host[1:-1]).compressed
        except ValueError:
            return f"'{origin}' has an invalid IPv6 address: write it like 'http://[::1]:8080'."
        if host != f"[{canonical}]":
            return f"'{origin}' has an IPv6 address browsers write differently: use '[{canonical}]'."
        return None
    if _NUMERIC_LABEL.fullmatch(host.split(".")[-1]):
        parts = host.split(".")
        if len(parts) != 4 or not all(re.fullmatch(r"0|[1-9][0-9]{0,2}", part) for part in parts):
            return (
                f"'{origin}' has an IPv4 address browsers write differently:"
                " use four decimal parts without leading zeros, e.g. 127.0.0.1."
            )
        if any(int(part) > 255 for part in parts):
            return f"'{origin}' has an invalid IPv4 address: each of its four parts must be a number from 0 to 255."
        return None
    if not _HOST_NAME.fullmatch(host):
        return f"'{origin}' has an invalid host: use letters, digits, hyphens and dots, e.g. 'https://app.example.com'."
    return None


def origins_problems(origins: list[str]) -> list[str]:
    """Check the list of exact origins: each origin, duplicates, and the wildcard only alone."""
    problems = [problem for origin in origins if origin != "*" and (problem := origin_problem(origin))]
    problems += [f"'{origin}' is listed twice: list each origin once." for origin in _duplicates(origins)]
    if "*" in origins and len(origins) > 1:
        problems.append(
            "'*' cannot be mixed with other origins: give '*' alone (any origin, without credentials)"
            " or only exact origins."
        )
    return problems


def combination_problems(origins: list[str], regex: str | None, credentials: bool) -> list[str]:
    """Check what only the settings together reveal: a wildcard with credentials, or nothing allowed at all."""
    problems = []
    if "*" in origins and credentials:
        problems.append(
            "'*' with credentials is refused: browsers reject it, and Starlette would instead reflect every origin"
            " with credentials, letting any website act as the user; list the exact origins or turn credentials off."
        )
    if not origins and not regex:
        problems.append("No origin is allowed: list at least one origin, or set cors_allow_origin_regex.")
    return problems


def regex_problem(regex: str) -> str | None:
    """Return why the origin regex is unsafe or useless, or None when it is acceptable.

    Starlette matches the regex against the whole Origin header; the checks catch the patterns that let
    look-alike or arbitrary origins through.
    """
    try:
        pattern = re.compile(regex)
    except re.error as error:
        return f"The regex '{regex}' does not compile: {error}."
    skeleton = re.sub(r"\[[^\]]*\]", "C", re.sub(r"\\.", "E", regex))
    dotted = re.search(r"[a-z0-9-]+\.[a-z0-9-]+", regex)
    if regex != regex.strip():
        return f"The regex '{regex}' has leading or trailing spaces, which no origin contains: remove them."
    if not re.match(r"\^?(https?|https\?|\(https?\|https?\))://", regex):
        return (
            f"The regex '{regex}' must start with the scheme, e.g. 'https://[a-z0-9-]+\\.example\\.com',"
            " so that it cannot match other schemes."
        )
    if pattern.fullmatch("null"):
        return (
            f"The regex '{regex}' admits the origin 'null', which sandboxed iframes and file: pages send:"
            " make it match only real hosts."
        )
    if pattern.fullmatch("https://evil.example") or pattern.fullmatch("http://evil.example"):
        return (
            f"The regex '{regex}' admits any origin (e.g. 'https://evil.example'): anchor it to your own domain,"
            " e.g. 'https://[a-z0-9-]+\\.example\\.com'."
        )
    if re.search(r"(\.|C)[*+][a-z0-9]", skeleton):
        return (
            f"The regex '{regex}' lets any text stand right before a name, so it admits look-alike hosts such as"
            " 'evil' + your domain: put an escaped dot after the wildcard, e.g. '[a-z0-9-]+\\.example\\.com'."
        )
    if dotted:
        return (
            f"The regex '{regex}' has an unescaped dot in '{dotted[0]}', which matches any character"
            f" (it admits '{dotted[0].replace('.', 'x')}'): escape it as '\\.'."
        )
    if re.search(r"\.(?![*+?{])", skeleton):
        return f"The regex '{regex}' has an unescaped dot, which matches any character: escape it as '\\.'."
    return None


def names_problems(names: list[str], kind: str) -> list[str]:
    """Check method or header names: HTTP tokens, each once, and '*' only alone."""
    problems = [
        f"'{name}' is not a valid {kind} name: use letters, digits and - _ . ! # $ % & ' * + ^ ` | ~,"
        " e.g. 'X-Request-Id'."
        for name in names
        if not _TOKEN.fullmatch(name)
    ]
    problems += [f"'{name}' is listed twice: list each {kind} once." for name in _duplicates(names, key=str.lower)]
    if "*" in names and len(names) > 1:
        problems.append(f"'*' cannot be mixed with other {kind} names: give '*' alone for all, or only names.")
    return problems


def max_age_problem(max_age: int) -> str | None:
    """Browsers cap the preflight cache anyway (Chromium 7200 s, Firefox 86400 s, WebKit 600 s)."""
    if not 0 <= max_age <= MAX_AGE_LIMIT:
        return f"max_age {max_age} is out of range: give 0 to {MAX_AGE_LIMIT} seconds."
    return None


def development_only_origin(origin: str) -> str | None:
    """Return why a valid `origin` belongs on a developer's machine and not in production, or None."""
    if origin == "*":
        return "'*' lets every website call the service"
    host = urlsplit(origin).hostname or ""
    if host == "localhost" or host.endswith(".localhost") or _is_loopback(host):
        return f"'{origin}' is a local origin, sent only by pages on the user's own machine"
    if origin.startswith("http://"):
        return f"'{origin}' is plain http://, so anyone on the network path can inject a script that calls the service"
    return None


def development_only_regex(regex: str) -> str | None:
    """Return why a valid origin regex belongs on a developer's machine and not in production, or None."""
    if not regex.removeprefix("^").startswith("https://"):
        return f"the regex '{regex}' admits http:// origins"
    if re.search(r"localhost|127\\?\.|::1", regex):
        return f"the regex '{regex}' admits local origins"
    return None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _duplicates(values: list[str], key: Callable[[str], str] = str) -> list[str]:
    seen: set[str] = set()
    repeated = []
    for value in values:
        if key(value) in seen:
            repeated.append(value)
        seen.add(key(value))
    return repeated
