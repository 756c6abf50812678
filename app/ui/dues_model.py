"""The dues grid: one row per member, the twelve months of a year, totals and arrears.

Every cell's text, colour and tooltip is computed once from one `load_dues` book when the data is
loaded (no service call per cell), so 300 members paint and sort instantly. Salaries never appear:
the grid shows the band of the base, the amounts due and the amounts paid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCollator, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.dues import MONTH_STATE_LABELS, ZERO, MonthState, Rate
from app.domain.members import CATEGORY_LABELS, Category
from app.domain.periods import month_label
from app.services.dues import DuesBook, MemberDues
from app.ui.table_layout import keep_rows_through_relayout

_Index = QModelIndex | QPersistentModelIndex

LEADING = ("姓名", "类别", "档次", "月应交")
MONTHS = tuple(f"{n}月" for n in range(1, 13))
TRAILING = ("全年应交", "全年已交", "党费交至", "未交月数")
HEADERS = LEADING + MONTHS + TRAILING
COL = {h: i for i, h in enumerate(HEADERS)}
FIRST_MONTH = len(LEADING)
# Widths in "中" characters (plus padding added by the view): the grid must fit a 1366-wide screen.
WIDTHS = {"姓名": 4, "类别": 3.2, "档次": 3.2, "月应交": 3.6, "全年应交": 4.5, "全年已交": 4.5}
WIDTHS |= {"党费交至": 4.3, "未交月数": 4.3} | {m: 3.1 for m in MONTHS}

STATE_ROLE = Qt.ItemDataRole.UserRole + 1  # a month cell's MonthState value, or None
NO_BASE = "未录入"
NOT_DUE_TEXT = MONTH_STATE_LABELS[MonthState.NOT_DUE]

# (background, text) per state; unpaid months still to come are not red: nothing is late yet.
COLOURS: dict[str, tuple[str | None, str]] = {
    "paid": ("#e3f2e4", "#1b5e20"),
    "under": ("#ffecd2", "#8a4500"),
    "unpaid": ("#fbe0e0", "#b71c1c"),
    "prepaid": ("#e1ecfa", "#0d47a1"),
    "future": (None, "#6b6b6b"),
    "not_due": (None, "#9e9e9e"),
}
STATE_WORDS = {
    MonthState.PAID: "已交",
    MonthState.UNDER: "少交",
    MonthState.UNPAID: "未交",
    MonthState.PREPAID: "预交",
    MonthState.NOT_DUE: "无需交纳",
}


def yuan(value: Decimal | None) -> str:
    """An amount as the ledger writes it: two decimals, thousands separated."""
    return "" if value is None else f"{value:,.2f}"


def rate_text(rate: Rate | None) -> str:
    """The band in few characters for the grid: the rate ("1.5%") or the fixed amount ("0.20元");
    the band in full words goes in the tooltip."""
    if rate is None:
        return ""
    if rate.rate is None:
        return f"{rate.monthly}元"
    return f"{(rate.rate * 100).normalize():f}%"


def flag_text(flag_months: int) -> str:
    return f"连续{flag_months}个月未交纳党费，请支部研究处理（不会自动除名）"


@dataclass(frozen=True)
class MonthCell:
    text: str
    state: MonthState
    colour: str  # a key of COLOURS
    tip: str
    paid: Decimal


@dataclass(frozen=True)
class DuesRow:
    uuid: str
    name: str
    category: Category | None
    in_branch: bool  # on the roster today (a member who left still shows for the years he owed)
    has_base: bool
    band: str  # full words, "" without a base
    rate: str  # the band in short: "1.5%", "0.20元"
    monthly: Decimal | None  # due in the reference month
    months: tuple[MonthCell, ...]
    year_due: Decimal
    year_paid: Decimal
    voluntary: Decimal
    paid_through: str | None  # YYYY-MM
    months_unpaid: int | None
    flagged: bool

    def cells(self) -> tuple[str, ...]:
        no = NOT_DUE_TEXT
        return (
            self.name,
            CATEGORY_LABELS[self.category] if self.category else "",
            self.rate if self.has_base else NO_BASE,
            yuan(self.monthly) if self.monthly is not None else no,
            *(c.text for c in self.months),
            yuan(self.year_due) if self.has_base else no,
            yuan(self.year_paid) if self.has_base or self.year_paid else no,
            self.paid_through or no,
            str(self.months_unpaid) if self.months_unpaid is not None else no,
        )


@dataclass(frozen=True)
class RosterEntry:
    """A member on today's roster (from roster.load_roster), so members without a base get a row too."""

    uuid: str
    name: str
    category: Category | None


def _month_cell(m: MemberDues, month: int, current: int) -> MonthCell:
    due = m.dues.get(month)
    amount = due.amount if due else ZERO
    paid = m.paid.get(month, ZERO)
    state = m.state(month, current)
    label = month_label(month)
    note = due.note if due else ""
    if state is MonthState.NOT_DUE:
        reason = note or ("尚未开始交纳" if m.first is None or month < m.first else "本月无需交纳")
        return MonthCell(NOT_DUE_TEXT, state, "not_due", f"{label}：{reason}", paid)
    if state is MonthState.UNPAID:
        colour = "unpaid" if month <= current else "future"
        word = "未交" if month <= current else "未到期，尚未交纳"
        text = yuan(amount)
    else:
        colour, word, text = state.value, STATE_WORDS[state], yuan(paid)
    tip = f"{label}　{word}\n应交 {yuan(amount)} 元，已交 {yuan(paid)} 元"
    if state is MonthState.UNDER:
        tip += f"，还差 {yuan(amount - paid)} 元"
    if note:
        tip += f"\n{note}"
    return MonthCell(text, state, colour, tip, paid)


def _reference_rate_month(m: MemberDues, year: int, current: int) -> int | None:
    """The month whose rate the row shows: this month in the current year, else the year's last rated month."""
    start, end = year * 12, year * 12 + 11
    ref = min(max(current, start), end)
    rated = [k for k in range(start, end + 1) if k in m.dues and m.dues[k].rate is not None]
    before = [k for k in rated if k <= ref]
    if before:
        return before[-1]
    return rated[0] if rated else None


def build_rows(book: DuesBook, roster: Iterable[RosterEntry], year: int, current: int) -> list[DuesRow]:
    """Rows for `year`: everyone on today's roster, plus anyone who owed or paid in that year."""
    start, end = year * 12, year * 12 + 11
    on_roster = {r.uuid: r for r in roster}
    rows: list[DuesRow] = []
    seen: set[str] = set()
    for m in book.members:
        in_year = any(
            (k in m.dues and m.dues[k].amount > 0) or m.paid.get(k, ZERO) > 0 for k in range(start, end + 1)
        )
        voluntary = sum((p.amount for p in m.voluntary if p.paid_on.year == year), ZERO)
        if not in_year and m.uuid not in on_roster and not voluntary:
            continue
        seen.add(m.uuid)
        ref = _reference_rate_month(m, year, current)
        rate = m.dues[ref].rate if ref is not None else None
        arrears = book.arrears(m)
        has_base = m.first is not None
        rows.append(
            DuesRow(
                uuid=m.uuid,
                name=m.name,
                category=rate_category(m, on_roster),
                in_branch=m.uuid in on_roster,
                has_base=has_base,
                band=rate.band if rate else "",
                rate=rate_text(rate),
                monthly=m.dues[ref].amount if ref is not None else None,
                months=tuple(_month_cell(m, k, current) for k in range(start, end + 1)),
                year_due=sum((m.dues[k].amount for k in range(start, end + 1) if k in m.dues), ZERO),
                year_paid=sum((m.paid.get(k, ZERO) for k in range(start, end + 1)), ZERO),
                voluntary=voluntary,
                paid_through=arrears.paid_through_code() if has_base else None,
                months_unpaid=arrears.months_unpaid if has_base else None,
                flagged=arrears.flagged,
            )
        )
    empty = MonthCell(NOT_DUE_TEXT, MonthState.NOT_DUE, "not_due", "尚未录入党费基数", ZERO)
    for r in on_roster.values():
        if r.uuid in seen:
            continue
        rows.append(
            DuesRow(
                r.uuid,
                r.name,
                r.category,
                True,
                False,
                "",
                "",
                None,
                (empty,) * 12,
                ZERO,
                ZERO,
                ZERO,
                None,
                None,
                False,
            )
        )
    return rows


def rate_category(m: MemberDues, roster: dict[str, RosterEntry]) -> Category | None:
    """The member's category as the roster has it (the book does not say which base category applies)."""
    if m.category is not None:
        return m.category
    entry = roster.get(m.uuid)
    return entry.category if entry else None


class DuesTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DuesRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._visible: list[int] = []
        self._words: list[str] = []
        self._sort_column, self._sort_order = 0, Qt.SortOrder.AscendingOrder
        self._collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self._collator.setNumericMode(True)
        self.flag_months = 6
        self.at_text = ""
        self._bold = QFont()
        self._bold.setBold(True)
        self._brushes = {
            key: (QBrush(QColor(bg)) if bg else None, QBrush(QColor(fg))) for key, (bg, fg) in COLOURS.items()
        }
        self._grey = QBrush(QColor("#8a8a8a"))
        self._red = QBrush(QColor("#b71c1c"))
        self._flag_bg = QBrush(QColor("#fbe0e0"))

    # -- data in ----------------------------------------------------------------------------

    def set_rows(self, rows: list[DuesRow], flag_months: int, at_text: str) -> None:
        self.beginResetModel()
        self._rows = rows
        self._cells = [r.cells() for r in rows]
        self.flag_months, self.at_text = flag_months, at_text
        self._visible = self._filtered(self._sorted())
        self.endResetModel()

    def set_search(self, text: str) -> None:
        words = text.lower().split()
        if words != self._words:
            self._words = words
            self.beginResetModel()
            self._visible = self._filtered(self._sorted())
            self.endResetModel()

    def _filtered(self, order: list[int]) -> list[int]:
        rows = order
        for word in self._words:
            rows = [i for i in rows if word in self._rows[i].name.lower()]
        return rows

    def _key(self, column: int) -> list[Any]:
        header = HEADERS[column]
        rows = self._rows
        if header in ("姓名", "类别"):
            key = self._collator.sortKey
            return [(c[column] == "", key(c[column])) for c in self._cells]
        if header == "档次" or header == "月应交":
            return [(r.monthly is None, r.monthly or ZERO) for r in rows]
        if column >= FIRST_MONTH and column < FIRST_MONTH + 12:
            return [
                (r.months[column - FIRST_MONTH].paid, r.months[column - FIRST_MONTH].state.value)
                for r in rows
            ]
        if header == "全年应交":
            return [r.year_due for r in rows]
        if header == "全年已交":
            return [r.year_paid for r in rows]
        if header == "党费交至":
            return [(r.paid_through is None, r.paid_through or "") for r in rows]
        return [(r.months_unpaid is None, r.months_unpaid or 0) for r in rows]

    def _sorted(self) -> list[int]:
        order = list(range(len(self._rows)))
        keys = self._key(self._sort_column)
        names = self._key(0)
        order.sort(
            key=lambda i: (keys[i], names[i]), reverse=self._sort_order == Qt.SortOrder.DescendingOrder
        )
        return order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:
            return

        def rebuild() -> list[int]:
            self._sort_column, self._sort_order = column, order
            self._visible = self._filtered(self._sorted())
            return self._visible

        keep_rows_through_relayout(self, self._visible, rebuild)

    # -- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        i = self._visible[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[i][column]
        row = self._rows[i]
        month = column - FIRST_MONTH if FIRST_MONTH <= column < FIRST_MONTH + 12 else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if month is not None:
                return self._brushes[row.months[month].colour][0]
            if column == COL["未交月数"] and row.flagged:
                return self._flag_bg
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if month is not None:
                return self._brushes[row.months[month].colour][1]
            if column == COL["未交月数"] and row.flagged:
                return self._red
            if not row.in_branch or (not row.has_base and column > 0):
                return self._grey
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column >= COL["月应交"] and column != COL["党费交至"]:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == COL["未交月数"] and row.flagged:
            return self._bold
        if role == Qt.ItemDataRole.DecorationRole and column == COL["未交月数"] and row.flagged:
            return QColor("#c62828")  # a red mark besides the count
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column, month)
        if role == Qt.ItemDataRole.UserRole:
            return row.uuid
        if role == STATE_ROLE and month is not None:
            return row.months[month].state.value
        return None

    def _tooltip(self, row: DuesRow, column: int, month: int | None) -> str | None:
        if month is not None:
            return f"{row.name}　{row.months[month].tip}"
        header = HEADERS[column]
        if header == "姓名" and not row.in_branch:
            return f"{row.name}已不在本支部（仍列出他在本年应交和已交的党费）"
        if not row.has_base and header != "姓名":
            return "尚未录入党费基数：选中这一行，点“录入基数…”"
        if header == "档次":
            return f"党费比例档次：{row.band}（只显示档次，不显示工资）"
        if header == "月应交":
            return "当月应交党费（已扣除经批准的减免）"
        if header == "全年已交" and row.voluntary:
            return f"按月交纳 {yuan(row.year_paid)} 元；另有自愿多交 {yuan(row.voluntary)} 元，不计入此栏"
        if header == "党费交至":
            return "此月及以前各月均已交足" if row.paid_through else "还没有交足任何一个月"
        if header == "未交月数":
            text = f"截至{self.at_text}，共有 {row.months_unpaid} 个月未交足"
            return f"{text}\n{flag_text(self.flag_months)}" if row.flagged else text
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return HEADER_TIPS.get(HEADERS[section])
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    # -- questions the page asks ------------------------------------------------------------------

    def row_at(self, row: int) -> DuesRow:
        return self._rows[self._visible[row]]

    def row_of(self, uuid: str) -> int | None:
        for n, i in enumerate(self._visible):
            if self._rows[i].uuid == uuid:
                return n
        return None

    def rows(self) -> list[DuesRow]:
        return list(self._rows)

    def cell_text(self, uuid: str, header: str) -> str:
        """What the grid shows for a member in a column (for tests and the status line)."""
        for i, row in enumerate(self._rows):
            if row.uuid == uuid:
                return self._cells[i][COL[header]]
        raise KeyError(uuid)


HEADER_TIPS = {
    "档次": "党费比例档次（按税后收入或离退休费划分），不显示工资数额",
    "月应交": "当月应交党费",
    "全年应交": "本年各月应交党费合计",
    "全年已交": "本年各月按月交纳的党费合计（不含自愿多交）",
    "党费交至": "此月及以前各月均已交足（含预交）",
    "未交月数": "截至本月，未交足的月数（自开始交纳起）",
} | {m: "金额为已交金额；未交的月份显示应交金额" for m in MONTHS}
