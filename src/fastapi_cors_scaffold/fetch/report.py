"""Verdicts and scans as Rich tables for people and as JSON-ready dicts for programs.

Every dynamic string goes into a `Text`, never into markup: regexes and header lists are full of square brackets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fastapi_cors_scaffold.fetch.chromium import Seen
from fastapi_cors_scaffold.fetch.handshake import NO_CORS_NOTE, SOCKET_FIX
from fastapi_cors_scaffold.fetch.run import Checked, SocketChecked
from fastapi_cors_scaffold.fetch.scan import Grant, Tried, own_hosts_note, public, scan_fix, strangers
from fastapi_cors_scaffold.fetch.verdict import Step, Verdict

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


def show_check(console: Console, checked: Checked | SocketChecked, *, as_json: bool) -> None:
    """`check`'s whole answer: the verdict, what reached the server, the scan, and Chromium's verdict beside it, as
    text or as JSON."""
    if isinstance(checked, SocketChecked):
        if as_json:
            console.out(json.dumps(socket_json(checked), indent=2), highlight=False)
        else:
            print_socket(console, checked)
        return
    if as_json:
        report = verdict_json(checked)
        if checked.seen is not None:
            report["browser"] = browser_json(checked.verdict, checked.seen)
        console.out(json.dumps(report, indent=2), highlight=False)
        return
    print_verdict(console, checked)
    if checked.seen is not None:
        print_browser(console, checked.verdict, checked.seen)


def print_verdict(console: Console, checked: Checked) -> None:
    verdict = checked.verdict
    request = verdict.request
    table = _exchange_table(f"{request.method} {request.url} from {request.origin}")
    for number, step in enumerate(verdict.steps, start=1):
        table.add_row(Text(f"{number}. {step.kind}", style="bold"), Text(step.method, style="bold"), Text(step.url))
        _add_exchange(table, step.sent, step.response.status)
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
    effect = checked.effect
    if effect is not None:
        label = (
            ("Request ran", "bold red")
            if effect.ran
            else ("Request refused", "bold green")
            if effect.ran is False
            else ("Request effect", "bold yellow")
        )
        console.print(Text.assemble(label, f": {effect.summary}"))
        if effect.fix:
            console.print(Text.assemble(("Fix", "bold"), f", if {request.origin} is not yours: {effect.fix}"))
    if checked.grants is not None:
        print_scan(console, checked.grants)


def print_socket(console: Console, checked: SocketChecked) -> None:
    verdict = checked.verdict
    request = verdict.request
    table = _exchange_table(f"WebSocket {request.url} from {request.origin}")
    _add_exchange(table, verdict.sent, verdict.answer.status)
    console.print(table)
    console.print(Text(f"Note: {NO_CORS_NOTE}", style="cyan"))
    summary = verdict.summary
    console.print(Text.assemble(("Opens" if verdict.allowed else "Refused", "bold"), f": {summary}"))
    if checked.openings is not None:
        print_scan(console, checked.openings)


def print_scan(console: Console, tried: Sequence[Tried]) -> None:
    """The attacker origins tried, one row per kind and outcome, and the fix for each kind of stranger let in."""
    sockets = not any(isinstance(result, Grant) for result in tried)
    table = Table(
        title="Attacker origins (WebSocket handshake)" if sockets else "Attacker origins (plain GET, as scanners send)"
    )
    table.add_column("kind", no_wrap=True)
    table.add_column("origin", overflow="fold")
    table.add_column("opened" if sockets else "granted", overflow="fold")
    rows: dict[tuple[str, str, str], list[str]] = {}
    for result in tried:
        rows.setdefault((result.attack.kind, *_outcome(result)), []).append(result.attack.origin)
    for (kind, outcome, style), origins in rows.items():
        more = f" and {len(origins) - 2} more" if len(origins) > 2 else ""
        table.add_row(Text(kind), Text(", ".join(origins[:2]) + more), Text(outcome, style=style))
    console.print(table)
    let_in = strangers(tried)
    if let_in:
        title = "Attacker origins that open the socket" if sockets else "Trusted attacker origins"
        console.print(Text.assemble((title, "bold red"), f": {len(let_in)} (each one in --json)."))
        if sockets:
            console.print(Text.assemble(("Fix", "bold"), f": {SOCKET_FIX}"))
        else:
            first_of_kind: dict[str, Tried] = {}
            for result in let_in:
                first_of_kind.setdefault(result.attack.kind, result)
            for kind, result in first_of_kind.items():
                fix = f" ({kind}, e.g. {result.attack.origin}): {scan_fix(result)}"
                console.print(Text.assemble(("Fix", "bold"), fix))
    elif public(tried):
        console.print(Text("Every origin may read answers without credentials ('*'); none is trusted specifically."))
    else:
        console.print(
            Text.assemble((f"No attacker origin {'opens the socket' if sockets else 'is granted'}", "bold green"), ".")
        )
    if note := own_hosts_note(tried):
        console.print(Text(f"Note: {note}", style="cyan"))


def _outcome(result: Tried) -> tuple[str, str]:
    """What the attacker origin got, and the style that says how bad it is."""
    own = " (a host of your own site)" if result.attack.own else ""
    danger = "yellow" if own else "bold red"
    if isinstance(result, Grant):
        if result.let_in:
            granted = "yes, with credentials" if result.readable_with_credentials else "yes, without credentials"
            return f"{granted}{own}", danger
        if result.readable:
            return "public ('*'), without credentials", "yellow"
        return "no", "green"
    if result.let_in:
        return f"opens (101){own}", danger
    return f"refused ({result.status})", "green"


def verdict_json(checked: Checked) -> dict[str, Any]:
    verdict = checked.verdict
    request = verdict.request
    problem = verdict.problem
    effect = checked.effect
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
        "effect": None
        if effect is None
        else {"status": effect.status, "ran": effect.ran, "summary": effect.summary, "fix": effect.fix},
        "notes": verdict.all_notes,
        "read_headers": verdict.readable,
        "steps": [_step_json(step) for step in verdict.steps],
    }
    if checked.grants is not None:
        result["scan"] = scan_json(checked.grants)
    return result


def socket_json(checked: SocketChecked) -> dict[str, Any]:
    verdict = checked.verdict
    result: dict[str, Any] = {
        "url": verdict.request.url,
        "origin": verdict.request.origin,
        "websocket": True,
        "method": "GET",
        "credentials": True,
        "allowed": verdict.allowed,
        "status": verdict.answer.status,
        "summary": verdict.summary,
        "notes": [NO_CORS_NOTE],
        "sent": _joined(verdict.sent),
    }
    if checked.openings is not None:
        result["scan"] = scan_json(checked.openings)
    return result


def scan_json(tried: Sequence[Tried]) -> list[dict[str, Any]]:
    let_in = strangers(tried)
    entries = []
    for result in tried:
        entry: dict[str, Any] = {
            "kind": result.attack.kind,
            "origin": result.attack.origin,
            "why": result.attack.why,
            "status": result.status,
            "own": result.attack.own,
            "let_in": result.let_in,
            "trusted": result in let_in,
            "fix": scan_fix(result) if result in let_in else None,
        }
        if isinstance(result, Grant):
            entry |= {
                "allow_origin": result.allow_origin,
                "allow_credentials": result.allow_credentials,
                "readable": result.readable,
                "readable_with_credentials": result.readable_with_credentials,
            }
        entries.append(entry)
    return entries


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


def _exchange_table(title: str) -> Table:
    """A table of what was sent and answered, one section per request."""
    table = Table(title=Text(title), show_header=False)
    table.add_column("step", no_wrap=True)
    table.add_column("header", no_wrap=True)
    table.add_column("value", overflow="fold")
    return table


def _add_exchange(table: Table, sent: Iterable[tuple[str, str]], status: int) -> None:
    for index, (name, value) in enumerate(sent):
        table.add_row("sent" if index == 0 else "", Text(name), Text(value))
    table.add_row("answer", "status", str(status))


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
