"""What `check` and `lint` tell a person: a finding, in one sentence, with the change that fixes it.

The rules (`checks`) speak in `Problem`s, which ship in every generated service and carry a rule key and the values
of its sentence; a `Finding` is what the tools built on them print: the sentence and the fix as text, how bad it is,
and where it was found. Sentences live beside the code that decides them: the rules' in messages.json, `check`'s in
`fetch`, `lint`'s own in `audit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastapi_cors_scaffold.rules.problem import Problem


class Severity(StrEnum):
    """An error lets attackers in or breaks the policy; a warning is risky by design; info is worth knowing."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """What is wrong and the fix; for a setting, which one and its value, and the line it was read from."""

    message: str
    fix: str
    severity: Severity = Severity.ERROR
    setting: str = ""
    value: str = ""
    line: int | None = None
    rule: str = ""

    @classmethod
    def of(cls, problem: Problem, severity: Severity = Severity.ERROR) -> Finding:
        """A rule's refusal as a finding, named by its rule key."""
        return cls(problem.text(), problem.fix() + ".", severity, problem.setting, problem.value, rule=problem.rule)
