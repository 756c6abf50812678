"""Data for the 党费收缴登记表 of a year: the rows both the PDF and the spreadsheet print, from the dues book."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.domain.dues import ZERO, MonthDue
from app.domain.members import CATEGORY_LABELS
from app.domain.periods import month_code, month_last_day, month_of
from app.io.pdf.dues_form import (
    EXEMPT,
    NOT_OWED,
    UNDERPAID,
    UNPAID,
    DuesLedger,
    LedgerRow,
    MonthCell,
    dues_ledger_story,
)
from app.services.dues import DuesBook, MemberDues, load_dues, year_summary
from app.services.printing import FORM_TITLES, DataStamp, Layout, PrintRequest
from app.storage.workspace import Workspace


def ledger_year(request: PrintRequest, today: dt.date) -> int:
    """The ledger is kept by year: a month or a quarter asked for means its year."""
    return request.period.start.year if request.period else today.year


def _owes(due: MonthDue | None) -> bool:
    # A month the member owes has a rate, even when an approved exemption makes it 0.00.
    return due is not None and due.rate is not None


def _cell(due: MonthDue | None, paid: Decimal, month: int, closed: int) -> MonthCell:
    """`closed`: the last month that is over; later months are not yet in arrears."""
    owed = due.amount if due is not None and _owes(due) else None
    if paid > 0:
        short = owed is not None and paid < owed and month <= closed
        return MonthCell(paid, UNDERPAID if short else "")
    if owed is None:
        return MonthCell(None, NOT_OWED)
    if owed == 0:
        return MonthCell(None, EXEMPT)
    return MonthCell(None, UNPAID if month <= closed else "")


def _monthly(m: MemberDues, month: int) -> Decimal:
    """The standard amount of an owed month, before any 减免."""
    rate = m.dues[month].rate
    assert rate is not None  # owed months have a rate
    return rate.monthly


def _span(first: int, last: int) -> str:
    return month_code(first) if first == last else f"{month_code(first)} 至 {month_code(last)}"


def _notes(m: MemberDues, owed: list[int]) -> list[str]:
    """Changes of the monthly amount, and approved 减免 in runs of months."""
    notes = []
    previous: Decimal | None = None
    for k in owed:
        monthly = _monthly(m, k)
        if previous is not None and monthly != previous:
            notes.append(f"{month_code(k)} 起月应交由 {previous:.2f} 元调整为 {monthly:.2f} 元")
        previous = monthly
    runs: list[tuple[int, int, MonthDue]] = []
    for k in owed:
        due = m.dues[k]
        if not due.note:
            continue
        if runs and runs[-1][1] == k - 1 and (runs[-1][2].note, runs[-1][2].amount) == (due.note, due.amount):
            runs[-1] = (runs[-1][0], k, due)
        else:
            runs.append((k, k, due))
    for first, last, due in runs:
        each = f"，每月应交 {due.amount:.2f} 元" if due.amount else ""
        notes.append(f"{_span(first, last)} {due.note}{each}")
    return notes


def _row(
    number: int, book: DuesBook, m: MemberDues, months: range, current: int, closed: int
) -> LedgerRow | None:
    owed = [k for k in months if _owes(m.dues.get(k))]
    paid = {k: m.paid.get(k, ZERO) for k in months}
    if not owed and not any(paid.values()):
        return None
    # The amount in force in the latest owed month so far (the first one, for a year still to come).
    ref = max((k for k in owed if k <= current), default=owed[0] if owed else None)
    rate = m.dues[ref].rate if ref is not None else None
    standard = {_monthly(m, k) for k in owed}
    return LedgerRow(
        number=number,
        name=m.name,
        category=CATEGORY_LABELS[m.category] if m.category else "",
        band=rate.band if rate else "",
        monthly=rate.monthly if rate else None,
        monthly_changed=len(standard) > 1,
        months=tuple(_cell(m.dues.get(k), paid[k], k, closed) for k in months),
        year_due=sum((m.dues[k].amount for k in owed), ZERO),
        year_paid=sum(paid.values(), ZERO),
        paid_through=book.arrears(m).paid_through_code() or "",
        notes=tuple(_notes(m, owed)),
    )


def dues_ledger(ws: Workspace, year: int, today: dt.date) -> DuesLedger:
    """Every member who owed dues (or paid regular dues) for a month of `year`, month by month."""
    as_of = min(today, dt.date(year, 12, 31))
    months = range(year * 12, year * 12 + 12)
    current = month_of(as_of)
    closed = current if as_of == month_last_day(current) else current - 1
    book = load_dues(ws, max(current, months[0]))
    rows: list[LedgerRow] = []
    for m in book.members:
        row = _row(len(rows) + 1, book, m, months, current, closed)
        if row is not None:
            rows.append(row)
    month_due = tuple(
        sum((m.dues[k].amount for m in book.members if _owes(m.dues.get(k))), ZERO) for k in months
    )
    month_paid = tuple(sum((m.paid.get(k, ZERO) for m in book.members), ZERO) for k in months)
    _, voluntary, large = year_summary(ws, year)
    return DuesLedger(year, as_of, tuple(rows), month_due, month_paid, voluntary, large)


def build(ws: Workspace, request: PrintRequest, stamp: DataStamp, today: dt.date) -> Layout:
    ledger = dues_ledger(ws, ledger_year(request, today), today)
    setup = stamp.setup(
        FORM_TITLES["dues"],
        footer_note=f"数据截至 {stamp.created.date().isoformat()}　日志哈希 {stamp.journal_head[:16]}",
    )
    return dues_ledger_story(setup, ledger)
