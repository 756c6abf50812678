"""Periods as the CLI writes them: a month 2026-03, a quarter 2026Q1, a year 2026."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    kind: PeriodKind

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip().upper()
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12:
                raise PeriodError(f"月份无效：{text}")
            return cls.month(year, month)
        if m := re.fullmatch(r"(\d{4})Q([1-4])", text):
            return cls.quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})", text):
            return cls.year(int(m[1]))
        raise PeriodError(f"期间应写成 YYYY-MM、YYYYQn 或 YYYY：{text}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), PeriodKind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(dt.date(year, 3 * quarter - 2, 1), PeriodKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), PeriodKind.YEAR)

    @classmethod
    def containing(cls, day: dt.date, kind: PeriodKind) -> Period:
        if kind is PeriodKind.MONTH:
            return cls.month(day.year, day.month)
        if kind is PeriodKind.QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        return cls.year(day.year)

    @property
    def months(self) -> int:
        return {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        month_index = self.start.month - 1 + self.months
        year = self.start.year + month_index // 12
        return dt.date(year, month_index % 12 + 1, 1) - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def code(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    def label(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    def subperiods(self, kind: PeriodKind) -> Iterator[Period]:
        """The months or quarters of this period (itself if the same kind)."""
        step = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
        if step > self.months:
            yield Period.containing(self.start, kind)
            return
        for offset in range(0, self.months, step):
            index = self.start.month - 1 + offset
            yield Period.containing(dt.date(self.start.year + index // 12, index % 12 + 1, 1), kind)

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def __str__(self) -> str:
        return self.code()


def month_index(year: int, month: int) -> int:
    """Months as integers, so ranges and differences are plain arithmetic."""
    return year * 12 + month - 1


def month_of(day: dt.date) -> int:
    return month_index(day.year, day.month)


def month_code(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month(text: str) -> int:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise PeriodError(f"月份应写成 YYYY-MM：{text}")
    return month_index(int(m[1]), int(m[2]))


def month_first_day(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def month_last_day(index: int) -> dt.date:
    return month_first_day(index + 1) - dt.timedelta(days=1)


def month_label(index: int) -> str:
    return f"{index // 12}年{index % 12 + 1}月"


def chinese_date(day: dt.date) -> str:
    """「2026年11月21日」, as forms and messages write a date."""
    return f"{day.year}年{day.month}月{day.day}日"


def last_finished(kind: PeriodKind, today: dt.date) -> Period:
    """The latest month, quarter or year that ended before `today`."""
    current = Period.containing(today, kind)
    return current if current.end < today else Period.containing(current.start - dt.timedelta(days=1), kind)


def recent_periods(kind: PeriodKind, today: dt.date, back: int) -> list[Period]:
    """The current period (it may not have ended) and `back` before it, newest first."""
    periods = [Period.containing(today, kind)]
    for _ in range(back):
        periods.append(Period.containing(periods[-1].start - dt.timedelta(days=1), kind))
    return periods
