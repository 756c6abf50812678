"""Small dialogs of the 支部 page: the reason for revoking a key, a branch's name and class."""

from __future__ import annotations

from PySide6.QtWidgets import (
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

from app.services.committee_reports import BranchOverview
from app.ui.enroll_dialog import fill_class_combo
from app.ui.form_fields import message_label, set_role, show_message


def _buttons(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    ok.setDefault(True)
    cancel.setAutoDefault(False)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


class RevokeDialog(QDialog):
    """Why the key is revoked; the page then asks once more before it is done."""

    def __init__(self, branch: BranchOverview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("吊销密钥")
        self.branch = branch
        about = QLabel(
            f"支部：{branch.code} {branch.name}\n密钥编号：{branch.key_id}\n\n"
            "吊销后，用这把密钥签名的上报包一律拒收，包括吊销前签名、尚未导入的；"
            "已经导入的仍保留，但在汇总中不再算作“已核验”。\n"
            "用于密钥丢失、泄露或口令遗失。正常换届请导入交接声明，不要吊销。"
        )
        about.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：U盘丢失；口令遗失；电脑被盗")
        reason_label = QLabel("吊销原因(&R)：")
        reason_label.setBuddy(self.reason)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(reason_label, self.reason)
        self.error = message_label("error", self)
        buttons, self.ok_button = _buttons(self, "吊销…")
        buttons.accepted.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.reason.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        self.ok_button.setEnabled(False)
        self.ok_button.setToolTip("须写明吊销原因")
        self.reason.setFocus()
        self.resize(max(self.sizeHint().width(), 560), self.sizeHint().height())

    def reason_text(self) -> str:
        return self.reason.text().strip()

    def submit(self) -> None:
        if not self.reason_text():
            show_message(self.error, "须写明吊销原因", "error")
            self.reason.setFocus()
            return
        self.accept()


class BranchEditDialog(QDialog):
    """Correct a branch's name or class (the class sets its pass and advanced marks)."""

    def __init__(self, branch: BranchOverview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("修改支部名称和类别")
        self.branch = branch
        self.name = QLineEdit(branch.name)
        self.org_class = QComboBox()
        # A class once set can be changed but not cleared (the service keeps it when given none).
        fill_class_combo(self.org_class, branch.org_class, allow_none=branch.org_class is None)
        code = QLabel(branch.code)
        name_label = QLabel("支部名称(&N)：")
        name_label.setBuddy(self.name)
        class_label = QLabel("支部类别(&L)：")
        class_label.setBuddy(self.org_class)
        note = QLabel("支部代码是登记时定下的编号，不能修改。")
        set_role(note, "hint")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("支部代码：", code)
        form.addRow(name_label, self.name)
        form.addRow(class_label, self.org_class)
        form.addRow("", note)
        self.error = message_label("error", self)
        buttons, self.ok_button = _buttons(self, "保存")
        buttons.accepted.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.name.setFocus()
        self.name.selectAll()
        self.resize(max(self.sizeHint().width(), 560), self.sizeHint().height())

    def submit(self) -> None:
        if not self.name.text().strip():
            show_message(self.error, "支部名称不能为空", "error")
            self.name.setFocus()
            return
        self.accept()
