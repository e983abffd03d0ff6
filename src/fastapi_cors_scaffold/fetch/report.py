"""Verdicts and scans as Rich tables for people and as JSON-ready dicts for programs.

Every dynamic string goes into a `Text`, never into markup: regexes and header lists are full of square brackets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fastapi_cors_scaffold.fetch.verdict import Step, Verdict

if TYPE_CHECKING:  # probe imports the HTTP client and chromium Playwright, which lint does not need
    from fastapi_cors_scaffold.fetch.chromium import Seen
    from fastapi_cors_scaffold.fetch.probe import Grant

SHOWN_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-expose-headers",
    "vary",
    "location",
)
SCAN_FIXES = {
    "arbitrary": "Stop reflecting the Origin header: answer only origins from a fixed allow_origins list.",
    "null": "Remove 'null' from the allowed origins; serve the pages that need the API from a real origin.",
    "prefix": "Anchor allow_origin_regex at the end of the host (Starlette fullmatches; drop a trailing '.*').",
    "suffix": "Match the whole host: start allow_origin_regex with the scheme and a complete host name.",
    "sibling": "List the hosts of this site you own instead of matching every name that ends like yours.",
    "unescaped-dot": "Escape the dots in allow_origin_regex (r'\\.'), or list the exact origins instead.",
    "http": "Allow only https:// origins: an http page can be rewritten by anyone on the network.",
    "special-character": "Match host characters explicitly ([a-z0-9-]), never with '.' or a negated class.",
    "subdomain": "List the subdomains you own in allow_origins instead of matching any subdomain.",
}


def show_check(
    console: Console, verdict: Verdict, grants: list[Grant] | None, seen: Seen | None, *, as_json: bool
) -> None:
    """`check`'s whole answer: the verdict, the scan, and Chromium's verdict beside it, as text or as JSON."""
    if as_json:
        report = verdict_json(verdict, grants)
        if seen is not None:
            report["browser"] = browser_json(verdict, seen)
        console.out(json.dumps(report, indent=2), highlight=False)
        return
    print_verdict(console, verdict, grants)
    if seen is not None:
        print_browser(console, verdict, seen)


def specific_grants(grants: list[Grant]) -> list[Grant]:
    """Attacker origins the server named in Access-Control-Allow-Origin: it trusts them, not merely everyone."""
    return [grant for grant in grants if grant.readable and grant.allow_origin == grant.attack.origin]


def print_verdict(console: Console, verdict: Verdict, grants: list[Grant] | None) -> None:
    request = verdict.request
    table = Table(title=Text(f"{request.method} {request.url} from {request.origin}"), show_header=False)
    table.add_column("step", no_wrap=True)
    table.add_column("header", no_wrap=True)
    table.add_column("value", overflow="fold")
    for number, step in enumerate(verdict.steps, start=1):
        table.add_row(Text(f"{number}. {step.kind}", style="bold"), Text(step.method, style="bold"), Text(step.url))
        for index, (name, value) in enumerate(step.sent):
            table.add_row("sent" if index == 0 else "", Text(name), Text(value))
        table.add_row("answer", "status", str(step.response.status))
        for name, value in _cors_headers(step):
            table.add_row("", Text(name), Text(value))
        result = Text("ok", style="green") if step.passed else Text("blocked", style="bold red")
        table.add_row("result", result, Text(step.problems[0].message if step.problems else ""), end_section=True)
    console.print(table)
    if not verdict.preflighted and verdict.steps:
        console.print(Text("No preflight: a simple request (GET, HEAD or POST with safelisted headers only)."))
    for note in verdict.all_notes:
        console.print(Text(f"Note: {note}", style="cyan"))
    for name, readable in verdict.readable.items():
        console.print(Text(f"Page code reads {name}: {readable if readable is not None else 'null (it cannot)'}"))
    problem = verdict.problem
    credentials = " with credentials" if request.credentials else ""
    if problem is None:
        line = f"a page on {request.origin} can send this request{credentials} and read the answer."
        console.print(Text.assemble(("Allowed", "bold green"), f": {line}"))
    else:
        console.print(Text.assemble(("Blocked", "bold red"), f": {problem.message}"))
        console.print(Text.assemble(("Fix", "bold"), f": {problem.fix}"))
    if grants is not None:
        print_grants(console, grants)


def print_grants(console: Console, grants: list[Grant]) -> None:
    table = Table(title="Attacker origins (plain GET, as scanners send)")
    table.add_column("kind", no_wrap=True)
    table.add_column("origin", no_wrap=True)
    table.add_column("granted", overflow="fold")
    specific = specific_grants(grants)
    for grant in grants:
        if grant in specific:
            granted = Text(
                "yes, with credentials" if grant.readable_with_credentials else "yes, without credentials",
                style="bold red",
            )
        elif grant.readable:
            granted = Text("public ('*'), without credentials", style="yellow")
        else:
            granted = Text("no", style="green")
        table.add_row(Text(grant.attack.kind), Text(grant.attack.origin), granted)
    console.print(table)
    if specific:
        names = ", ".join(grant.attack.origin for grant in specific)
        console.print(Text.assemble(("Trusted attacker origins", "bold red"), f": {names}."))
        for grant in specific:
            console.print(Text.assemble(("Fix", "bold"), f" ({grant.attack.origin}): {scan_fix(grant)}"))
    elif any(grant.readable for grant in grants):
        console.print(Text("Every origin may read answers without credentials ('*'); none is trusted specifically."))
    else:
        console.print(Text.assemble(("No attacker origin is granted", "bold green"), "."))


def verdict_json(verdict: Verdict, grants: list[Grant] | None) -> dict[str, Any]:
    request = verdict.request
    problem = verdict.problem
    result: dict[str, Any] = {
        "url": request.url,
        "origin": request.origin,
        "method": request.method,
        "headers": _joined(request.headers),
        "credentials": request.credentials,
        "allowed": verdict.allowed,
        "preflight": verdict.preflighted,
        "problem": problem.message if problem else None,
        "fix": problem.fix if problem else None,
        "notes": verdict.all_notes,
        "read_headers": verdict.readable,
        "steps": [_step_json(step) for step in verdict.steps],
    }
    if grants is not None:
        specific = specific_grants(grants)
        result["scan"] = [
            {
                "kind": grant.attack.kind,
                "origin": grant.attack.origin,
                "why": grant.attack.why,
                "status": grant.status,
                "allow_origin": grant.allow_origin,
                "allow_credentials": grant.allow_credentials,
                "readable": grant.readable,
                "readable_with_credentials": grant.readable_with_credentials,
                "trusted": grant in specific,
                "fix": scan_fix(grant) if grant in specific else None,
            }
            for grant in grants
        ]
    return result


def scan_fix(grant: Grant) -> str:
    """The server-side change that stops trusting this attacker origin."""
    return SCAN_FIXES.get(grant.attack.kind, "Allow only the exact origins you own (allow_origins).")


def agreement(verdict: Verdict, seen: Seen) -> str:
    """One sentence on whether Chromium did what the strict verdict says, and which side is laxer."""
    if seen.local_network:
        return (
            "Chromium stopped the request at Local Network Access before any CORS check, so the two cannot be "
            "compared; see its message above."
        )
    if seen.allowed == verdict.allowed:
        return "Chromium agrees with check."
    if seen.allowed:
        return (
            "They differ: Chromium allows what the Fetch standard blocks (see the notes); the exit status follows "
            "the strict verdict, which standard-following browsers enforce."
        )
    return "They differ: Chromium blocks what check allows; please report it, with both outputs."


def print_browser(console: Console, verdict: Verdict, seen: Seen) -> None:
    """Chromium's own verdict and console message beside check's."""
    unread = [name for name, got in seen.headers.items() if got is None]
    if seen.error is None and not unread:
        outcome = Text.assemble(("Chromium: allowed", "bold green"), f", fetch() resolved with status {seen.status}.")
    elif seen.error is None:
        outcome = Text.assemble(
            ("Chromium: blocked", "bold red"),
            f", fetch() resolved with status {seen.status} but page code cannot read {', '.join(unread)}.",
        )
    else:
        outcome = Text.assemble(("Chromium: blocked", "bold red"), f", fetch() rejected: {seen.error}")
    console.print(outcome)
    for name, got in seen.headers.items():
        console.print(Text(f"Chromium: page code reads {name}: {got if got is not None else 'null'}"))
    if seen.local_network:
        console.print(Text.assemble(("Local Network Access", "bold yellow"), f" (not CORS): {seen.local_network}"))
    elif seen.cors_message:
        console.print(Text(f"Chromium console: {seen.cors_message}"))
    console.print(Text(agreement(verdict, seen), style="bold" if seen.allowed != verdict.allowed else ""))


def browser_json(verdict: Verdict, seen: Seen) -> dict[str, Any]:
    return {
        "allowed": seen.allowed,
        "status": seen.status,
        "error": seen.error,
        "console": list(seen.console),
        "read_headers": seen.headers,
        "local_network": seen.local_network,
        "agrees": seen.local_network is None and seen.allowed == verdict.allowed,
        "summary": agreement(verdict, seen),
    }


def _cors_headers(step: Step) -> list[tuple[str, str]]:
    return [(name, value) for name, value in step.response.headers if name.lower() in SHOWN_HEADERS]


def _step_json(step: Step) -> dict[str, Any]:
    return {
        "kind": step.kind,
        "method": step.method,
        "url": step.url,
        "sent": _joined(step.sent),
        "status": step.response.status,
        "headers": _joined(_cors_headers(step)),
        "passed": step.passed,
        "problems": [{"message": problem.message, "fix": problem.fix} for problem in step.problems],
        "notes": list(step.notes),
    }


def _joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as a dict; a repeated header keeps every value, comma-joined, as HTTP combines them."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    return joined
