"""Dues: bases, payments, the ledger grid, arrears, summaries. Salaries never leave this module's DTOs except
in the branch's own screens: what is exported carries the band and the amounts."""

from __future__ import annotations

import datetime as dt
import json
import uuid as uuid_mod
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Connection

from app.domain.dues import (
    ZERO,
    Adjustment,
    AdjustmentKind,
    Arrears,
    BaseEntry,
    BaseTiming,
    Deductions,
    DuesError,
    MonthDue,
    MonthState,
    Payment,
    PaymentKind,
    allocate,
    arrears,
    check_payment,
    due_for_month,
    entry_in_force,
    is_large,
    money,
    month_state,
    monthly_dues,
)
from app.domain.members import Category
from app.domain.periods import Period, month_code, month_first_day, month_last_day, month_of, parse_month
from app.domain.problems import Problem
from app.io.rules import load_rulebook
from app.services.branch_profile import put_setting
from app.services.dues_opening import openings
from app.services.errors import UserError, ValidationFailed
from app.services.roster_on_day import RosterSource
from app.storage import repositories as repo
from app.storage.journal import canonical_json
from app.storage.workspace import Workspace

TIMING_KEY, DEDUCTIONS_KEY = "dues.base_timing", "dues.deductions"


# ---- policy -----------------------------------------------------------------------------------


def policy(ws: Workspace) -> tuple[BaseTiming, Deductions]:
    with ws.read() as conn:
        settings = repo.setting_rows(conn)
    timing = (
        BaseTiming(settings[TIMING_KEY].value) if TIMING_KEY in settings else BaseTiming.WAGE_CHANGE_MONTH
    )
    deductions = (
        Deductions(settings[DEDUCTIONS_KEY].value) if DEDUCTIONS_KEY in settings else Deductions.TAX_ONLY
    )
    return timing, deductions


def set_policy(ws: Workspace, timing: BaseTiming, deductions: Deductions, actor: str = "书记") -> None:
    with ws.write(actor) as writer:
        for key, value in ((TIMING_KEY, timing.value), (DEDUCTIONS_KEY, deductions.value)):
            put_setting(writer, key, value)


# ---- writing ----------------------------------------------------------------------------------


def _member_exists(conn: Connection, member_uuid: str) -> None:
    if repo.member_row(conn, member_uuid) is None:
        raise UserError("找不到这名党员")


def add_base(
    ws: Workspace,
    member_uuid: str,
    effective_month: str,
    category: Category,
    *,
    gross: object = None,
    income_tax: object = "0",
    social: object = "0",
    fixed: object = None,
    note: str = "",
    actor: str = "书记",
) -> str:
    """Record the inputs of a member's base from a month; refused with a clear message if they are wrong."""
    try:
        month = parse_month(effective_month)
        entry = BaseEntry(
            month,
            category,
            money(gross, "收入") if gross not in (None, "") else None,
            money(income_tax or "0", "个人所得税"),
            money(social or "0", "五险一金"),
            money(fixed, "每月金额") if fixed not in (None, "") else None,
        )
        _, deductions = policy(ws)
        monthly_dues(category, entry.base(deductions), month_first_day(month), load_rulebook(), entry.fixed)
    except (DuesError, ValueError) as exc:
        raise ValidationFailed([Problem("党费基数", str(exc))]) from None
    values = {
        "effective_month": month_code(month),
        "category": category.value,
        "gross": entry.gross,
        "income_tax": entry.income_tax,
        "social": entry.social,
        "fixed": entry.fixed,
        "note": note,
    }
    with ws.write(actor) as writer:
        _member_exists(writer.conn, member_uuid)
        same_month = [
            r
            for r in repo.dues_base_rows(writer.conn)
            if r.member_uuid == member_uuid and r.effective_month == values["effective_month"]
        ]
        if same_month:  # a second base for the same month corrects the first (journaled, before and after)
            writer.update("dues_base", same_month[0].uuid, values)
            return same_month[0].uuid
        new = str(uuid_mod.uuid4())
        writer.insert("dues_base", [{"uuid": new, "member_uuid": member_uuid, **values}])
    return new


def add_adjustment(
    ws: Workspace,
    member_uuid: str,
    start_month: str,
    end_month: str | None,
    kind: AdjustmentKind,
    approval: str,
    amount: object = "0",
    actor: str = "书记",
) -> str:
    if not approval.strip():
        raise UserError("减免须经上级党委批准，请填写批准文号或批准情况")
    try:
        start = parse_month(start_month)
        end = parse_month(end_month) if end_month else None
        reduced = money(amount, "减免后金额") if kind is AdjustmentKind.REDUCE else ZERO
    except (DuesError, ValueError) as exc:
        raise UserError(str(exc)) from None
    if end is not None and end < start:
        raise UserError("结束月份不能早于开始月份")
    with ws.write(actor) as writer:
        _member_exists(writer.conn, member_uuid)
        new = str(uuid_mod.uuid4())
        writer.insert(
            "dues_adjustment",
            [
                {
                    "uuid": new,
                    "member_uuid": member_uuid,
                    "start_month": month_code(start),
                    "end_month": month_code(end) if end is not None else None,
                    "kind": kind.value,
                    "amount": reduced,
                    "approval": approval.strip(),
                }
            ],
        )
    return new


def record_payment(
    ws: Workspace,
    member_uuid: str,
    *,
    paid_on: dt.date,
    months: Sequence[str],
    amount: object,
    kind: PaymentKind = PaymentKind.REGULAR,
    receipt: str = "",
    collector: str = "",
    method: str = "现金",
    note: str = "",
    actor: str = "书记",
) -> tuple[str, list[str]]:
    """Returns the payment's uuid and any warnings (a catch-up over six months, 大额党费)."""
    try:
        payment = Payment(
            paid_on, tuple(parse_month(m) for m in months), money(amount), kind, receipt, collector, method
        )
    except (DuesError, ValueError) as exc:
        raise ValidationFailed([Problem("交费", str(exc))]) from None
    if paid_on > dt.date.today():
        raise ValidationFailed([Problem("交费日期", "不能晚于今天")])
    errors, warnings = check_payment(payment, load_rulebook())
    if errors:
        raise ValidationFailed([Problem("交费", e) for e in errors])
    with ws.write(actor) as writer:
        _member_exists(writer.conn, member_uuid)
        if kind is PaymentKind.REGULAR and not any(
            r.member_uuid == member_uuid for r in repo.dues_base_rows(writer.conn)
        ):
            raise ValidationFailed(
                [Problem("交费", "该党员尚未录入党费基数，无法确定应交金额；请先录入基数")]
            )
        new = str(uuid_mod.uuid4())
        writer.insert(
            "dues_payment",
            [
                {
                    "uuid": new,
                    "member_uuid": member_uuid,
                    "paid_on": paid_on,
                    "months": canonical_json(sorted(month_code(m) for m in payment.months)),
                    "amount": payment.amount,
                    "kind": kind.value,
                    "receipt": receipt,
                    "collector": collector,
                    "method": method,
                    "note": note,
                }
            ],
        )
    return new, warnings


def add_remittance(
    ws: Workspace, remitted_on: dt.date, amount: object, period: str, note: str = "", actor: str = "书记"
) -> str:
    try:
        value = money(amount)
        period = Period.parse(period).code()
    except (DuesError, ValueError) as exc:
        raise UserError(str(exc)) from None
    with ws.write(actor) as writer:
        new = str(uuid_mod.uuid4())
        writer.insert(
            "dues_remittance",
            [{"uuid": new, "remitted_on": remitted_on, "amount": value, "period": period, "note": note}],
        )
    return new


# ---- reading ----------------------------------------------------------------------------------


@dataclass
class MemberDues:
    uuid: str
    name: str
    category: Category | None
    dues: dict[int, MonthDue]  # every month owed from `first` to the horizon
    paid: dict[int, Decimal]
    first: int | None
    payments: list[Payment] = field(default_factory=list)
    voluntary: list[Payment] = field(default_factory=list)
    opening: int | None = None  # 党费交至 when the book began here

    def state(self, month: int, current: int) -> MonthState:
        return month_state(
            self.dues[month].amount if month in self.dues else ZERO,
            self.paid.get(month, ZERO),
            month,
            current,
        )

    def band(self, month: int) -> str:
        due = self.dues.get(month)
        return due.rate.band if due and due.rate else ""


@dataclass
class DuesBook:
    at: int
    members: list[MemberDues]
    timing: BaseTiming
    deductions: Deductions
    remittances: list[tuple[dt.date, Decimal, str, str]]
    flag_months: int

    def arrears(self, m: MemberDues) -> Arrears:
        owed = {month: due.amount for month, due in m.dues.items()}
        return arrears(owed, m.paid, m.first, self.at, self.flag_months, m.opening)


def _owes(source: RosterSource, uuid: str, month: int) -> bool:
    """A member owes a month when in the branch on its first or its last day."""
    return any(uuid in source.uuids_on(day) for day in (month_first_day(month), month_last_day(month)))


def load_dues(ws: Workspace, at: int | None = None, horizon: int | None = None) -> DuesBook:
    """Every member with a dues history, month by month up to `horizon` (default: the end of `at`'s year)."""
    at = at if at is not None else month_of(dt.date.today())
    timing, deductions = policy(ws)
    rules = load_rulebook()
    with ws.read() as conn:
        source = RosterSource.load(conn)
        bases = repo.dues_base_rows(conn)
        adjustments = repo.dues_adjustment_rows(conn)
        payments = repo.dues_payment_rows(conn)
        remittances = repo.dues_remittance_rows(conn)
        opened = openings(conn)
    by_member: dict[str, list[BaseEntry]] = {}
    for b in bases:
        by_member.setdefault(b.member_uuid, []).append(
            BaseEntry(
                parse_month(b.effective_month),
                Category(b.category),
                b.gross,
                b.income_tax,
                b.social,
                b.fixed,
                b.uuid,
            )
        )
    adj_by: dict[str, list[Adjustment]] = {}
    for a in adjustments:
        adj_by.setdefault(a.member_uuid, []).append(
            Adjustment(
                parse_month(a.start_month),
                parse_month(a.end_month) if a.end_month else None,
                AdjustmentKind(a.kind),
                a.amount,
                a.approval,
            )
        )
    pay_by: dict[str, list[Payment]] = {}
    for p in payments:
        pay_by.setdefault(p.member_uuid, []).append(
            Payment(
                p.paid_on,
                tuple(parse_month(m) for m in json.loads(p.months)),
                p.amount,
                PaymentKind(p.kind),
                p.receipt,
                p.collector,
                p.method,
                p.uuid,
            )
        )
    horizon = (
        horizon
        if horizon is not None
        else max([at - at % 12 + 11, *(m for ps in pay_by.values() for p in ps for m in p.months)])
    )
    members = []
    for row in source.members:
        entries = by_member.get(row.uuid, [])
        own_payments = pay_by.get(row.uuid, [])
        if not entries and not own_payments and row.uuid not in opened:
            continue
        first_base = min((e.effective for e in entries), default=None)
        dues: dict[int, MonthDue] = {}
        first = None
        if first_base is not None:
            for month in range(first_base, horizon + 1):
                owes = _owes(source, row.uuid, month)
                due = due_for_month(month, owes, entries, adj_by.get(row.uuid, []), timing, deductions, rules)
                if owes and first is None:
                    first = month
                if first is not None:
                    dues[month] = due
        opening = opened.get(row.uuid)
        if opening is not None:  # settled before the book began here
            dues = {m: d for m, d in dues.items() if m > opening}
            first = min(dues, default=None)
        regular = [p for p in own_payments if p.kind is PaymentKind.REGULAR]
        paid = allocate(regular, {m: d.amount for m, d in dues.items()})
        in_force = entry_in_force(entries, at, timing)
        category = in_force.category if in_force else (Category(row.category) if row.category else None)
        members.append(
            MemberDues(
                row.uuid,
                row.name,
                category,
                dues,
                paid,
                first,
                regular,
                [p for p in own_payments if p.kind is PaymentKind.VOLUNTARY],
                opening,
            )
        )
    flag = int(rules.judging("dues.arrears_flag", month_first_day(at))[0]["months"])
    return DuesBook(
        at,
        members,
        timing,
        deductions,
        [(r.remitted_on, r.amount, r.period, r.note) for r in remittances],
        flag,
    )


@dataclass(frozen=True)
class DuesStatus:
    uuid: str
    name: str
    paid_through: str | None
    months_unpaid: int
    flags: tuple[str, ...]


def dues_status(ws: Workspace, at: int | None = None) -> list[DuesStatus]:
    book = load_dues(ws, at)
    rules = load_rulebook()
    out = []
    for m in book.members:
        a = book.arrears(m)
        flags = []
        if a.flagged:
            flags.append("arrears_6_months")
        if any(is_large(p, rules) for p in m.voluntary):
            flags.append("large_voluntary")
        out.append(DuesStatus(m.uuid, m.name, a.paid_through_code(), a.months_unpaid, tuple(flags)))
    return sorted(out, key=lambda s: s.name)


@dataclass(frozen=True)
class MonthSummary:
    month: int
    due: Decimal
    collected: Decimal

    @property
    def outstanding(self) -> Decimal:
        return max(self.due - self.collected, ZERO)


def year_summary(ws: Workspace, year: int) -> tuple[list[MonthSummary], Decimal, Decimal]:
    """Per month of the year: due and collected (regular dues, by the month they cover); plus the year's
    voluntary dues and 大额党费 (passed up whole, not counted as regular)."""
    book = load_dues(ws, month_index_of_year_end(year))
    rules = load_rulebook()
    months = []
    for month in range(year * 12, year * 12 + 12):
        due = sum((m.dues[month].amount for m in book.members if month in m.dues), ZERO)
        collected = sum((m.paid.get(month, ZERO) for m in book.members), ZERO)
        months.append(MonthSummary(month, due, collected))
    voluntary = [p for m in book.members for p in m.voluntary if p.paid_on.year == year]
    large = sum((p.amount for p in voluntary if is_large(p, rules)), ZERO)
    return months, sum((p.amount for p in voluntary), ZERO) - large, large


@dataclass(frozen=True)
class Owing:
    uuid: str
    name: str
    amount: Decimal


def members_owing(ws: Workspace, month: str) -> list[Owing]:
    """Members who still owe `month`, with the outstanding amount: what 本月全部已交 would record."""
    target = parse_month(month)
    book = load_dues(ws, target)
    return [
        Owing(m.uuid, m.name, m.dues[target].amount - m.paid.get(target, ZERO))
        for m in book.members
        if target in m.dues and m.dues[target].amount > m.paid.get(target, ZERO)
    ]


def pay_all_present(
    ws: Workspace,
    month: str,
    *,
    paid_on: dt.date,
    collector: str = "",
    method: str = "现金",
    actor: str = "书记",
) -> int:
    """“本月在册党员全部已交”: one payment of the outstanding amount for every member who still owes `month`.
    Returns how many payments were recorded."""
    owing = members_owing(ws, month)
    for item in owing:
        record_payment(
            ws,
            item.uuid,
            paid_on=paid_on,
            months=[month],
            amount=str(item.amount),
            collector=collector,
            method=method,
            note="本月集中收缴",
            actor=actor,
        )
    return len(owing)


@dataclass(frozen=True)
class BaseRecord:
    uuid: str
    effective_month: str
    category: Category
    base: Decimal | None  # after the branch's deduction policy
    monthly: Decimal
    band: str
    inputs: str  # the entered amounts, for the branch's own eyes only


def base_history(ws: Workspace, member_uuid: str) -> list[BaseRecord]:
    _, deductions = policy(ws)
    rules = load_rulebook()
    with ws.read() as conn:
        rows = [r for r in repo.dues_base_rows(conn) if r.member_uuid == member_uuid]
    out = []
    for r in sorted(rows, key=lambda r: r.effective_month):
        entry = BaseEntry(
            parse_month(r.effective_month),
            Category(r.category),
            r.gross,
            r.income_tax,
            r.social,
            r.fixed,
            r.uuid,
        )
        rate = monthly_dues(
            entry.category, entry.base(deductions), month_first_day(entry.effective), rules, entry.fixed
        )
        parts = [
            f"收入 {r.gross}" if r.gross is not None else "",
            f"个税 {r.income_tax}" if r.income_tax else "",
            f"五险一金 {r.social}" if r.social else "",
            f"定额 {r.fixed}" if r.fixed is not None else "",
        ]
        out.append(
            BaseRecord(
                r.uuid,
                r.effective_month,
                entry.category,
                entry.base(deductions),
                rate.monthly,
                rate.band,
                "，".join(p for p in parts if p),
            )
        )
    return out


@dataclass(frozen=True)
class DisclosureRow:
    """公示: what each member paid in the year. Amounts and months only, never the salary."""

    name: str
    months_paid: int
    regular: Decimal
    voluntary: Decimal


def disclosure(ws: Workspace, year: int) -> list[DisclosureRow]:
    book = load_dues(ws, month_index_of_year_end(year))
    rows = []
    for m in book.members:
        months = [
            k
            for k in range(year * 12, year * 12 + 12)
            if k in m.dues and m.dues[k].amount > 0 and m.paid.get(k, ZERO) >= m.dues[k].amount
        ]
        regular = sum((m.paid.get(k, ZERO) for k in range(year * 12, year * 12 + 12)), ZERO)
        voluntary = sum((p.amount for p in m.voluntary if p.paid_on.year == year), ZERO)
        rows.append(DisclosureRow(m.name, len(months), regular, voluntary))
    return sorted(rows, key=lambda r: r.name)


def month_index_of_year_end(year: int) -> int:
    return year * 12 + 11
