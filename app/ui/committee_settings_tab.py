"""设置 → 接收加密密钥 (committee): the age key branches may encrypt their packages to.

Encryption is optional; with it a lost USB stick leaks no ID numbers. The private half stays in the
workspace folder, protected by a passphrase that is asked when encrypted packages are imported."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.io.package.secret_key import MIN_PASSPHRASE_LENGTH
from app.services import committee_keys
from app.storage.workspace import Workspace
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.pages import action_button
from app.ui.passphrase_dialog import WorkDialog, new_passphrase_problem, passphrase_field
from app.ui.session import Session
from app.ui.signing_key_tab import fingerprint_font

ABOUT = (
    "支部生成上报包时可以选择加密给本党委：加密后只有本党委能打开，U盘丢失也不会泄露身份证号等信息。"
    "为此本党委需要一把接收加密密钥。是否加密由各支部选择，不加密的上报包照常导入。"
)
NO_KEY = (
    "生成时请设置一个口令（至少 8 个字符）。密钥文件存放在工作区文件夹中，由口令加密保护；"
    "导入加密的上报包时要输入这个口令。"
)
SHARE = (
    "请把上面这串公钥（以 age1 开头）发给各支部，填在支部的“设置 → 签名密钥 → 上级党委加密公钥”中。"
    "公钥可以公开，不必保密。"
)
FORGET = "口令无法找回：忘记口令，已加密的上报包就无法打开，只能请支部不加密重新上报。请牢记口令。"


class ReceivingKeyDialog(WorkDialog):
    """A new passphrase typed twice, then the key is made (slow KDF, in the background)."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None, log_folder: Path | None = None) -> None:
        super().__init__("生成接收加密密钥", parent, log_folder)
        self._ws = ws
        intro = QLabel(NO_KEY)
        intro.setWordWrap(True)
        self.passphrase = passphrase_field(f"至少 {MIN_PASSPHRASE_LENGTH} 个字符")
        self.again = passphrase_field()
        self.reveal = QCheckBox("显示口令")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        first = QLabel("口令(&P)：")
        first.setBuddy(self.passphrase)
        second = QLabel("再输入一次(&A)：")
        second.setBuddy(self.again)
        form.addRow(first, self.passphrase)
        form.addRow(second, self.again)
        form.addRow("", self.reveal)
        forget = QLabel(FORGET)
        forget.setWordWrap(True)
        set_role(forget, "warning")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(forget)
        self._add_feedback(layout)
        layout.addWidget(self._buttons("生成"))
        self._inputs = [self.passphrase, self.again, self.reveal]
        self.reveal.toggled.connect(self._reveal)
        self.passphrase.setFocus()
        self.resize(max(self.sizeHint().width(), 540), self.sizeHint().height())

    def _reveal(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for field in (self.passphrase, self.again):
            field.setEchoMode(mode)

    def submit(self) -> None:
        if self.busy:
            return
        text = self.passphrase.text()
        problem = new_passphrase_problem(text, self.again.text())
        if problem:
            self.refuse(problem, self.again if len(text) >= MIN_PASSPHRASE_LENGTH else self.passphrase)
            return
        ws = self._ws
        self.run(lambda _say: committee_keys.create_receiving_key(ws, text), "正在生成接收加密密钥……")


class ReceivingKeyTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        about = QLabel(ABOUT)
        about.setWordWrap(True)

        self.no_key_box = QGroupBox("还没有接收加密密钥")
        no_key_hint = QLabel(NO_KEY)
        no_key_hint.setWordWrap(True)
        set_role(no_key_hint, "hint")
        self.create_button = action_button("生成接收加密密钥…", "设置口令，生成本党委的接收加密密钥")
        no_key_layout = QVBoxLayout(self.no_key_box)
        no_key_layout.addWidget(no_key_hint)
        create_row = QHBoxLayout()
        create_row.addWidget(self.create_button)
        create_row.addStretch(1)
        no_key_layout.addLayout(create_row)

        self.key_box = QGroupBox("本党委接收加密公钥")
        self.recipient = QLabel()
        self.recipient.setFont(fingerprint_font(12))
        self.recipient.setWordWrap(True)
        self.recipient.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = action_button("复制公钥", "复制到剪贴板，以便发给各支部")
        share = QLabel(SHARE)
        share.setWordWrap(True)
        set_role(share, "hint")
        forget = QLabel(FORGET)
        forget.setWordWrap(True)
        set_role(forget, "warning")
        key_layout = QVBoxLayout(self.key_box)
        key_layout.addWidget(self.recipient)
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)
        key_layout.addLayout(copy_row)
        key_layout.addWidget(share)
        key_layout.addWidget(forget)

        self.message = message_label("ok", self)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.no_key_box)
        layout.addWidget(self.key_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.create_button.clicked.connect(self.create_key)
        self.copy_button.clicked.connect(self.copy_recipient)

    def reload(self) -> None:
        recipient = committee_keys.receiving_recipient(self.session.ws)
        self.no_key_box.setVisible(recipient is None)
        self.key_box.setVisible(recipient is not None)
        self.recipient.setText(recipient or "")

    def create_key(self) -> bool:
        dialog = ReceivingKeyDialog(self.session.ws, self, self.session.log_folder())
        accepted = dialog.exec() == ReceivingKeyDialog.DialogCode.Accepted
        dialog.deleteLater()  # parented to the tab, which lives on
        if not accepted:
            return False
        self.reload()
        show_message(self.message, "已生成接收加密密钥。请把公钥发给各支部。", "ok")
        return True

    def copy_recipient(self) -> None:
        QGuiApplication.clipboard().setText(self.recipient.text())
        show_message(self.message, "已复制公钥。", "ok")
