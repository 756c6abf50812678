"""The record book as a Qt table model: each row's cells, search text and members computed once.

Filtering by type, period, member and words only rebuilds a list of row numbers (as in roster_model),
so 750 entries filter in a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.entries import ENTRY_TYPE_LABELS, MEETING_TYPES, VOTING_TYPES, EntryType
from app.domain.periods import Period
from app.services.records import RecordView
from app.ui.table_layout import keep_rows_through_relayout

RED, GREEN, AMBER, GREY = "#c62828", "#2e7d32", "#9a5b00", "#777777"
CORRECTED = "已更正"
LOCKED = "已锁定"
STRETCH = "议题 / 标题"  # takes the width the other columns leave
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class RecordColumn:
    header: str
    width: float  # in widths of one Chinese character
    tip: str = ""


COLUMNS: tuple[RecordColumn, ...] = (
    RecordColumn("日期", 5.5),
    RecordColumn("类型", 4.5),
    RecordColumn(STRETCH, 8),
    RecordColumn("主持人", 3.5),
    RecordColumn("应到/实到/缺席", 7, "应到会人数 / 实到人数 / 缺席人数"),
    RecordColumn("会议有效", 4, "有表决权的党员（委员）是否超过半数到会"),
    RecordColumn("表决结果", 4.5),
    RecordColumn("补学", 2.5, "缺席人员中已补学的人数 / 缺席人数"),
    RecordColumn("状态", 3, "已锁定：所在期间已上报或归档，只能更正；已更正：已锁定并有更正记录（红字）"),
)
HEADERS = tuple(c.header for c in COLUMNS)
COL = {c.header: i for i, c in enumerate(COLUMNS)}


# The list says what secretaries say; the filter, the dialog and the detail use the full names.
SHORT_TYPE_LABELS = {
    **ENTRY_TYPE_LABELS,
    EntryType.PARTY_CONGRESS: "党员大会",
    EntryType.BRANCH_COMMITTEE: "支委会",
    EntryType.MEMBER_REVIEW: "民主评议",
}


def type_text(view: RecordView) -> str:
    return SHORT_TYPE_LABELS[view.draft.type]


def group_text(view: RecordView, group_names: Mapping[str, str]) -> str:
    group = view.draft.group_uuid
    return group_names.get(group, "已删除的党小组") if group else ""


def subject_text(view: RecordView, labels: Mapping[str, str], group_names: Mapping[str, str]) -> str:
    """What the entry was about, in one line: its title, else its topics; 补学 and 谈心 name what and who;
    a 党小组会 starts with its group."""
    draft = view.draft
    if draft.type is EntryType.GROUP_MEETING:
        rest = "；".join([draft.title] if draft.title else list(draft.topics))
        return f"【{group_text(view, group_names)}】{rest}"
    names = "、".join(m.name for m in view.facts.attendance.expected)
    if draft.type is EntryType.MAKEUP:
        missed = labels.get(draft.makeup_of or "", "（原会议记录已删除）")
        return f"{names} 补学：{missed}" + (f"　{draft.title}" if draft.title else "")
    if draft.type is EntryType.HEART_TALK and not draft.title and not draft.topics:
        return f"谈话人：{names}"
    parts = [draft.title] if draft.title else []
    parts += list(draft.topics)
    return "；".join(parts)


def attendance_text(view: RecordView) -> str:
    att = view.facts.attendance
    return f"{len(att.expected)} / {len(att.present)} / {len(att.absent)}"


def quorum_text(view: RecordView) -> tuple[str, str | None]:
    q = view.facts.quorum
    if q is None or view.draft.type not in VOTING_TYPES:
        return "", None
    if q.quorate:
        return "有效", GREEN
    return ("恰好半数" if q.exactly_at_threshold else "不足半数"), RED


def results_text(view: RecordView) -> tuple[str, str | None]:
    outcomes = view.facts.outcomes
    if not outcomes:
        return "", None
    passed = sum(1 for o in outcomes if o.passed)
    failed = len(outcomes) - passed
    if not failed:
        return f"{passed}项通过", GREEN
    if not passed:
        return f"{failed}项未通过", RED
    return f"{passed}项通过，{failed}项未通过", RED


def makeup_text(view: RecordView) -> tuple[str, str | None]:
    if view.draft.type not in MEETING_TYPES:
        return "", None
    done, absent = view.makeup_progress()
    if not absent:
        return "", None
    return f"{done}/{absent}", GREEN if done == absent else AMBER


def row_cells(
    view: RecordView, group_names: Mapping[str, str], labels: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """The cells of one row and their colours."""
    draft = view.draft
    quorum, quorum_colour = quorum_text(view)
    results, results_colour = results_text(view)
    makeup, makeup_colour = makeup_text(view)
    cells = (
        f"{draft.date:%Y-%m-%d}",
        type_text(view),
        subject_text(view, labels, group_names),
        draft.host,
        attendance_text(view),
        quorum,
        results,
        makeup,
        CORRECTED if view.corrections else LOCKED if view.locked else "",  # only a locked entry is corrected
    )
    colours = (
        None,
        None,
        None,
        None,
        None,
        quorum_colour,
        results_colour,
        makeup_colour,
        RED if view.corrections else GREY,
    )
    return cells, colours


def search_text(view: RecordView, group_names: Mapping[str, str]) -> str:
    """What the search box looks in, lower-cased; \x1f keeps a query from spanning two fields."""
    draft = view.draft
    texts = [
        view.type_label,
        type_text(view),
        group_text(view, group_names),
        draft.title,
        *draft.topics,
        draft.agenda,
        draft.minutes,
        draft.summary,
        draft.place,
        draft.host,
        draft.recorder,
        *draft.nonvoting,
        *(r.text for r in draft.resolutions),
        *(m.name for m in view.facts.attendance.expected),
        *(c.reason for c in view.corrections),
    ]
    return "\x1f".join(texts).lower()


def involved(view: RecordView) -> frozenset[str]:
    """Members expected (so also the absent) or taking part."""
    return frozenset(m.uuid for m in view.facts.attendance.expected) | frozenset(view.draft.participants)


class RecordTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)  # owned by its page: freed with it on the GUI thread
        self._views: list[RecordView] = []
        self._days: list[tuple[dt.date, dt.time]] = []
        self._cells: dict[
            int, tuple[tuple[str, ...], tuple[str | None, ...]]
        ] = {}  # filled as rows are shown
        self._search: list[str] | None = None  # built at the first search
        self._members: list[frozenset[str]] | None = None  # built at the first member filter
        self._group_names: Mapping[str, str] = {}
        self._labels: dict[str, str] | None = None
        self._order: list[int] = []
        self._visible: list[int] = []
        self._type: EntryType | None = None
        self._period: Period | None = None
        self._member: str | None = None
        self._words: list[str] = []
        self._sort_keys: dict[int, list[Any]] = {}
        self._sort_column, self._sort_order = COL["日期"], Qt.SortOrder.DescendingOrder
        self._collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self._collator.setNumericMode(True)
        self._bold = QFont()
        self._bold.setBold(True)

    # -- data in ----------------------------------------------------------------------------

    def set_records(self, views: Sequence[RecordView], group_names: Mapping[str, str]) -> None:
        """Only what sorting by date needs is computed now; cells, search text and members when first asked."""
        self.beginResetModel()
        self._views = list(views)
        self._days = [(v.draft.date, v.draft.start or dt.time.min) for v in self._views]
        self._group_names = group_names
        self._labels = None
        self._cells = {}
        self._search = None
        self._members = None
        self._sort_keys = {}
        self._order = self._sorted()
        self._visible = self._filtered()
        self.endResetModel()

    def set_filters(
        self,
        entry_type: EntryType | None = None,
        period: Period | None = None,
        member: str | None = None,
        search: str = "",
    ) -> None:
        """Keep the entries of that type, in that period, where that member was expected or took part,
        and whose text holds every word of `search` (case-insensitive)."""
        self._type, self._period, self._member = entry_type, period, member
        self._words = search.lower().split()
        self.beginResetModel()
        self._visible = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[int]:
        rows, views = self._order, self._views
        if self._type is not None:
            wanted = self._type
            rows = [i for i in rows if views[i].draft.type is wanted]
        if self._period is not None:
            start, end = self._period.start, self._period.end
            days = self._days
            rows = [i for i in rows if start <= days[i][0] <= end]
        if self._member is not None:
            if self._members is None:
                self._members = [involved(v) for v in views]
            member, members = self._member, self._members
            rows = [i for i in rows if member in members[i]]
        if self._words and self._search is None:
            self._search = [search_text(v, self._group_names) for v in views]
        for word in self._words:
            search = self._search
            assert search is not None
            rows = [i for i in rows if word in search[i]]
        return rows

    def _row(self, index: int) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
        cached = self._cells.get(index)
        if cached is None:
            if self._labels is None:
                self._labels = {v.uuid: f"{v.draft.date:%Y-%m-%d} {v.type_label}" for v in self._views}
            cached = row_cells(self._views[index], self._group_names, self._labels)
            self._cells[index] = cached
        return cached

    # -- sorting ------------------------------------------------------------------------------

    def _key(self, column: int) -> list[Any]:
        if column not in self._sort_keys:
            if column == COL["日期"]:
                keys: list[Any] = list(self._days)
            else:
                sort_key = self._collator.sortKey
                texts = [self._row(i)[0][column] for i in range(len(self._views))]
                keys = [(text == "", sort_key(text)) for text in texts]
            self._sort_keys[column] = keys
        return self._sort_keys[column]

    def _sorted(self) -> list[int]:
        rows = list(range(len(self._views)))
        if self._sort_column >= 0:
            keys = self._key(self._sort_column)
            rows.sort(key=keys.__getitem__, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        return rows

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        def rebuild() -> list[int]:
            self._sort_column, self._sort_order = column, order
            self._order = self._sorted()
            self._visible = self._filtered()
            return self._visible

        keep_rows_through_relayout(self, self._visible, rebuild)

    # -- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        position = self._visible[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._row(position)[0][column]
        view = self._views[position]
        if role == Qt.ItemDataRole.ForegroundRole:
            cells, colours = self._row(position)
            return QBrush(QColor(colours[column])) if colours[column] and cells[column] else None
        if role == Qt.ItemDataRole.FontRole and column == COL["状态"] and view.corrections:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL["状态"] and view.corrections:
                last = view.corrections[-1]
                return f"已锁定，更正 {len(view.corrections)} 次；最近一次 {last.made_on:%Y-%m-%d}：{last.reason}"
            if column == COL[STRETCH]:
                return self._row(position)[0][column] or None
        if role == Qt.ItemDataRole.UserRole:
            return view.uuid
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return COLUMNS[section].tip or None
            return None
        return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None

    # -- questions the page asks ------------------------------------------------------------------

    def view_at(self, row: int) -> RecordView:
        return self._views[self._visible[row]]

    def cells_at(self, row: int) -> tuple[str, ...]:
        return self._row(self._visible[row])[0]

    def row_of(self, uuid: str) -> int | None:
        for position, row in enumerate(self._visible):
            if self._views[row].uuid == uuid:
                return position
        return None

    def total(self) -> int:
        return len(self._views)

    def years(self) -> list[int]:
        """The years that have entries, newest first."""
        return sorted({day.year for day, _ in self._days}, reverse=True)

    def views(self) -> list[RecordView]:
        return list(self._views)
