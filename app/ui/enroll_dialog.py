"""登记公钥卡: pin a branch's signing key after the clerk has compared its fingerprint with the branch.

No trust on first use: the file on a USB stick could have been swapped, so 登记 stays disabled until
the clerk ticks that the fingerprint matched the branch's printed key card (or a phone call)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import committee_keys
from app.services.committee_keys import BranchInfo, EnrolledKeyView, KeyCard
from app.services.committee_reports import class_marks
from app.services.errors import UserError
from app.storage.workspace import Workspace
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.signing_key_tab import fingerprint_font, spaced_fingerprint

INTRO = (
    "登记后，本党委只接收用这把密钥签名的该支部上报包。U盘上的文件可能被调换，"
    "所以请拿支部交来的打印公钥卡（或打电话请支部书记念），逐组核对下面的指纹。"
)
CONFIRM_TEXT = "已与支部核对指纹一致"
NO_CLASS = "（未定类）"


def fill_class_combo(combo: QComboBox, current: int | None, allow_none: bool = True) -> None:
    """The four branch classes with their pass and advanced marks, from the committee's rule file."""
    today = dt.date.today()
    if allow_none:
        combo.addItem(NO_CLASS, None)
    for number in (1, 2, 3, 4):
        label, pass_mark, advanced = class_marks(number, today)
        marks = f"（达标 {pass_mark} 分，先进 {advanced} 分）" if pass_mark is not None else ""
        combo.addItem(f"{label}{marks}", number)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))


class EnrollDialog(QDialog):
    def __init__(
        self,
        ws: Workspace,
        card_text: str,
        card: KeyCard,
        known: list[BranchInfo],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记支部公钥")
        self.ws = ws
        self.card_text = card_text
        self.card = card
        self.known = {b.code: b for b in known}
        self.enrolled: EnrolledKeyView | None = None

        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.key_id = QLabel(card.key_id)
        self.key_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint = QLabel(spaced_fingerprint(card.fingerprint))
        self.fingerprint.setFont(fingerprint_font(18))
        self.fingerprint.setStyleSheet("QLabel { color: #7f1212; padding: 6px 0; }")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fingerprint_label = QLabel("指纹：")
        fingerprint_label.setMinimumHeight(self.fingerprint.sizeHint().height())
        self.code = QLineEdit(card.branch_code or "")
        self.code.setPlaceholderText("上级党委分配给该支部的代码")
        self.name = QLineEdit()
        self.name.setPlaceholderText("可不填：导入第一个上报包时按包中的名称补上")
        self.org_class = QComboBox()
        known_branch = self.known.get(card.branch_code or "")
        if known_branch is not None:
            self.name.setText(known_branch.name)
        fill_class_combo(self.org_class, known_branch.org_class if known_branch else None)
        self.code_hint = message_label("hint", self)
        if card.branch_code:
            code_note = "（公钥卡上写的；如与本党委的编号不同，请改正）"
        else:
            code_note = "（公钥卡上没有写，请填写）"
        code_note_label = QLabel(code_note)
        set_role(code_note_label, "hint")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("密钥编号：", self.key_id)
        form.addRow(fingerprint_label, self.fingerprint)
        code_label = QLabel("支部代码(&D)：")
        code_label.setBuddy(self.code)
        form.addRow(code_label, self.code)
        form.addRow("", code_note_label)
        form.addRow("", self.code_hint)
        name_label = QLabel("支部名称(&N)：")
        name_label.setBuddy(self.name)
        form.addRow(name_label, self.name)
        class_label = QLabel("支部类别(&L)：")
        class_label.setBuddy(self.org_class)
        form.addRow(class_label, self.org_class)

        self.confirmed = QCheckBox(CONFIRM_TEXT + "(&K)")
        font = self.confirmed.font()
        font.setBold(True)
        self.confirmed.setFont(font)
        self.error = message_label("error", self)
        buttons = QDialogButtonBox()
        self.ok_button: QPushButton = buttons.addButton("登记", QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.confirmed)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        self.confirmed.toggled.connect(lambda _on: self._update())
        self.code.textChanged.connect(lambda _text: self._update())
        self._update()
        (self.code if not card.branch_code else self.confirmed).setFocus()
        self.resize(max(self.sizeHint().width(), 640), self.sizeHint().height())

    def _update(self) -> None:
        code = self.code.text().strip()
        known = self.known.get(code)
        show_message(
            self.code_hint,
            f"已登记的支部：{known.name}。登记后这把密钥成为它的签名密钥。" if known else "",
            "hint",
        )
        ready = self.confirmed.isChecked() and bool(code)
        self.ok_button.setEnabled(ready)
        if not self.confirmed.isChecked():
            self.ok_button.setToolTip(f"请先与支部核对指纹，一致后勾选“{CONFIRM_TEXT}”")
        elif not code:
            self.ok_button.setToolTip("请填写支部代码")
        else:
            self.ok_button.setToolTip("")

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return  # Enter while not confirmed does nothing; the button says why
        try:
            self.enrolled = committee_keys.enroll(
                self.ws,
                self.card_text,
                branch_code=self.code.text().strip(),
                branch_name=self.name.text().strip() or None,
                org_class=self.org_class.currentData(),
            )
        except UserError as exc:
            show_message(self.error, str(exc), "error")
            return
        self.accept()
