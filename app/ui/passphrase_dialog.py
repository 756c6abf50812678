"""Dialogs that ask for the signing key's passphrase and then do the work that needs it.

The key's passphrase goes through a deliberately slow KDF (scrypt, about 0.4 s), so the work runs
off the GUI thread while the dialog shows that it is busy. A refusal (wrong passphrase, a period
not yet ended) is shown inside the dialog, so the secretary can type again without starting over.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.io.package.secret_key import MIN_PASSPHRASE_LENGTH
from app.services.errors import UserError
from app.ui.crash_handler import report_exception
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.workers import BackgroundTask

Progress = Callable[[str], None]
PassphraseWork = Callable[[str, Progress], Any]

FORGET_WARNING = "口令无法找回：忘记口令，就只能请上级党委重新登记新的密钥。"


def passphrase_field(placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    field.setMinimumWidth(field.fontMetrics().horizontalAdvance("中") * 18)
    return field


def new_passphrase_problem(first: str, second: str) -> str:
    """Why a new passphrase (typed twice) cannot be used, or ""."""
    if len(first) < MIN_PASSPHRASE_LENGTH:
        return f"口令至少需要 {MIN_PASSPHRASE_LENGTH} 个字符"
    if first != second:
        return "两次输入的口令不一致，请重新输入"
    return ""


class WorkDialog(QDialog):
    """A dialog whose main button runs a service call in the background and closes when it succeeded.

    `result_value` holds what the call returned. While the call runs, Esc and the close button wait:
    a service call writes in one transaction and cannot be stopped halfway."""

    progress_said = Signal(str)  # emitted from the worker thread; delivered on the GUI thread

    def __init__(self, title: str, parent: QWidget | None = None, log_folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result_value: Any = None
        self.busy = False
        self._task: BackgroundTask | None = None
        self._log_folder = log_folder
        self._inputs: list[QWidget] = []
        self.error = message_label("error", self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        set_role(self.status, "hint")
        self.status.hide()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # the services report steps, not amounts: show that work is going on
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.progress_said.connect(self._said)

    def _buttons(self, ok_text: str) -> QDialogButtonBox:
        buttons = QDialogButtonBox()
        self.ok_button: QPushButton = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button: QPushButton = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        return buttons

    def _add_feedback(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)

    def fit(self, width: int | None = None) -> None:
        """Tall enough for the wrapped labels at this width (sizeHint ignores wrapping); never shrinks."""
        width = max(width or self.width(), self.sizeHint().width())
        height = self.sizeHint().height()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            height = max(height, layout.totalHeightForWidth(width))
        self.resize(width, max(height, self.height() if self.isVisible() else 0))

    def submit(self) -> None:
        """Check what was typed and start the work; subclasses override."""

    def refuse(self, text: str, field: QWidget | None = None) -> None:
        show_message(self.error, text, "error")
        self.fit()
        if field is not None:
            field.setFocus()
            if isinstance(field, QLineEdit):
                field.selectAll()

    def run(self, work: Callable[[Progress], Any], busy_text: str) -> BackgroundTask:
        show_message(self.error, "")
        self.status.setText(busy_text)
        self._set_busy(True)
        say = self.progress_said.emit
        task = BackgroundTask(lambda: work(say))
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        self._task = task
        task.start()
        return task

    def task(self) -> BackgroundTask | None:
        return self._task

    def ask(self) -> Any:
        """Show the dialog until it is done; what the work returned, or None if cancelled. The
        dialog is then disposed of (it is parented to a page that lives on)."""
        accepted = self.exec() == QDialog.DialogCode.Accepted
        result = self.result_value if accepted else None
        self.deleteLater()
        return result

    def _said(self, text: str) -> None:
        if self.busy:
            self.status.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.status.setVisible(busy)
        self.bar.setVisible(busy)
        self.ok_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        for widget in self._inputs:
            widget.setEnabled(not busy)
        if busy:
            self.fit()

    def _succeeded(self, result: object) -> None:
        self._set_busy(False)
        self.result_value = result
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, UserError):
            self.refuse(str(exc), self._inputs[0] if self._inputs else None)
            return
        report_exception(exc, self, self._log_folder, self.windowTitle())
        self.reject()

    def reject(self) -> None:
        if self.busy:
            return  # the work finishes in a moment; its transaction is never cut short
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)


class PassphraseDialog(WorkDialog):
    """Ask for the passphrase (once to unlock, twice when choosing a new one), then run `work` with it."""

    def __init__(
        self,
        title: str,
        intro: str,
        work: PassphraseWork,
        *,
        new: bool = False,
        ok_text: str = "确定",
        busy_text: str = "正在处理……",
        parent: QWidget | None = None,
        log_folder: Path | None = None,
    ) -> None:
        super().__init__(title, parent, log_folder)
        self._work = work
        self._busy_text = busy_text
        self.new = new
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.passphrase = passphrase_field(f"至少 {MIN_PASSPHRASE_LENGTH} 个字符" if new else "")
        self.again = passphrase_field()
        self.reveal = QCheckBox("显示口令")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("新口令：" if new else "签名密钥口令：", self.passphrase)
        if new:
            form.addRow("再输入一次：", self.again)
        form.addRow("", self.reveal)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        if new:
            forget = QLabel(FORGET_WARNING)
            forget.setWordWrap(True)
            set_role(forget, "warning")
            layout.addWidget(forget)
        self._add_feedback(layout)
        layout.addWidget(self._buttons(ok_text))
        self._inputs = [self.passphrase, self.again, self.reveal] if new else [self.passphrase, self.reveal]
        self.reveal.toggled.connect(self._reveal)
        self.passphrase.setFocus()
        self.fit(560)

    def _reveal(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for field in (self.passphrase, self.again):
            field.setEchoMode(mode)

    def submit(self) -> None:
        if self.busy:
            return
        text = self.passphrase.text()
        if self.new:
            problem = new_passphrase_problem(text, self.again.text())
            if problem:
                self.refuse(problem, self.passphrase if len(text) < MIN_PASSPHRASE_LENGTH else self.again)
                return
        elif not text:
            self.refuse("请输入签名密钥的口令", self.passphrase)
            return
        work = self._work
        self.run(lambda say: work(text, say), self._busy_text)
