"""Template-owned (fastapi-cors-scaffold): a refusal of a CORS setting, in the words of messages.json. `copier update`
replaces this file.

The sentence of every rule lives in messages.json beside this file, which the template's questionnaire reads too, so
every door says the same thing; a `Problem` carries the rule's key and the values its sentence needs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MESSAGES: dict[str, Any] = json.loads(Path(__file__).with_name("messages.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Problem:
    """One refusal: the Starlette setting, the offending value, the rule broken and what the sentence needs."""

    setting: str
    value: str
    rule: str
    params: Mapping[str, str] = field(default_factory=dict)
    attacker: str | None = None

    def text(self, name: str | None = None) -> str:
        """The first clause, complete on its own; `name` is the setting as the person spelled it at their door."""
        return self._format("text", name)

    def fix(self, name: str | None = None) -> str:
        return self._format("fix", name)

    def sentence(self, name: str | None = None) -> str:
        return f"{self.text(name)}: {self.fix(name)}."

    def _format(self, part: str, name: str | None) -> str:
        template: str = MESSAGES[self.rule][part]
        return template.format(setting=name or self.setting, value=f"'{self.value}'", **self.params)
