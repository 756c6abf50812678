"""Column types that store Python values as plain, journal-friendly text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.types import TypeDecorator

from app.domain.partial_date import PartialDate


class IsoDate(TypeDecorator[dt.date]):
    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return value.isoformat() if value is not None else None

    def process_result_value(self, value: Any, dialect: Any) -> dt.date | None:
        return dt.date.fromisoformat(value) if value is not None else None


class PartialDateText(TypeDecorator[PartialDate]):
    """'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; NULL when unknown."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return value.iso() if value is not None else None

    def process_result_value(self, value: Any, dialect: Any) -> PartialDate | None:
        return PartialDate.from_iso(value)


class Money(TypeDecorator[Decimal]):
    """Decimal with two places, stored as text so no float ever touches it."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return str(Decimal(value).quantize(Decimal("0.01"))) if value is not None else None

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return Decimal(value) if value is not None else None


class Flag(TypeDecorator[bool]):
    """A boolean stored as 0/1, so the raw row and the journal agree."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(bool(value))

    def process_result_value(self, value: Any, dialect: Any) -> bool | None:
        return None if value is None else bool(value)
