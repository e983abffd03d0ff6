"""`lint`'s output: blocks for people, JSON for programs, SARIF 2.1.0 for code scanning (findings on their lines).

Every dynamic string goes into a `Text`, never into markup: regexes and header lists are full of square brackets.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from fastapi_cors_scaffold.audit import app_findings, lint, policy_findings
from fastapi_cors_scaffold.audit.lint import Audit, Unread
from fastapi_cors_scaffold.rules.findings import Finding, Severity
from fastapi_cors_scaffold.rules.questions import CORS

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
UNREAD_RULE = "value.unread"
# Every text a report prints is cut here, whatever format: a value can be as long as the file it came from.
MAX_TEXT = 1_000
RULES = {**policy_findings.RULES, **lint.RULES, **app_findings.RULES}
_FLAGS = {question.field: question.spelled for question in CORS}
_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def show_audits(console: Console, audits: list[Audit], notes: list[str], output: str) -> None:
    """`lint`'s whole answer in the format asked for: "text", "json" or "sarif"."""
    if output == "json":
        console.out(json.dumps(audits_json(audits, notes), indent=2), highlight=False)
    elif output == "sarif":
        console.out(json.dumps(audits_sarif(audits), indent=2), highlight=False)
    else:
        print_audits(console, audits, notes)


def print_audits(console: Console, audits: list[Audit], notes: list[str]) -> None:
    """One section per configuration, one block per finding (severity, setting and value; the problem; the fix)."""
    for note in notes:
        console.print(Text(f"Note: {_cut(note)}", style="cyan"))
    for number, audit in enumerate(audits):
        if number or notes:
            console.print()
        console.print(Text(f"CORS configuration at {_cut(audit.configuration.source)}", style="bold"))
        for unread in audit.unread:
            console.print(Text(f"Not read: {_unread_sentence(unread)}", style="cyan"))
        for finding in audit.findings:
            console.print()
            at = f"  (line {finding.line})" if finding.line else ""
            console.print(
                Text.assemble(
                    (finding.severity.value, _SEVERITY_STYLE[finding.severity]),
                    f"  {finding.setting}  ",
                    (_cut(finding.value), "bold"),
                    at,
                )
            )
            console.print(Text(f"  {_cut(finding.message)}"))
            console.print(Text.assemble("  ", ("Fix", "bold"), f": {_cut(finding.fix)}"))
        console.print(Text(_summary([audit])))
    if len(audits) > 1:
        console.print()
        console.print(Text(f"{len(audits)} configurations: {_summary(audits)}", style="bold"))


def audits_json(audits: list[Audit], notes: list[str]) -> dict[str, Any]:
    return {
        "configurations": [
            {
                "file": str(audit.configuration.file),
                "line": audit.configuration.line,
                "kind": _cut(audit.configuration.kind),
                "source": _cut(audit.configuration.source),
                "informational": audit.configuration.informational,
                "unread": [_unread_json(unread) for unread in audit.unread],
                "errors": _count([audit], Severity.ERROR),
                "findings": [_finding_json(finding) for finding in audit.findings],
            }
            for audit in audits
        ],
        "notes": [_cut(note) for note in notes],
        "errors": _count(audits, Severity.ERROR),
        "warnings": _count(audits, Severity.WARNING),
        "unread": sum(len(audit.unread) for audit in audits),
    }


def audits_sarif(audits: list[Audit]) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one result per finding and per unread value, located at its file and line."""
    results: list[dict[str, Any]] = []
    rules: dict[str, str] = {}
    for audit in audits:
        file = audit.configuration.file
        for finding in audit.findings:
            rules.setdefault(finding.rule, _rule_description(finding))
            text = f"{_cut(finding.message)} Fix: {_cut(finding.fix)}"
            results.append(_result(finding.rule, SARIF_LEVELS[finding.severity], text, file, finding.line))
        for unread in audit.unread:
            rules.setdefault(UNREAD_RULE, "A CORS value lint could not read statically")
            results.append(_result(UNREAD_RULE, "note", f"Not read: {_unread_sentence(unread)}", file, unread.line))
    ids = list(rules)
    for result in results:
        result["ruleIndex"] = ids.index(result["ruleId"])
    driver = {
        "name": "fastapi-cors-scaffold lint",
        "version": _version(),
        "rules": [{"id": rule, "shortDescription": {"text": text}} for rule, text in rules.items()],
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}


def _result(rule: str, level: str, text: str, file: Path, line: int | None) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
    if line:
        location["region"] = {"startLine": line}
    return {"ruleId": rule, "level": level, "message": {"text": text}, "locations": [{"physicalLocation": location}]}


def _rule_description(finding: Finding) -> str:
    """What a rule is about: lint's own rules say it; the rule module's are named by their key and setting."""
    return RULES.get(finding.rule) or f"CORS rule {finding.rule} ({finding.setting})"


def _cut(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= MAX_TEXT else f"{text[: MAX_TEXT - 1]}…"


def _uri(file: Path) -> str:
    """Relative to the working directory where possible (as code scanning expects), else an absolute file URI."""
    try:
        return file.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return file.resolve().as_uri()


def _unread_sentence(unread: Unread) -> str:
    written = f" = {unread.expression}" if unread.expression and unread.expression not in unread.comes_from else ""
    at = f" (line {unread.line})" if unread.line else ""
    flag = _FLAGS.get(unread.setting)
    check = f"; give it with {flag} to check it" if flag else ""
    return _cut(f"{unread.setting}{written}, from {unread.comes_from}{at}{check}.")


def _unread_json(unread: Unread) -> dict[str, Any]:
    return {
        "setting": unread.setting,
        "expression": _cut(unread.expression) if unread.expression is not None else None,
        "comes_from": _cut(unread.comes_from),
        "line": unread.line,
    }


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "setting": finding.setting,
        "value": _cut(finding.value),
        "message": _cut(finding.message),
        "fix": _cut(finding.fix),
        "line": finding.line,
    }


def _count(audits: list[Audit], severity: Severity) -> int:
    return sum(finding.severity is severity for audit in audits for finding in audit.findings)


def _summary(audits: list[Audit]) -> str:
    counts = {severity: _count(audits, severity) for severity in Severity}
    parts = [
        f"{count} {severity.value}{'s' * (count != 1 and severity is not Severity.INFO)}"
        for severity, count in counts.items()
    ]
    unread = sum(len(audit.unread) for audit in audits)
    if unread:
        parts.append(f"{unread} not read")
    if not any(counts.values()) and not unread:
        return "No findings: nothing known to be unsafe or broken."
    return ", ".join(parts)


def _version() -> str:
    try:
        return version("fastapi-cors-scaffold")
    except PackageNotFoundError:
        return "unknown"
