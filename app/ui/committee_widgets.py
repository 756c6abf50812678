"""What the committee pages share: a light read-only table model, a period chooser, state colours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QWidget

from app.domain.periods import Period, PeriodKind, last_finished, recent_periods
from app.ui.form_fields import set_role
from app.ui.pages import OpenableTableView
from app.ui.table_layout import keep_rows_through_relayout

_Index = QModelIndex | QPersistentModelIndex

# Cell backgrounds: light enough that black text stays readable when printed in grey too.
GREEN = "#c8e6c9"
AMBER = "#ffe0b2"
RED = "#ffcdd2"
GREY = "#e4e4e4"
RED_TEXT = "#c62828"
AMBER_TEXT = "#9a5b00"
GREY_TEXT = "#777777"
GREEN_TEXT = "#2e7d32"


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in widths of one Chinese character; the view adds padding
    numeric: bool = False  # right-aligned and sorted as a number
    tip: str = ""


@dataclass
class Row:
    cells: tuple[str, ...]
    payload: Any = None
    keys: dict[int, Any] = field(default_factory=dict)  # sort keys where the text does not sort right
    background: dict[int, str] = field(default_factory=dict)  # column → colour; -1 for the whole row
    foreground: dict[int, str] = field(default_factory=dict)
    tooltips: dict[int, str] = field(default_factory=dict)
    bold: bool = False


class RowsModel(QAbstractTableModel):
    """Rows of ready-made texts. Committees have tens to thousands of branches: texts and sort keys
    are computed once, and sorting only reorders a list of row numbers."""

    def __init__(self, columns: Sequence[Column]) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self._rows: list[Row] = []
        self._order: list[int] = []
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self._collator.setNumericMode(True)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Sequence[Row], columns: Sequence[Column] | None = None) -> None:
        """New rows, and new columns when they change (the completeness matrix follows the year)."""
        self.beginResetModel()
        if columns is not None:
            self.columns = tuple(columns)
            if self._sort[0] >= len(self.columns):
                self._sort = (-1, Qt.SortOrder.AscendingOrder)
        self._rows = list(rows)
        self._order = self._sorted(*self._sort)
        self.endResetModel()

    def _key(self, row: Row, column: int) -> tuple[Any, ...]:
        if column in row.keys:
            value = row.keys[column]
            return (value is None, value if value is not None else 0)
        text = row.cells[column]
        if self.columns[column].numeric:
            try:
                return (False, float(text.replace(",", "").rstrip("%")))
            except ValueError:
                return (True, 0.0)
        return (text == "", self._collator.sortKey(text))

    def _sorted(self, column: int, order: Qt.SortOrder) -> list[int]:
        rows = list(range(len(self._rows)))
        if column >= 0:
            keys = [self._key(r, column) for r in self._rows]
            rows.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return rows

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        def rebuild() -> list[int]:
            self._sort = (column, order)
            self._order = self._sorted(column, order)
            return self._order

        keep_rows_through_relayout(self, self._order, rebuild)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._rows[self._order[index.row()]]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if self.columns[column].numeric else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = row.background.get(column, row.background.get(-1))
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = row.foreground.get(column, row.foreground.get(-1))
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltips.get(column) or None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if row.bold else None
        if role == Qt.ItemDataRole.UserRole:
            return row.payload
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].tip or None
        return None

    # -- questions the pages and tests ask --

    def row_at(self, view_row: int) -> Row:
        return self._rows[self._order[view_row]]

    def payload_at(self, view_row: int) -> Any:
        return self.row_at(view_row).payload

    def rows(self) -> list[Row]:
        """In the order shown."""
        return [self._rows[i] for i in self._order]

    def column(self, header: str) -> int:
        return [c.header for c in self.columns].index(header)

    def cell(self, view_row: int, header: str) -> str:
        return self.row_at(view_row).cells[self.column(header)]

    def find(self, header: str, text: str) -> int | None:
        column = self.column(header)
        return next((r for r, i in enumerate(self._order) if self._rows[i].cells[column] == text), None)


def make_table(model: RowsModel, sortable: bool = True) -> OpenableTableView:
    view = OpenableTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setSortingEnabled(sortable)
    if sortable:
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring of thousands of rows
    rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    set_column_widths(view, model.columns)
    return view


def follow_current(
    view: OpenableTableView, model: RowsModel, label: QLabel, text: Callable[[Row], str]
) -> None:
    """Show the whole text of the current row in `label` (long messages are cut short in a cell)."""

    def update(*_args: object) -> None:
        index = view.currentIndex()
        label.setText(text(model.row_at(index.row())) if index.isValid() else "")
        label.setVisible(bool(label.text()))

    view.selectionModel().currentRowChanged.connect(update)
    model.modelReset.connect(update)
    model.layoutChanged.connect(update)
    update()


def set_column_widths(view: OpenableTableView, columns: Sequence[Column]) -> None:
    char = view.fontMetrics().horizontalAdvance("中")
    for number, column in enumerate(columns):  # fixed widths: never measure every cell
        view.setColumnWidth(number, int(column.width * char) + 18)


# ---- texts ------------------------------------------------------------------------------------------


def local_time(iso: str | None) -> str:
    """A stored ISO timestamp (UTC) as the clerk's local time, to the minute."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{moment:%Y-%m-%d %H:%M}"


def period_text(codes: Sequence[str]) -> str:
    labels = []
    for code in codes:
        try:
            labels.append(Period.parse(code).label())
        except ValueError:
            labels.append(code)
    return "、".join(labels)


def gaps_text(gaps: Sequence[int]) -> str:
    return "、".join(f"第{n}号" for n in gaps)


def marks_text(pass_mark: int | None, advanced_mark: int | None) -> str:
    if pass_mark is None or advanced_mark is None:
        return ""
    return f"{pass_mark} / {advanced_mark}"


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    set_role(label, "hint")
    return label


# ---- choosing a period --------------------------------------------------------------------------------

KINDS = ((PeriodKind.MONTH, "按月"), (PeriodKind.QUARTER, "按季度"), (PeriodKind.YEAR, "按年"))
PERIODS_BACK = {PeriodKind.MONTH: 24, PeriodKind.QUARTER: 12, PeriodKind.YEAR: 5}


class PeriodChooser(QWidget):
    """按月 / 按季度 / 按年 and the period; starts at the last finished quarter."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        for kind, text in KINDS:
            self.kind.addItem(text, kind)
        self.kind.setCurrentIndex(1)
        self.period = QComboBox()
        self.period.setMinimumContentsLength(14)
        self.period.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        label = QLabel("期间：")
        label.setBuddy(self.kind)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.kind)
        layout.addWidget(self.period)
        self._fill()
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.period.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def _kind(self) -> PeriodKind:
        return PeriodKind(self.kind.currentData())  # the combo keeps the value as a plain str

    def _fill(self, wanted: Period | None = None) -> None:
        today = dt.date.today()
        kind = self._kind()
        wanted = wanted or last_finished(kind, today)
        self.period.blockSignals(True)
        self.period.clear()
        for period in recent_periods(kind, today, PERIODS_BACK[kind]):
            text = period.label() + ("（未结束）" if period.end >= today else "")
            self.period.addItem(text, period.code())
        index = self.period.findData(wanted.code())
        if index < 0:  # older than the list: offer it too
            self.period.addItem(wanted.label(), wanted.code())
            index = self.period.count() - 1
        self.period.setCurrentIndex(index)
        self.period.blockSignals(False)

    def _kind_changed(self) -> None:
        self._fill()
        self.changed.emit()

    def chosen(self) -> Period:
        return Period.parse(self.period.currentData())

    def select(self, period: Period) -> None:
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(period.kind))
        self.kind.blockSignals(False)
        self._fill(period)
        self.changed.emit()
