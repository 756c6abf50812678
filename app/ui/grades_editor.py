"""民主评议党员: a grade for each full member; probationary members take part but get no grade.

Keyboard: Up/Down move, 1 优秀 2 合格 3 基本合格 4 不合格, 0 or Delete clears; the buttons act on every
selected row, and "其余评为合格" fills the rest, since most members are 合格.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.entries import Grade, RosterMember
from app.domain.members import Status
from app.ui.form_fields import message_label, set_role
from app.ui.member_checklist import standing_text
from app.ui.record_model import GREY

GRADES = tuple(Grade)
NOT_GRADED = "预备党员参加评议，不评定等次"


class GradesTable(QTableWidget):
    grade_requested = Signal(object)  # Grade | None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_0, Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.grade_requested.emit(None)
            return
        index = key - Qt.Key.Key_1
        if 0 <= index < len(GRADES) and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            self.grade_requested.emit(GRADES[index])
            return
        super().keyPressEvent(event)


class GradesEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._members: list[RosterMember] = []
        self._grades: dict[str, Grade] = {}
        self._limit = 0
        self.table = GradesTable(0, 3)
        self.table.setHorizontalHeaderLabels(["姓名", "身份", "评议等次"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        char = self.fontMetrics().horizontalAdvance("中")
        self.table.setColumnWidth(0, 6 * char + 24)
        self.table.setColumnWidth(1, 10 * char + 24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.buttons: dict[Grade | None, QPushButton] = {}
        row = QHBoxLayout()
        for index, grade in enumerate(GRADES, start=1):
            button = QPushButton(f"{grade.value}（{index}）")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, g=grade: self.set_selected(g))
            self.buttons[grade] = button
            row.addWidget(button)
        clear = QPushButton("清除（0）")
        clear.setAutoDefault(False)
        clear.clicked.connect(lambda: self.set_selected(None))
        self.buttons[None] = clear
        row.addWidget(clear)
        row.addStretch(1)
        self.rest_button = QPushButton("其余评为合格")
        self.rest_button.setAutoDefault(False)
        self.rest_button.setToolTip("尚未评定的正式党员都评为合格")
        self.rest_button.clicked.connect(self.rest_qualified)
        row.addWidget(self.rest_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = message_label("error", self)
        hint = QLabel("选中党员后按数字键：1优秀 2合格 3基本合格 4不合格，0清除；可按住 Shift 多选。")
        hint.setWordWrap(True)
        set_role(hint, "hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        self.table.grade_requested.connect(self.set_selected)

    def set_members(self, members: Sequence[RosterMember], grades: Mapping[str, Grade]) -> None:
        self._members = list(members)
        present = {m.uuid for m in members}
        self._grades = {u: g for u, g in grades.items() if u in present}
        self.table.setRowCount(len(self._members))
        for row, member in enumerate(self._members):
            for column, text in ((0, member.name), (1, standing_text(member))):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
            grade = QTableWidgetItem()
            grade.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(row, 2, grade)
            self._show_row(row)
        if self._members:
            self.table.setCurrentCell(0, 0)
        self._update_summary()

    def _gradable(self, member: RosterMember) -> bool:
        return member.status is Status.FULL

    def _show_row(self, row: int) -> None:
        member = self._members[row]
        item = self.table.item(row, 2)
        if not self._gradable(member):
            item.setText(NOT_GRADED)
            item.setForeground(QBrush(QColor(GREY)))
        else:
            grade = self._grades.get(member.uuid)
            item.setText(grade.value if grade else "未评定")
            item.setForeground(QBrush(QColor(GREY)) if grade is None else QBrush())

    def set_grade(self, uuid: str, grade: Grade | None) -> None:
        row = next(i for i, m in enumerate(self._members) if m.uuid == uuid)
        if not self._gradable(self._members[row]):
            return
        if grade is None:
            self._grades.pop(uuid, None)
        else:
            self._grades[uuid] = grade
        self._show_row(row)
        self._update_summary()
        self.changed.emit()

    def set_selected(self, grade: Grade | None) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            member = self._members[row]
            if self._gradable(member):
                if grade is None:
                    self._grades.pop(member.uuid, None)
                else:
                    self._grades[member.uuid] = grade
                self._show_row(row)
        if rows and len(rows) == 1 and rows[0] + 1 < len(self._members):
            self.table.setCurrentCell(rows[0] + 1, 0)  # one by one down the list
        self._update_summary()
        self.changed.emit()

    def rest_qualified(self) -> None:
        for row, member in enumerate(self._members):
            if self._gradable(member) and member.uuid not in self._grades:
                self._grades[member.uuid] = Grade.QUALIFIED
                self._show_row(row)
        self._update_summary()
        self.changed.emit()

    def grades(self) -> dict[str, Grade]:
        order = {m.uuid: i for i, m in enumerate(self._members)}
        return dict(sorted(self._grades.items(), key=lambda kv: order.get(kv[0], 0)))

    def set_limit(self, limit: int) -> None:
        """At most this many 优秀 (a third of the full members, by the rule in force)."""
        self._limit = limit
        self._update_summary()

    def _update_summary(self) -> None:
        gradable = [m for m in self._members if self._gradable(m)]
        excellent = sum(1 for g in self._grades.values() if g is Grade.EXCELLENT)
        graded = sum(1 for m in gradable if m.uuid in self._grades)
        text = (
            f"正式党员 {len(gradable)} 人，已评定 {graded} 人；优秀 {excellent} 人，不超过 {self._limit} 人"
        )
        over = excellent > self._limit
        if over:
            text += "——已超过，请调整"
        self.summary.setText(text)
        set_role(self.summary, "error" if over else "ok" if graded == len(gradable) else "hint")
