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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.membership import EVENT_LABELS, EventKind
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
    EventKind.FULL,
    EventKind.EXTENDED,
    EventKind.DISQUALIFIED,
    EventKind.TRANSFER_IN,
    EventKind.LOST_CONTACT,
    EventKind.CONTACT_RESTORED,
)
EVENT_HINTS = {
    EventKind.TRANSFER_OUT: "组织关系转到其他党组织。转出后不再列入本支部名册，历史记录保留。",
    EventKind.SUSPENDED: "停止党籍后不再列入名册；以后恢复党籍时再记录“恢复党籍”。",
    EventKind.RESTORED: "经批准恢复党籍，重新列入本支部名册。",
    EventKind.LEFT: "退党、除名或开除党籍。记录后不再列入名册，历史记录保留。",
    EventKind.DIED: "记录去世日期。记录后不再列入名册，历史记录保留。",
    EventKind.EXTENDED: "支部大会决定延长预备期（6至12个月，只能延长一次），仍为预备党员。",
    EventKind.TRANSFER_IN: "从其他党组织转入本支部。",
    EventKind.FULL: "预备期满，经支部大会讨论、上级党委批准转为正式党员。",
    EventKind.DISQUALIFIED: "取消预备党员资格。记录后不再列入名册，历史记录保留。",
    EventKind.LOST_CONTACT: "与党组织失去联系。仍列入名册，以便跟进；联系上后记录“恢复联系”。",
    EventKind.CONTACT_RESTORED: "失去联系的党员重新与党组织取得联系。",
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
        self.on.setPlaceholderText("如 2024.05.20")
        self.on_box = FieldBox(self.on)
        form.addRow("变动日期：", self.on_box)
        self.months = QSpinBox()
        self.months.setRange(1, 24)
        self.months.setValue(6)
        self.months.setSuffix(" 个月")
        self.months_label = QLabel("延长时间：")
        form.addRow(self.months_label, self.months)
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
        kind = self.selected_kind()
        self.hint.setText(EVENT_HINTS[kind])
        self.months.setVisible(kind is EventKind.EXTENDED)
        self.months_label.setVisible(kind is EventKind.EXTENDED)

    def selected_kind(self) -> EventKind:
        return EventKind(self.kind.currentData())

    def save(self) -> None:
        text = self.on.text().strip()
        if not text:
            self.on_box.set_problems(["请填写变动日期"], [])
            return
        try:
            on = parse_partial_date(text)
        except DateFormatError as exc:
            self.on_box.set_problems([str(exc)], [])
            return
        if on is None:
            self.on_box.set_problems(["请填写变动日期（至少写到年月）"], [])
            return
        self.on_box.clear()
        try:
            kind = self.selected_kind()
            roster.record_event(
                self.session.ws,
                self.member.uuid,
                kind,
                on,
                self.note.text().strip(),
                months=self.months.value() if kind is EventKind.EXTENDED else None,
            )
        except UserError as exc:
            show_message(self.general, str(exc))
            return
        self.accept()
