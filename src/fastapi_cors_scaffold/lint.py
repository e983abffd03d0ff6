"""Auditing a CORS policy for the misconfigurations attackers look for, judged the way Starlette applies it.

Starlette fullmatches `allow_origin_regex` case-sensitively and tests `origin in allow_origins`, so a string where a
list belongs is substring matching. A finding names the setting, the offending value, a concrete origin it lets in
when there is one, and the change that fixes it. What is refused comes from the one rule set (`cors_rules`), so
`new`, `lint`, the template and the generated service refuse the same things; this module adds what only an audit
says: severities, risky-by-design values and attacker demonstrations. Pure: no files, no network.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum

from fastapi_cors_scaffold.attacks import Attack, attacker_origins, same_site, split_origin
from fastapi_cors_scaffold.cors_rules import literal_origin, origin_problem, regex_branches
from fastapi_cors_scaffold.policy import Policy, policy_notes, problems

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
LOCAL_NAMES = ("localhost",)

_MAX_AGE_FIX = "Give 0 to 7200 seconds; browsers cap it anyway (Chromium 7200, Firefox 86400, WebKit 600)."
_REGEX_FIX = r"Anchor the regex to your own hosts with escaped dots, e.g. https://[a-z0-9-]+\.example\.com."


class Severity(StrEnum):
    """An error lets attackers in or breaks the policy; a warning is risky by design; info is worth knowing."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One problem: how bad, which setting and value, what goes wrong (with an example origin), and the fix."""

    severity: Severity
    setting: str
    value: str
    message: str
    fix: str


def lint_policy(
    policy: Policy, *, service_url: str | None = None, production: bool = False, origins_text: str | None = None
) -> list[Finding]:
    """Every finding for `policy`, errors first.

    `service_url` is where the API is served (an https one turns http:// origins into errors); `production` makes
    local origins a warning; `origins_text` is set when allow_origins was given as one string, not a list.
    """
    https_service = bool(service_url) and str(service_url).lower().startswith("https://")
    findings = [
        Finding(Severity.ERROR, problem.setting, problem.value, problem.text(), problem.fix() + ".")
        for problem in problems(policy)
    ]
    if origins_text is not None:
        findings.append(_substring_finding(origins_text))
    for origin in dict.fromkeys(policy.allow_origins):
        findings += _origin_findings(origin, policy.allow_credentials, https_service, production)
    if not any(finding.setting == "allow_origin_regex" for finding in findings):
        findings += _regex_findings(policy.allow_origin_regex, https_service)
    findings += [
        Finding(Severity.INFO, "max_age", str(policy.max_age), note, _MAX_AGE_FIX) for note in policy_notes(policy)
    ]
    order = list(Severity)
    return sorted(findings, key=lambda finding: order.index(finding.severity))


def _substring_finding(text: str) -> Finding:
    shorter = next((text[:end] for end in range(len(text) - 1, 7, -1) if origin_problem(text[:end]) is None), None)
    example = f", so '{shorter}' is allowed too" if shorter else ""
    return Finding(
        Severity.ERROR,
        "allow_origins",
        text,
        f"allow_origins is a string, not a list: Starlette tests `origin in {text!r}`, which is substring "
        f"matching{example}.",
        f"Pass a list: [{text!r}].",
    )


def _origin_findings(origin: str, credentials: bool, https_service: bool, production: bool) -> list[Finding]:
    if origin == "*" and not credentials:
        return [
            Finding(
                Severity.INFO,
                "allow_origins",
                "*",
                "'*' lets any website read the responses (without cookies): fine for public data, never for an API "
                "that trusts the network it runs in.",
                "List the origins that need access, unless the API is public.",
            )
        ]
    if origin_problem(origin) is not None:
        return []
    scheme, host, _ = split_origin(origin)
    findings = []
    local = _is_local(host)
    if scheme == "http" and not local:
        findings.append(
            Finding(
                Severity.ERROR if https_service else Severity.WARNING,
                "allow_origins",
                origin,
                f"'{origin}' is plain HTTP: anyone on the network path can inject script into that page and call "
                f"the API as it{' (and the API itself is served over https)' if https_service else ''}.",
                f"Serve that page over HTTPS and allow 'https://{host}' instead.",
            )
        )
    if local:
        findings.append(
            Finding(
                Severity.WARNING if production else Severity.INFO,
                "allow_origins",
                origin,
                f"'{origin}' trusts whatever runs on that port of the user's own machine"
                f"{', in production settings' if production else ''}.",
                "Keep development origins out of production settings: add them through the environment where needed.",
            )
        )
    if host in SHARED_PUBLISHING_HOSTS or host in THIRD_PARTY_SUFFIXES:
        findings.append(
            Finding(
                Severity.WARNING,
                "allow_origins",
                origin,
                f"Anyone can publish a page on '{origin}', so anyone gets the access it is given.",
                "Remove it; allow only origins you control.",
            )
        )
    return findings


def _regex_findings(pattern: str | None, https_service: bool) -> list[Finding]:
    """What an audit adds to a regex the rules accept: same-site reach, plain HTTP, and anchors outside Starlette."""
    if not pattern:
        return []
    compiled = re.compile(pattern)
    findings = []
    for branch in regex_branches(pattern):
        sample = _seed_origin(compiled, literal_origin(branch))
        if sample is None:
            continue
        findings += _attack_findings(pattern, compiled, sample)
        findings += _plain_http_findings(pattern, compiled, sample, https_service)
        findings += _anchor_findings(pattern, compiled, sample)
    if not findings and all(_seed_origin(compiled, literal_origin(b)) is None for b in regex_branches(pattern)):
        findings.append(
            Finding(
                Severity.INFO,
                "allow_origin_regex",
                pattern,
                "No example origin could be derived from the regex, so its look-alikes were not tried.",
                "Review it by hand, or simplify it to scheme, escaped host and [a-z0-9-]+ labels.",
            )
        )
    return list(dict.fromkeys(findings))


def _plain_http_findings(pattern: str, compiled: re.Pattern[str], sample: str, https_service: bool) -> list[Finding]:
    """An `https?://` regex admits the plain-HTTP origin too: the same rule as for a listed http:// origin."""
    scheme, host, _ = split_origin(sample)
    plain = f"http://{sample.removeprefix(f'{scheme}://')}"
    if (scheme != "http" and not compiled.fullmatch(plain)) or _is_local(host):
        return []
    return [
        Finding(
            Severity.ERROR if https_service else Severity.WARNING,
            "allow_origin_regex",
            pattern,
            f"The regex admits the plain-HTTP origin '{plain}': anyone on the network path can inject script into "
            "that page and call the API as it.",
            "Match https:// only.",
        )
    ]


def _seed_origin(compiled: re.Pattern[str], sample: str) -> str | None:
    """The shortest valid origin the regex admits that begins the sample, so `.*` at the end adds nothing."""
    prefixes = (sample[:end] for end in range(len("https://") + 1, len(sample) + 1))
    seed = next((p for p in prefixes if compiled.fullmatch(p) and origin_problem(p) is None), None)
    return seed or (sample if compiled.fullmatch(sample) and origin_problem(sample) is None else None)


def _attack_findings(pattern: str, compiled: re.Pattern[str], sample: str) -> list[Finding]:
    findings = []
    reported: set[str] = set()
    same_site_hits: list[Attack] = []
    for attack in attacker_origins(sample):
        skipped = attack.kind in {"arbitrary", "null", "http"} or attack.kind in reported
        if skipped or not compiled.fullmatch(attack.origin):
            continue
        if same_site(attack.origin, sample):
            same_site_hits.append(attack)
            continue
        reported.add(attack.kind)
        findings.append(
            Finding(
                Severity.ERROR,
                "allow_origin_regex",
                pattern,
                f"The regex admits '{attack.origin}' ({attack.kind}: {attack.why}) as well as '{sample}'.",
                _REGEX_FIX,
            )
        )
    if same_site_hits:
        example = same_site_hits[0].origin
        findings.append(
            Finding(
                Severity.WARNING,
                "allow_origin_regex",
                pattern,
                f"The regex admits other hosts of the site, e.g. '{example}': one XSS or takeover on any of them "
                "reaches the API.",
                "Narrow it to the hosts that need access (e.g. a dedicated preview subdomain), or list them.",
            )
        )
    return findings


def _anchor_findings(pattern: str, compiled: re.Pattern[str], sample: str) -> list[Finding]:
    """Anchors do not matter to Starlette's fullmatch, but Django and Flask use re.match, Express an unanchored test."""
    longer = f"{sample}.evil.net"
    if compiled.fullmatch(longer) or not compiled.match(longer):
        return []
    return [
        Finding(
            Severity.INFO,
            "allow_origin_regex",
            pattern,
            f"Safe under Starlette's fullmatch, but with re.match (Django, Flask) or an unanchored test (Express) the "
            f"regex admits '{longer}'.",
            "Anchor it as ^...$ if it is ever reused outside Starlette.",
        )
    ]


def _is_local(host: str) -> bool:
    name = host.strip("[]")
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local
