"""A problem found in user input, named by where it is, in plain Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the value is refused
    WARNING = "warning"  # accepted, but the secretary should look


@dataclass(frozen=True)
class Problem:
    field: str  # the Chinese field label, e.g. 身份证号
    message: str
    severity: Severity = Severity.ERROR
    row: int | None = None  # a sheet row number when the input came from a sheet

    def where(self) -> str:
        return f"第{self.row}行「{self.field}」" if self.row is not None else f"「{self.field}」"

    def __str__(self) -> str:
        kind = "错误" if self.severity is Severity.ERROR else "提醒"
        return f"{kind}：{self.where()}{self.message}"


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
