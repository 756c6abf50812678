"""设置 → 数据校验: recompute the journal's hash chain and compare it with the data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from app.services import journal_check
from app.storage.journal import VerifyResult
from app.ui.crash_handler import report_exception
from app.ui.form_fields import set_role
from app.ui.session import Session
from app.ui.workers import BackgroundTask


class JournalCheckTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._task: BackgroundTask | None = None
        intro = QLabel(
            "每一次修改都按顺序记入变更日志，每条日志都带有前一条的哈希值，环环相扣。"
            "校验会重新计算整条日志链，并核对现有数据与日志是否一致；任何绕过本软件的改动都会被发现。"
        )
        intro.setWordWrap(True)
        set_role(intro, "hint")
        self.check_button = QPushButton("开始校验")
        self.check_button.setAutoDefault(False)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.faults = QPlainTextEdit()
        self.faults.setReadOnly(True)
        self.faults.hide()
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addWidget(self.faults, 1)
        layout.addStretch(0)
        self.check_button.clicked.connect(self.check)

    def reload(self) -> None:
        """Results describe the data at the time of the check; a new check is the user's choice."""

    def check(self) -> BackgroundTask:
        self.check_button.setEnabled(False)
        self.result.setText("正在校验…")
        set_role(self.result, "hint")
        self.faults.hide()
        ws = self.session.ws
        task = BackgroundTask(lambda: journal_check.verify_journal(ws))
        task.succeeded.connect(self._show)
        task.failed.connect(self._failed)
        task.finished.connect(lambda: self.check_button.setEnabled(True))
        self._task = task
        task.start()
        return task

    def _failed(self, exc: BaseException) -> None:
        self.result.setText("校验没有完成。")
        report_exception(exc, self, self.session.log_folder(), "数据校验")

    def _show(self, result: VerifyResult) -> None:
        if result.ok:
            self.result.setText(
                f"变更日志完好：{result.entries} 条日志，{result.records} 条记录与日志一致。\n"
                f"日志链末端哈希：{result.head}"
            )
            set_role(self.result, "ok")
            return
        self.result.setText(
            f"发现 {len(result.faults)} 处问题。数据可能被其他程序改动过，请从备份恢复或联系上级党委。"
        )
        set_role(self.result, "error")
        self.faults.setPlainText("\n".join(str(f) for f in result.faults))
        self.faults.show()
