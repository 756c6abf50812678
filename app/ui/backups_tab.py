"""设置 → 备份与恢复: the automatic backups, a backup now, and a restore that checks first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import UserError
from app.storage.backups import (
    BackupInfo,
    RestoreRefused,
    backup_dir,
    backup_if_changed,
    list_backups,
    restore,
)
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.messages import confirm, show_error, show_info
from app.ui.session import Session
from app.ui.workers import wait_for_all


class BackupsTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.backups: list[BackupInfo] = []
        self.where = QLabel()
        self.where.setWordWrap(True)
        set_role(self.where, "hint")
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["备份时间", "文件"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.backup_button = QPushButton("立即备份")
        self.restore_button = QPushButton("从选中的备份恢复…")
        self.restore_file_button = QPushButton("从其他备份文件恢复…")
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.restore_file_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = message_label("ok", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self._restore_selected)
        self.restore_file_button.clicked.connect(self._restore_from_file)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._restore_selected())

    def reload(self) -> None:
        ws = self.session.ws
        self.where.setText(
            "打开和关闭工作区时，如果数据有变化，会自动备份一份（按时间保留最近的若干份）。"
            f"备份保存在：{backup_dir(ws)}"
        )
        self.backups = list_backups(ws)
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            self.table.setItem(row, 0, QTableWidgetItem(f"{backup.taken:%Y-%m-%d %H:%M:%S}"))
            self.table.setItem(row, 1, QTableWidgetItem(backup.path.name))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def backup_now(self) -> None:
        try:
            made = backup_if_changed(self.session.ws)
        except OSError as exc:
            show_message(self.message, f"备份失败：{exc.strerror or exc}", "error")
            return
        if made is None:
            show_message(self.message, "自上次备份以来数据没有变化，不需要新的备份。", "ok")
        else:
            show_message(self.message, f"已备份：{made.name}", "ok")
        self.reload()

    def _restore_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            backup = self.backups[rows[0].row()]
            self.restore_from(backup.path, f"{backup.taken:%Y年%m月%d日 %H:%M}")

    def _restore_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择备份文件", str(backup_dir(self.session.ws)), "备份文件 (*.sqlite);;所有文件 (*)"
        )
        if path:
            self.restore_from(Path(path), Path(path).name)

    def restore_from(self, path: Path, label: str, ask: bool = True) -> bool:
        if ask and not confirm(
            self,
            "从备份恢复",
            f"将把工作区恢复到备份“{label}”时的状态，此后的修改会从工作区中消失。\n\n"
            "恢复前会先把当前数据另存一份，需要时仍可找回。确定恢复吗？",
            yes="恢复",
        ):
            return False
        wait_for_all()  # nothing may be reading the workspace while its content is swapped
        try:
            safety = restore(self.session.ws, path)
        except RestoreRefused as exc:
            show_error(self, str(exc), "不能恢复")
            return False
        try:
            self.session.reopen()  # migrates an older backup and rebuilds every page
        except UserError as exc:
            show_error(self, str(exc), "恢复后无法打开工作区")
            return False
        show_info(self.window(), f"已从备份“{label}”恢复。\n恢复前的数据已另存为：{safety}")
        return True
