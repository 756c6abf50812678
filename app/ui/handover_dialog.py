"""换届交接: the outgoing secretary signs, with the old key, a statement naming a new key."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.io.package.secret_key import MIN_PASSPHRASE_LENGTH
from app.services import signing_keys
from app.storage.workspace import Workspace
from app.ui.form_fields import set_role
from app.ui.passphrase_dialog import FORGET_WARNING, WorkDialog, new_passphrase_problem, passphrase_field

INTRO = (
    "换届或书记调整时使用。原密钥用原口令签署一份交接声明，写明新密钥；"
    "新任书记设置新的口令。完成后原密钥停用，此后的上报包都用新密钥签名。\n"
    "请前任和新任书记一起操作：前任输入原口令，新任输入新口令。"
)


class HandoverDialog(WorkDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None, log_folder: Path | None = None) -> None:
        super().__init__("换届交接", parent, log_folder)
        self.ws = ws
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.old = passphrase_field()
        self.new = passphrase_field(f"至少 {MIN_PASSPHRASE_LENGTH} 个字符")
        self.again = passphrase_field()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：换届，新任书记张三")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("原口令：", self.old)
        form.addRow("新口令：", self.new)
        form.addRow("再输入一次新口令：", self.again)
        form.addRow("交接原因：", self.reason)
        forget = QLabel(FORGET_WARNING)
        forget.setWordWrap(True)
        set_role(forget, "warning")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(forget)
        self._add_feedback(layout)
        layout.addWidget(self._buttons("交接"))
        self._inputs = [self.old, self.new, self.again, self.reason]
        self.old.setFocus()
        self.fit(600)

    def submit(self) -> None:
        if self.busy:
            return
        old, new, reason = self.old.text(), self.new.text(), self.reason.text().strip()
        if not old:
            self.refuse("请输入原口令（前任书记设置的口令）", self.old)
            return
        problem = new_passphrase_problem(new, self.again.text())
        if problem:
            self.refuse(problem, self.new if len(new) < MIN_PASSPHRASE_LENGTH else self.again)
            return
        if not reason:
            self.refuse("请写明交接原因（如：换届，新任书记某某）", self.reason)
            return
        ws = self.ws
        self.run(lambda _say: signing_keys.handover(ws, old, new, reason), "正在生成新密钥并签署交接声明……")
