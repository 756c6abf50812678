"""公民身份号码 (GB 11643-1999): 18 characters, the last a mod 11-2 check digit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.partial_date import normalise_text

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class IdNumberError(ValueError):
    """The message is for the user, in Chinese."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # 男 / 女


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(text: str) -> str:
    """Half-width, no spaces, upper-case X: the form that is stored."""
    return normalise_text(text).replace(" ", "").upper()


def parse_id_number(text: str) -> IdNumber:
    value = normalise_id_number(text)
    if len(value) != 18:
        raise IdNumberError(f"身份证号应为18位，现为{len(value)}位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError("身份证号前17位须为数字，末位为数字或X")
    expected = check_digit(value[:17])
    if value[17] != expected:
        raise IdNumberError(f"身份证号校验位错误（末位应为{expected}），请核对是否抄错")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期 {value[6:14]} 不存在") from None
    if birth.year < 1900:
        raise IdNumberError(f"身份证号中的出生年份 {birth.year} 不合理")
    gender = "男" if int(value[16]) % 2 == 1 else "女"
    return IdNumber(value, birth, gender)
