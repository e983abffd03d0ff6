"""What a CORS policy lets in, judged the way Starlette applies it: the rule set's refusals, and what only an audit
adds — severities, values risky by design (plain HTTP, local or third-party origins, `*`), and attacker origins a
regex admits besides the ones the rules refuse. What is refused comes from the one rule set (`rules.checks`), so
`new`, `lint`, the template and the generated service refuse the same things.
"""

from __future__ import annotations

import re

from fastapi_cors_scaffold.rules.attackers import SHARED_PUBLISHING_HOSTS, THIRD_PARTY_SUFFIXES, same_site, split_origin
from fastapi_cors_scaffold.rules.attacks import Attack, attacker_origins
from fastapi_cors_scaffold.rules.checks import PREFLIGHT_CACHE_CAPS, Problem, address_space, origin_problem
from fastapi_cors_scaffold.rules.findings import Finding, Severity
from fastapi_cors_scaffold.rules.policy import Policy, policy_notes, problems
from fastapi_cors_scaffold.rules.regex import origin_samples

_MAX_AGE_FIX = (
    f"Give 0 to {PREFLIGHT_CACHE_CAPS['Chromium']} seconds; browsers cap it anyway ("
    + ", ".join(f"{browser} {seconds}" for browser, seconds in PREFLIGHT_CACHE_CAPS.items())
    + ")."
)
# lint's own findings, by stable rule id (the rule module's keys name the others).
MAX_AGE_CAPPED = "max_age.capped"
ORIGINS_SUBSTRING = "origins.substring"
ORIGINS_PUBLIC = "origins.public"
ORIGINS_PLAIN_HTTP = "origins.plain_http"
ORIGINS_LOCAL = "origins.local"
ORIGINS_SHARED_HOST = "origins.shared_host"
ORIGINS_WILDCARD_AMONG = "origins.wildcard_credentials"
REGEX_NOT_SAMPLED = "regex.not_sampled"
REGEX_PLAIN_HTTP = "regex.plain_http"
REGEX_ADMITS = "regex.admits"
REGEX_SAME_SITE = "regex.same_site"
REGEX_UNANCHORED = "regex.unanchored"
RULES = {
    MAX_AGE_CAPPED: "max_age is longer than browsers keep a preflight",
    ORIGINS_SUBSTRING: "allow_origins is one string: Starlette matches substrings",
    ORIGINS_PUBLIC: "'*' without credentials: any site reads the responses",
    ORIGINS_PLAIN_HTTP: "A plain-HTTP origin is trusted",
    ORIGINS_LOCAL: "A local origin (the user's own machine or network) is trusted",
    ORIGINS_SHARED_HOST: "An origin anyone can publish on is trusted",
    REGEX_NOT_SAMPLED: "The origin regex could not be sampled",
    REGEX_PLAIN_HTTP: "The origin regex admits plain-HTTP origins",
    REGEX_ADMITS: "The origin regex admits an attacker's origin",
    REGEX_SAME_SITE: "The origin regex admits every host of the site",
    REGEX_UNANCHORED: "The origin regex is unanchored outside Starlette's fullmatch",
}
_REGEX_FIX = r"Anchor the regex to your own hosts with escaped dots, e.g. https://[a-z0-9-]+\.example\.com."


def lint_policy(
    policy: Policy, *, service_url: str | None = None, production: bool = False, origins_text: str | None = None
) -> list[Finding]:
    """Every finding for `policy`, errors first.

    `service_url` is where the API is served (an https one turns http:// origins into errors); `production` makes
    local origins a warning; `origins_text` is set when allow_origins was given as one string, not a list.
    """
    https_service = bool(service_url) and str(service_url).lower().startswith("https://")
    findings = _rule_findings(policy)
    if "*" in policy.allow_origins and len(set(policy.allow_origins)) > 1 and policy.allow_credentials:
        # the rules say "mixed with other origins"; what it does is worse: Starlette reflects any origin
        findings.append(Finding.of(Problem("allow_origins", "*", ORIGINS_WILDCARD_AMONG)))
    if origins_text is not None:
        findings.append(_substring_finding(origins_text))
    for origin in dict.fromkeys(policy.allow_origins):
        findings += _origin_findings(origin, policy.allow_credentials, https_service, production)
    if not any(finding.setting == "allow_origin_regex" for finding in findings):
        findings += _regex_findings(policy.allow_origin_regex, https_service)
    order = list(Severity)
    return sorted(findings, key=lambda finding: order.index(finding.severity))


def _rule_findings(policy: Policy) -> list[Finding]:
    """The shared rule set's verdicts as findings: the one place lint turns rule results into Findings."""
    return [
        *(Finding.of(problem) for problem in problems(policy)),
        *(
            Finding(note, _MAX_AGE_FIX, Severity.INFO, "max_age", str(policy.max_age), rule=MAX_AGE_CAPPED)
            for note in policy_notes(policy)
        ),
    ]


def _substring_finding(text: str) -> Finding:
    shorter = next((text[:end] for end in range(len(text) - 1, 7, -1) if origin_problem(text[:end]) is None), None)
    example = f", so '{shorter}' is allowed too" if shorter else ""
    return Finding(
        f"allow_origins is a string, not a list: Starlette tests `origin in {text!r}`, which is substring "
        f"matching{example}.",
        f"Pass a list: [{text!r}].",
        Severity.ERROR,
        "allow_origins",
        text,
        rule=ORIGINS_SUBSTRING,
    )


def _origin_findings(origin: str, credentials: bool, https_service: bool, production: bool) -> list[Finding]:
    if origin == "*" and not credentials:
        return [
            Finding(
                "'*' lets any website read the responses (without cookies): fine for public data, never for an API "
                "that trusts the network it runs in.",
                "List the origins that need access, unless the API is public.",
                Severity.INFO,
                "allow_origins",
                "*",
                rule=ORIGINS_PUBLIC,
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
                f"'{origin}' is plain HTTP: anyone on the network path can inject script into that page and call "
                f"the API as it{' (and the API itself is served over https)' if https_service else ''}.",
                f"Serve that page over HTTPS and allow 'https://{host}' instead.",
                Severity.ERROR if https_service else Severity.WARNING,
                "allow_origins",
                origin,
                rule=ORIGINS_PLAIN_HTTP,
            )
        )
    if local:
        findings.append(
            Finding(
                f"'{origin}' trusts whatever runs on that port of the user's own machine"
                f"{', in production settings' if production else ''}.",
                "Keep development origins out of production settings: add them through the environment where needed.",
                Severity.WARNING if production else Severity.INFO,
                "allow_origins",
                origin,
                rule=ORIGINS_LOCAL,
            )
        )
    if host in SHARED_PUBLISHING_HOSTS or host in THIRD_PARTY_SUFFIXES:
        findings.append(
            Finding(
                f"Anyone can publish a page on '{origin}', so anyone gets the access it is given.",
                "Remove it; allow only origins you control.",
                Severity.WARNING,
                "allow_origins",
                origin,
                rule=ORIGINS_SHARED_HOST,
            )
        )
    return findings


def _regex_findings(pattern: str | None, https_service: bool) -> list[Finding]:
    """What an audit adds to a regex the rules accept: same-site reach, plain HTTP, and anchors outside Starlette."""
    if not pattern:
        return []
    compiled = re.compile(pattern)
    findings = []
    for plausible in origin_samples(pattern):
        sample = _seed_origin(compiled, plausible)
        if sample is None:
            continue
        findings += _attack_findings(pattern, compiled, sample)
        findings += _plain_http_findings(pattern, compiled, sample, https_service)
        findings += _anchor_findings(pattern, compiled, sample)
    if not findings and all(_seed_origin(compiled, plausible) is None for plausible in origin_samples(pattern)):
        findings.append(
            Finding(
                "No example origin could be derived from the regex, so its look-alikes were not tried.",
                "Review it by hand, or simplify it to scheme, escaped host and [a-z0-9-]+ labels.",
                Severity.INFO,
                "allow_origin_regex",
                pattern,
                rule=REGEX_NOT_SAMPLED,
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
            f"The regex admits the plain-HTTP origin '{plain}': anyone on the network path can inject script into "
            "that page and call the API as it.",
            "Match https:// only.",
            Severity.ERROR if https_service else Severity.WARNING,
            "allow_origin_regex",
            pattern,
            rule=REGEX_PLAIN_HTTP,
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
        skipped = attack.kind in {"arbitrary", "null", "http", "http-subdomain"} or attack.kind in reported
        if skipped or not compiled.fullmatch(attack.origin):
            continue
        if same_site(attack.origin, sample):
            same_site_hits.append(attack)
            continue
        reported.add(attack.kind)
        findings.append(
            Finding(
                f"The regex admits '{attack.origin}' ({attack.kind}: {attack.why}) as well as '{sample}'.",
                _REGEX_FIX,
                Severity.ERROR,
                "allow_origin_regex",
                pattern,
                rule=REGEX_ADMITS,
            )
        )
    if same_site_hits:
        example = same_site_hits[0].origin
        findings.append(
            Finding(
                f"The regex admits other hosts of the site, e.g. '{example}': one XSS or takeover on any of them "
                "reaches the API.",
                "Narrow it to the hosts that need access (e.g. a dedicated preview subdomain), or list them.",
                Severity.WARNING,
                "allow_origin_regex",
                pattern,
                rule=REGEX_SAME_SITE,
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
            f"Safe under Starlette's fullmatch, but with re.match (Django, Flask) or an unanchored test (Express) the "
            f"regex admits '{longer}'.",
            "Anchor it as ^...$ if it is ever reused outside Starlette.",
            Severity.INFO,
            "allow_origin_regex",
            pattern,
            rule=REGEX_UNANCHORED,
        )
    ]


def _is_local(host: str) -> bool:
    """A page on the user's own machine or local network: a development origin, not a deployed front end."""
    return address_space(host) != "public"
