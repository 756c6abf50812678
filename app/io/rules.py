"""Read the rule set files in resources/rules/*.toml into a RuleBook."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from pathlib import Path

from app.domain.rulebook import Rule, RuleBook

RULES_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "rules"
_META = {"id", "effective_from", "source", "confidence", "local_option"}


class RuleFileError(Exception):
    pass


def read_rule_file(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleFileError(f"规则文件 {path.name} 无法读取：{exc}") from exc
    rules = []
    for index, entry in enumerate(data.get("rule", []), start=1):
        missing = {"id", "effective_from", "source"} - entry.keys()
        if missing:
            raise RuleFileError(f"规则文件 {path.name} 第 {index} 条缺少 {', '.join(sorted(missing))}")
        effective = entry["effective_from"]
        if isinstance(effective, str):
            effective = dt.date.fromisoformat(effective)
        rules.append(
            Rule(
                id=entry["id"],
                effective_from=effective,
                source=entry["source"],
                confidence=entry.get("confidence", ""),
                local_option=bool(entry.get("local_option", False)),
                params={k: v for k, v in entry.items() if k not in _META},
            )
        )
    return rules


@functools.cache
def load_rulebook(directory: Path = RULES_DIR) -> RuleBook:
    rules: list[Rule] = []
    for path in sorted(directory.glob("*.toml")):
        rules.extend(read_rule_file(path))
    return RuleBook(rules)
