"""Record a dated change of membership (转出, 停止党籍, 去世 …): history is kept, nothing is deleted."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.members import EVENT_LABELS, EventKind
from app.domain.partial_date import DateFormatError, PartialDate, parse_partial_date
from app.services import roster
from app.services.errors import UserError
from app.services.roster import MemberView
from app.ui.form_fields import FieldBox, message_label, set_role, show_message
from app.ui.session import Session

EVENT_CHOICES = (
    EventKind.TRANSFER_OUT,
    EventKind.SUSPENDED,
    EventKind.RESTORED,
    EventKind.LEFT,
    EventKind.DIED,
    EventKind.EXTENDED,
    EventKind.TRANSFER_IN,
)
EVENT_HINTS = {
    EventKind.TRANSFER_OUT: "组织关系转到其他党组织。转出后不再列入本支部名册，历史记录保留。",
    EventKind.SUSPENDED: "停止党籍后不再列入名册；以后恢复党籍时再记录“恢复党籍”。",
    EventKind.RESTORED: "经批准恢复党籍，重新列入本支部名册。",
    EventKind.LEFT: "退党、除名或开除党籍。记录后不再列入名册，历史记录保留。",
    EventKind.DIED: "记录去世日期。记录后不再列入名册，历史记录保留。",
    EventKind.EXTENDED: "预备期延长（不超过一年），仍为预备党员。",
    EventKind.TRANSFER_IN: "从其他党组织转入本支部。",
}


class MembershipEventDialog(QDialog):
    def __init__(
        self,
        session: Session,
        member: MemberView,
        kind: EventKind = EventKind.TRANSFER_OUT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.member = member
        self.setWindowTitle(f"党籍变动 — {member.name}")
        form = QFormLayout()
        name = QLabel(member.name)
        form.addRow("党员：", name)
        self.kind = QComboBox()
        for choice in EVENT_CHOICES:
            self.kind.addItem(EVENT_LABELS[choice], choice.value)
        self.kind.setCurrentIndex(EVENT_CHOICES.index(kind))
        form.addRow("变动类别：", self.kind)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        set_role(self.hint, "hint")
        form.addRow("", self.hint)
        self.on = QLineEdit(PartialDate.of(dt.date.today()).display())
        self.on.setPlaceholderText("如 2024.05.20；不知道具体日期可写“不详”")
        self.on_box = FieldBox(self.on)
        form.addRow("变动日期：", self.on_box)
        self.note = QLineEdit()
        self.note.setPlaceholderText("如：转往某某公司党委，介绍信编号…")
        form.addRow("说明：", self.note)
        self.general = message_label("error", self)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("记录变动", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.resize(520, 0)

    def _kind_changed(self) -> None:
        self.hint.setText(EVENT_HINTS[self.selected_kind()])

    def selected_kind(self) -> EventKind:
        return EventKind(self.kind.currentData())

    def save(self) -> None:
        text = self.on.text().strip()
        if not text:
            self.on_box.set_problems(["请填写变动日期；不知道具体日期请写“不详”"], [])
            return
        try:
            on = parse_partial_date(text)
        except DateFormatError as exc:
            self.on_box.set_problems([str(exc)], [])
            return
        self.on_box.clear()
        try:
            roster.record_event(
                self.session.ws, self.member.uuid, self.selected_kind(), on, self.note.text().strip()
            )
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self.accept()
