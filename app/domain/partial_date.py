"""Dates as secretaries write them: a full day, a year-month, a year, or unknown.

A roster often says 1985.03; inventing a day would put false data in the record,
so the precision is kept. The stored text form is 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD';
unknown is None.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

UNKNOWN_WORDS = {"", "不详", "不祥", "未知", "无", "-", "—", "/", "——"}


class DateFormatError(ValueError):
    """The text is not a date in any form we read; the message is for the user."""


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2100:
            raise DateFormatError(f"年份 {self.year} 不在 1900–2100 之间")
        if self.month is None and self.day is not None:
            raise DateFormatError("有日无月的日期无效")
        if self.month is not None and not 1 <= self.month <= 12:
            raise DateFormatError(f"月份 {self.month} 无效")
        if self.day is not None:
            try:
                dt.date(self.year, self.month or 1, self.day)
            except ValueError:
                raise DateFormatError(f"{self.year}年{self.month}月没有{self.day}日") from None

    @classmethod
    def of(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    @property
    def is_full(self) -> bool:
        return self.day is not None

    def earliest(self) -> dt.date:
        """First day the value can mean; used to order and compare events."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def to_date(self) -> dt.date | None:
        return dt.date(self.year, self.month, self.day) if self.day is not None and self.month else None

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        """The way a secretary writes it: 1985.03.01, 1985.03 or 1985."""
        return self.iso().replace("-", ".")

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def from_iso(cls, text: str | None) -> PartialDate | None:
        if text is None:
            return None
        parts = [int(p) for p in text.split("-")]
        return cls(*parts)


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalise_text(text: str) -> str:
    """Full-width ASCII to half-width, whitespace collapsed and stripped.

    Not NFKC: that would also rewrite CJK compatibility ideographs, which occur in names.
    """
    return re.sub(r"\s+", " ", text.translate(_FULL_WIDTH)).strip()


_SEPARATED = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})(?:\s*[.\-/月]\s*(\d{1,2})\s*日?|\s*月?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")


def parse_partial_date(value: object) -> PartialDate | None:
    """Read a date as found in a roster cell or typed by a user.

    Accepts datetime/date objects, and text such as 1985.03, 1985年3月, 1985-3-1,
    1985/03/01, 198503, 19850301, 1985年3月1日, 1985. Empty or 不详 → None.
    Raises DateFormatError with a Chinese message for anything else.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return PartialDate.of(value.date())
    if isinstance(value, dt.date):
        return PartialDate.of(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number typed into a cell: 198503 or 19850301 or 1985.
        if float(value).is_integer():
            value = str(int(value))
        else:
            # A number cell keeps 1985.03 and 1985.12, but 1985.10 becomes 1985.1: one digit after the
            # point is January or October, so ask rather than guess.
            year, _, fraction = repr(float(value)).partition(".")
            if len(fraction) == 1 and fraction != "0":
                raise DateFormatError(
                    f"“{value}”是数字格式，无法确定是 {year}年{fraction}月 还是 {year}年{fraction}0月，"
                    f"请写成 {year}.0{fraction} 或 {year}.{fraction}0（把单元格设为“文本”）"
                )
            if len(fraction) != 2:
                raise DateFormatError(f"“{value}”是数字，无法确定月份，请写成 1985.03 或 1985-03-01 的形式")
            value = f"{year}.{fraction}"
    text = normalise_text(str(value))
    if text in UNKNOWN_WORDS:
        return None
    text = text.replace(" ", "")
    if m := _SEPARATED.match(text):
        year, month, day = int(m[1]), int(m[2]), m[3]
        return PartialDate(year, month, int(day) if day else None)
    if m := _COMPACT.match(text):
        year, month, day = int(m[1]), int(m[2]), m[3]
        return PartialDate(year, month, int(day) if day else None)
    if m := _YEAR.match(text):
        return PartialDate(int(m[1]))
    raise DateFormatError(f"“{text}”不是可识别的日期（可写 1985.03、1985年3月、1985-03-01 或 不详）")
