"""Who was there: everyone expected, ticked as present; untick the absent and give a reason.

Built for the keyboard: Up/Down move, Space ticks or unticks, 1–5 mark the current member absent with
that reason (1 倒班 … 5 其他), Tab goes on to the reason, its note and the written-opinion box of the
current member. In participants mode (谈心谈话, 补学) a tick means "took part" and there are no reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.entries import Absence, AbsenceReason, RosterMember
from app.domain.members import Status
from app.ui.form_fields import set_role
from app.ui.record_model import RED

REASONS = tuple(AbsenceReason)  # 倒班 first: the usual reason on a shift-working branch
DEFAULT_REASON = AbsenceReason.SHIFT
ATTENDANCE_HINT = "打勾＝出席。空格键：出席 / 缺席；数字键：缺席原因 1倒班 2出差 3病假 4事假 5其他"
PARTICIPANTS_HINT = "打勾＝参加。空格键：选中 / 取消"


class ChecklistMode(StrEnum):
    ATTENDANCE = "attendance"
    PARTICIPANTS = "participants"


def standing_text(member: RosterMember) -> str:
    if member.status is Status.PROBATIONARY:
        text = "预备党员·无表决权"
    elif member.on_watch:
        text = "留党察看·无表决权"
    else:
        text = "正式党员"
    return text + ("·支委" if member.on_committee else "")


def absence_text(absence: Absence) -> str:
    text = f"缺席：{absence.reason.value}"
    if absence.reason_text:
        text += f"（{absence.reason_text}）"
    if absence.written_opinion:
        text += "，交书面意见"
    return text


class ChecklistTable(QTableWidget):
    """Space toggles the current row's tick wherever the cursor is; a digit picks a reason."""

    toggle_requested = Signal(int)
    reason_requested = Signal(int, object)  # row, AbsenceReason

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentRow()
        if row >= 0 and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            if event.key() == Qt.Key.Key_Space:
                self.toggle_requested.emit(row)
                return
            digit = event.key() - Qt.Key.Key_1
            if 0 <= digit < len(REASONS):
                self.reason_requested.emit(row, REASONS[digit])
                return
        super().keyPressEvent(event)


class MemberChecklist(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = ChecklistMode.ATTENDANCE
        self._members: list[RosterMember] = []
        self._absences: dict[str, Absence] = {}
        self._chosen: set[str] = set()
        self._notes: dict[str, str] = {}
        self._filling = False

        self.table = ChecklistTable(0, 4)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the reason fields
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        char = self.fontMetrics().horizontalAdvance("中")
        for column, width in enumerate((4.5, 8, 2.5)):
            self.table.setColumnWidth(column, int(width * char) + 34)

        self.reason = QComboBox()
        for reason in REASONS:
            self.reason.addItem(reason.value, reason)
        self.reason.setToolTip("缺席原因；倒班最常见，已预先选好")
        self.reason_text = QLineEdit()
        self.reason_text.setPlaceholderText("其他原因")
        self.reason_text.setToolTip("缺席原因选“其他”时，在这里写明")
        self.written = QCheckBox("书面意见")
        self.written.setToolTip("有表决权的党员因故缺席，会前书面表达了对表决事项的意见（计入票数）")
        self.detail_label = QLabel()
        detail = QHBoxLayout()
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addWidget(self.detail_label)
        detail.addWidget(QLabel("缺席原因"))
        detail.addWidget(self.reason)
        detail.addWidget(self.reason_text, 1)
        detail.addWidget(self.written)
        self.detail = QWidget()
        self.detail.setLayout(detail)
        self.hint = QLabel(ATTENDANCE_HINT)
        self.hint.setWordWrap(True)
        set_role(self.hint, "hint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.detail)
        self.setFocusProxy(self.table)

        self.table.toggle_requested.connect(self._toggle)
        self.table.reason_requested.connect(self._reason_key)
        self.table.itemChanged.connect(self._item_changed)
        self.table.currentCellChanged.connect(lambda *_: self._show_detail())
        self.reason.currentIndexChanged.connect(self._detail_edited)
        self.reason_text.textEdited.connect(self._detail_edited)
        self.written.toggled.connect(self._detail_edited)

    # -- filling ------------------------------------------------------------------------------

    def set_attendance(self, members: Sequence[RosterMember], absences: Sequence[Absence]) -> None:
        """Everyone expected; those in `absences` (still expected) unticked with their reasons."""
        self.mode = ChecklistMode.ATTENDANCE
        expected = {m.uuid for m in members}
        self._absences = {a.member_uuid: a for a in absences if a.member_uuid in expected}
        self._fill(members, ("姓名", "身份", "班组", "出席情况"))

    def set_participants(
        self, members: Sequence[RosterMember], chosen: Sequence[str], notes: Mapping[str, str] | None = None
    ) -> None:
        self.mode = ChecklistMode.PARTICIPANTS
        present = {m.uuid for m in members}
        self._chosen = {u for u in chosen if u in present}
        self._notes = dict(notes or {})
        self._fill(members, ("姓名", "身份", "班组", "说明"))

    def _fill(self, members: Sequence[RosterMember], headers: tuple[str, ...]) -> None:
        keep = self.current_member()
        self._filling = True
        self._members = list(members)
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.setRowCount(len(self._members))
        for row, member in enumerate(self._members):
            name = QTableWidgetItem(member.name)
            name.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
            )
            self.table.setItem(row, 0, name)
            for column, text in ((1, standing_text(member)), (2, member.team)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
            state = QTableWidgetItem()
            state.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(row, 3, state)
            self._show_row(row)
        self._filling = False
        uuids = [m.uuid for m in self._members]
        row = uuids.index(keep.uuid) if keep is not None and keep.uuid in uuids else 0
        if self._members:
            self.table.setCurrentCell(row, 0)
        attendance = self.mode is ChecklistMode.ATTENDANCE
        self.hint.setText(ATTENDANCE_HINT if attendance else PARTICIPANTS_HINT)
        self.detail.setVisible(attendance)
        self._show_detail()

    def _ticked(self, member: RosterMember) -> bool:
        if self.mode is ChecklistMode.ATTENDANCE:
            return member.uuid not in self._absences
        return member.uuid in self._chosen

    def _show_row(self, row: int) -> None:
        member = self._members[row]
        was, self._filling = self._filling, True
        ticked = self._ticked(member)
        self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        state = self.table.item(row, 3)
        if self.mode is ChecklistMode.ATTENDANCE:
            absence = self._absences.get(member.uuid)
            state.setText(absence_text(absence) if absence else "出席")
            state.setForeground(QBrush(QColor(RED)) if absence else QBrush())
        else:
            state.setText(self._notes.get(member.uuid, ""))
        self._filling = was

    # -- reading --------------------------------------------------------------------------------

    def members(self) -> list[RosterMember]:
        return list(self._members)

    def absences(self) -> tuple[Absence, ...]:
        """The absent, in list order."""
        return tuple(self._absences[m.uuid] for m in self._members if m.uuid in self._absences)

    def participants(self) -> tuple[str, ...]:
        return tuple(m.uuid for m in self._members if m.uuid in self._chosen)

    def current_member(self) -> RosterMember | None:
        row = self.table.currentRow()
        return self._members[row] if 0 <= row < len(self._members) else None

    def row_of(self, name: str) -> int:
        return next(i for i, m in enumerate(self._members) if m.name == name)

    # -- changing ---------------------------------------------------------------------------------

    def set_present(self, uuid: str, present: bool, reason: AbsenceReason = DEFAULT_REASON) -> None:
        """Tick or untick one member (as Space does on their row)."""
        if self.mode is ChecklistMode.ATTENDANCE:
            if present:
                self._absences.pop(uuid, None)
            elif uuid not in self._absences:
                self._absences[uuid] = Absence(uuid, reason)
        elif present:
            self._chosen.add(uuid)
        else:
            self._chosen.discard(uuid)
        row = next(i for i, m in enumerate(self._members) if m.uuid == uuid)
        self._show_row(row)
        if self.table.currentRow() == row:
            self._show_detail()
        self.changed.emit()

    def _toggle(self, row: int) -> None:
        member = self._members[row]
        self.set_present(member.uuid, not self._ticked(member))

    def _reason_key(self, row: int, reason: AbsenceReason) -> None:
        if self.mode is not ChecklistMode.ATTENDANCE:
            return
        member = self._members[row]
        old = self._absences.get(member.uuid)
        self._absences[member.uuid] = Absence(
            member.uuid,
            reason,
            old.reason_text if old and reason is AbsenceReason.OTHER else "",
            old.written_opinion if old else False,
        )
        self._show_row(row)
        self._show_detail()
        self.changed.emit()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        """A mouse click on a tick box."""
        if self._filling or item.column() != 0:
            return
        member = self._members[item.row()]
        ticked = item.checkState() == Qt.CheckState.Checked
        if ticked != self._ticked(member):
            self.set_present(member.uuid, ticked)

    def _show_detail(self) -> None:
        """The reason fields follow the current member; they are enabled only when that member is absent."""
        member = self.current_member()
        absence = self._absences.get(member.uuid) if member else None
        for widget in (self.reason, self.reason_text, self.written):
            widget.blockSignals(True)
        self.detail_label.setText(f"{member.name}：" if member else "")
        self.reason.setCurrentIndex(REASONS.index(absence.reason) if absence else 0)
        self.reason_text.setText(absence.reason_text if absence else "")
        self.written.setChecked(bool(absence and absence.written_opinion))
        self.reason.setEnabled(absence is not None)
        self.reason_text.setEnabled(absence is not None and absence.reason is AbsenceReason.OTHER)
        self.written.setEnabled(absence is not None and member is not None and member.votes)
        for widget in (self.reason, self.reason_text, self.written):
            widget.blockSignals(False)

    def _detail_edited(self) -> None:
        member = self.current_member()
        if member is None or member.uuid not in self._absences:
            return
        reason = REASONS[max(self.reason.currentIndex(), 0)]
        self._absences[member.uuid] = Absence(
            member.uuid,
            reason,
            self.reason_text.text().strip() if reason is AbsenceReason.OTHER else "",
            self.written.isChecked() and member.votes,
        )
        self.reason_text.setEnabled(reason is AbsenceReason.OTHER)
        self._show_row(self.table.currentRow())
        self.changed.emit()
