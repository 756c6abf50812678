"""The rows of an import plan as a table: 行号, 姓名, 处理, 问题/变化; error rows stand out."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.domain.problems import Severity
from app.services.roster_import import ACTION_LABELS, Action, ImportPlan, PlannedRow

HEADERS = ("行号", "姓名", "处理", "问题/变化")
ERROR_BACKGROUND = QColor("#fde0dc")
WARNING_BACKGROUND = QColor("#fff3cd")
_Index = QModelIndex | QPersistentModelIndex


def row_detail_lines(row: PlannedRow) -> list[str]:
    lines = [str(p) for p in row.problems]
    lines += [f"{label}：{before} → {after}" for label, before, after in row.changes]
    return lines


def row_details(row: PlannedRow) -> str:
    return "；".join(row_detail_lines(row))


def has_problem(row: PlannedRow) -> bool:
    return row.action is Action.INVALID or bool(row.problems)


class ImportPreviewModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[PlannedRow] = []
        self._shown: list[PlannedRow] = []
        self._only_problems = False

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        self._rows = list(plan.rows) if plan else []
        self._shown = self._filtered()
        self.endResetModel()

    def set_only_problems(self, only: bool) -> None:
        self.beginResetModel()
        self._only_problems = only
        self._shown = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[PlannedRow]:
        return [r for r in self._rows if has_problem(r)] if self._only_problems else list(self._rows)

    def planned_row(self, row: int) -> PlannedRow:
        return self._shown[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._shown[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return str(row.row)
            if column == 1:
                return row.name or "—"
            if column == 2:
                return ACTION_LABELS[row.action]
            return row_details(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.action is Action.INVALID:
                return QBrush(ERROR_BACKGROUND)
            if any(p.severity is Severity.WARNING for p in row.problems):
                return QBrush(WARNING_BACKGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None
