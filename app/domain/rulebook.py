"""Rules as data: each rule has an id, the day it took effect, its source, and its numbers.

The rule files live in resources/rules/*.toml; app.io.rules reads them into a RuleBook.
A period is judged by the rule in force on the day judged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


class RuleMissing(LookupError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    effective_from: dt.date
    source: str
    params: dict[str, Any] = field(default_factory=dict)
    confidence: str = ""
    local_option: bool = False

    def __getitem__(self, key: str) -> Any:
        return self.params[key]


@dataclass
class RuleBook:
    rules: list[Rule]

    def in_force(self, rule_id: str, day: dt.date) -> Rule:
        candidates = [r for r in self.rules if r.id == rule_id and r.effective_from <= day]
        if not candidates:
            raise RuleMissing(f"没有在 {day:%Y-%m-%d} 生效的规则 {rule_id}")
        return max(candidates, key=lambda r: r.effective_from)

    def judging(self, rule_id: str, day: dt.date) -> tuple[Rule, bool]:
        """The rule to judge `day` by, and whether it only stands in: a day before the oldest version on
        file is judged by that oldest version, and the findings say so."""
        try:
            return self.in_force(rule_id, day), False
        except RuleMissing:
            return self.earliest(rule_id), True

    def earliest(self, rule_id: str) -> Rule:
        candidates = [r for r in self.rules if r.id == rule_id]
        if not candidates:
            raise RuleMissing(f"规则文件中没有规则 {rule_id}")
        return min(candidates, key=lambda r: r.effective_from)

    def ids(self) -> set[str]:
        return {r.id for r in self.rules}
