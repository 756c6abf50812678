"""党费收缴登记表: one year, one row per member, the twelve months side by side on landscape A4, totals per
month and per year, remarks for changed amounts and approved 减免, and signature lines.

Only the band is printed, never the salary or base it was worked out from."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.io.pdf.layout import (
    HEAD_FILL,
    PageSetup,
    Story,
    frame_width,
    grid_table,
    para,
    signature_table,
    styles,
)

ZERO = Decimal("0.00")

# Marks in a month's cell when nothing was paid for it.
UNPAID, EXEMPT, NOT_OWED, UNDERPAID = "未交", "免交", "—", "少交"
CHANGED = "*"  # after 月应交: the monthly amount changed during the year (see the remarks)

MONTH_HEADERS = tuple(f"{m}月" for m in range(1, 13))
LEFT_HEADERS = ("序号", "姓名", "类别", "档次", "月应交")
RIGHT_HEADERS = ("全年应交", "全年实交", "交至")
HEADERS = (*LEFT_HEADERS, *MONTH_HEADERS, *RIGHT_HEADERS)  # one flat row: the spreadsheet's header


@dataclass(frozen=True)
class MonthCell:
    paid: Decimal | None  # what was paid for the month; None when nothing was
    mark: str = ""  # UNPAID, EXEMPT, NOT_OWED or UNDERPAID; "" for a month still to come


@dataclass(frozen=True)
class LedgerRow:
    number: int
    name: str
    category: str  # the dues category label
    band: str  # e.g. 「3000 < 基数 ≤ 5000：1%」, never the base itself
    monthly: Decimal | None  # the monthly amount in force at the end of the ledger
    monthly_changed: bool
    months: tuple[MonthCell, ...]  # January … December
    year_due: Decimal
    year_paid: Decimal
    paid_through: str  # YYYY-MM, or "" when not even the first month owed is paid
    notes: tuple[str, ...] = ()  # changes of the monthly amount, approved 减免

    @property
    def behind(self) -> bool:
        return any(c.mark in (UNPAID, UNDERPAID) for c in self.months)


@dataclass(frozen=True)
class DuesLedger:
    year: int
    as_of: dt.date  # a month not over by then is still to come: an empty cell, not 未交
    rows: tuple[LedgerRow, ...]
    month_due: tuple[Decimal, ...]  # per month, all rows
    month_paid: tuple[Decimal, ...]
    voluntary: Decimal  # 自愿多交 in the year, without 大额党费
    large: Decimal  # 大额党费, passed up whole

    @property
    def year_due(self) -> Decimal:
        return sum(self.month_due, ZERO)

    @property
    def year_paid(self) -> Decimal:
        return sum(self.month_paid, ZERO)


def amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _month_cell(cell: MonthCell, mark_style: ParagraphStyle) -> object:
    # Amounts line up on the right like the totals; a lone mark sits in the middle of its cell.
    if cell.paid is None:
        return para(cell.mark, mark_style)
    return f"{cell.paid:.2f}" + (f"\n{cell.mark}" if cell.mark else "")


def _total_row(
    label: str, months: Sequence[Decimal], year_due: Decimal | None, year_paid: Decimal | None
) -> list[object]:
    # The label spans 序号 to 月应交.
    return [
        label,
        *[""] * (len(LEFT_HEADERS) - 1),
        *map(amount, months),
        amount(year_due),
        amount(year_paid),
        "",
    ]


def _widths(setup: PageSetup) -> list[float]:
    # Sized for 7.5 pt: a month's total of 99999.99 and the band 「5000<基数≤10000：1.5%」 on one line.
    left = [7, 15, 12, 32.5, 12.5]
    right = [14.5, 14.5, 12.5]
    month = (frame_width(setup) / mm - sum(left) - sum(right)) / 12
    return [w * mm for w in (*left, *([month] * 12), *right)]


def _summary(ledger: DuesLedger) -> str:
    behind = sum(1 for r in ledger.rows if r.behind)
    adjusted = sum(1 for r in ledger.rows if r.notes)
    parts = [
        f"应交党费党员 {len(ledger.rows)} 名",
        f"全年应交合计 {ledger.year_due:.2f} 元",
        f"实交合计 {ledger.year_paid:.2f} 元",
        f"截至 {ledger.as_of:%Y年%m月%d日} 有未交或少交月份的 {behind} 名",
        f"有调整或减免的 {adjusted} 名",
    ]
    extra = f"另收自愿多交党费 {ledger.voluntary:.2f} 元"
    if ledger.large:
        extra += f"，大额党费 {ledger.large:.2f} 元（全额上缴，不计入平时党费）"
    return "；".join(parts) + "。" + extra + "。"


def dues_ledger_story(setup: PageSetup, ledger: DuesLedger) -> tuple[PageSetup, Story]:
    setup = dataclasses.replace(setup, landscape=True, header_note=f"{ledger.year}年度")
    st = styles()
    cell = ParagraphStyle("dues_cell", parent=st.cell, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("dues_head", parent=st.head, fontSize=8, leading=10)
    mark = ParagraphStyle("dues_mark", parent=cell, alignment=TA_CENTER)
    width = frame_width(setup)
    story: Story = [
        para(f"{ledger.year}年度党费收缴登记表", st.title),
        para(
            f"党支部：{setup.branch_name}　　统计截至：{ledger.as_of:%Y年%m月%d日}　　金额单位：元",
            st.subtitle,
        ),
    ]
    first = [*LEFT_HEADERS, "各月交纳金额", *[""] * 11, *RIGHT_HEADERS]
    second = [*[""] * len(LEFT_HEADERS), *MONTH_HEADERS, *[""] * len(RIGHT_HEADERS)]
    months_from, months_to = len(LEFT_HEADERS), len(LEFT_HEADERS) + 11
    spans = [("SPAN", (c, 0), (c, 1)) for c in range(len(LEFT_HEADERS))]
    spans += [("SPAN", (c, 0), (c, 1)) for c in range(months_to + 1, len(HEADERS))]
    spans.append(("SPAN", (months_from, 0), (months_to, 0)))
    rows: list[Sequence[object]] = [
        [
            str(r.number),
            r.name,
            r.category,
            r.band.replace(" ", ""),  # 「3000<基数≤5000：1%」 keeps the band on one line
            amount(r.monthly) + (CHANGED if r.monthly_changed else ""),
            *(_month_cell(c, mark) for c in r.months),
            amount(r.year_due),
            amount(r.year_paid),
            r.paid_through,
        ]
        for r in ledger.rows
    ]
    total_at = len(rows) + 2  # below the two header rows
    rows.append(_total_row("应交合计", ledger.month_due, ledger.year_due, None))
    rows.append(_total_row("实交合计", ledger.month_paid, None, ledger.year_paid))
    for r in (total_at, total_at + 1):
        spans.append(("SPAN", (0, r), (len(LEFT_HEADERS) - 1, r)))
    spans.append(("BACKGROUND", (0, total_at), (-1, total_at + 1), HEAD_FILL))
    align = ["C", "L", "C", "C", "R", *["R"] * 12, "R", "R", "C"]
    story.append(
        grid_table(
            [first, second],
            rows,
            _widths(setup),
            align=align,
            cell_style=cell,
            head_style=head,
            extra_style=[
                *spans,
                ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
            ],
        )
    )
    if not ledger.rows:
        story.append(para("该年度没有应交党费的党员（尚未录入党费基数的党员不在此表中）。", st.body))
    story.append(Spacer(1, 2 * mm))
    story.append(para(_summary(ledger), st.body))
    notes = [f"{r.name}：{note}" for r in ledger.rows for note in r.notes]
    if notes:
        story.append(para("备注", st.heading))
        story.extend(para(f"{i}. {n}", st.body) for i, n in enumerate(notes, start=1))
    story.append(
        para(
            f"说明：「{UNPAID}」应交未交；「{UNDERPAID}」交纳不足；「{EXEMPT}」经上级党委批准免交；"
            f"「{NOT_OWED}」该月无须交纳（尚未入党、已转出或未录入党费基数）；空白为尚未到期的月份。"
            f"月应交后的「{CHANGED}」表示年内有调整，见备注。档次按党费基数所在区间列出，不列工资收入。",
            st.small,
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(signature_table(["收缴人", "支部书记"], width))
    return setup, story
