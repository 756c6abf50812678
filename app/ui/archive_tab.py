"""年度归档: check the year, confirm its open violations, write the signed archive and lock the year;
reopen a year with a reason; verify an archive folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import archive
from app.services.errors import UserError
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.messages import show_error, show_info
from app.ui.pages import action_button, history_table
from app.ui.passphrase_dialog import PassphraseDialog
from app.ui.session import Session
from app.ui.signing_key_tab import documents_folder

YEARS_BACK = 6
CONTENTS = (
    "归档内容：党支部工作记录本、党员花名册、党费收缴登记表、检查报告（PDF 和 Excel）、记录清单，"
    "民主评议结果汇总表（该年有民主评议时），全年数据（JSON），以及用本支部签名密钥签名的文件清单。"
    "生成一个文件夹和一个同名压缩包。归档后该年的记录锁定，只能写明原因更正。"
)
HISTORY_HEADERS = ("操作", "年度", "时间", "经办", "文件夹 / 原因")


class ArchiveTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.preview: archive.ArchivePreview | None = None
        self.folder: Path | None = None
        self.last_result: archive.ArchiveResult | None = None

        contents = QLabel(CONTENTS)
        contents.setWordWrap(True)
        set_role(contents, "hint")
        self.year = QComboBox()
        self.year.setMinimumContentsLength(12)
        year_label = QLabel("年度(&Y)：")
        year_label.setBuddy(self.year)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        year_row = QHBoxLayout()
        year_row.addWidget(year_label)
        year_row.addWidget(self.year)
        year_row.addSpacing(16)
        year_row.addWidget(self.summary, 1)

        self.blockers = message_label("error", self)
        self.violations_box = QGroupBox("未解决的违规（归档前请确认）")
        self.violations = QListWidget()
        self.violations.setWordWrap(True)
        self.confirm = QCheckBox("我已知悉以上违规，确认按现有记录归档（违规情况会写入归档清单）")
        violations_layout = QVBoxLayout(self.violations_box)
        violations_layout.addWidget(self.violations, 1)
        violations_layout.addWidget(self.confirm)

        self.archive_button = action_button(
            "选择文件夹并归档…", "选择保存位置（如U盘），输入签名密钥口令，生成归档"
        )
        font = self.archive_button.font()
        font.setBold(True)
        self.archive_button.setFont(font)
        self.reopen_button = action_button("撤销归档…", "该年记录重新可以直接修改；须写明原因，记入变更日志")
        self.verify_button = action_button("核验归档…", "检查一个归档文件夹是否完整、未被改动、签名有效")
        buttons = QHBoxLayout()
        buttons.addWidget(self.archive_button)
        buttons.addWidget(self.reopen_button)
        buttons.addStretch(1)
        buttons.addWidget(self.verify_button)
        self.result = message_label("ok", self)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        history_box = QGroupBox("归档记录")
        self.table = history_table(HISTORY_HEADERS, stretch=4)
        self.no_history = QLabel("还没有归档过。")
        self.no_history.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        set_role(self.no_history, "hint")
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.no_history)
        history_layout.addWidget(self.table, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(contents)
        layout.addLayout(year_row)
        layout.addWidget(self.blockers)
        layout.addWidget(self.violations_box, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addWidget(history_box, 1)

        self.year.currentIndexChanged.connect(lambda _i: self._update_preview())
        self.confirm.toggled.connect(lambda _c: self._update_buttons())
        self.archive_button.clicked.connect(self.choose_and_archive)
        self.reopen_button.clicked.connect(self.ask_reopen)
        self.verify_button.clicked.connect(self.choose_and_verify)

    # -- showing ---------------------------------------------------------------------------------

    def reload(self) -> None:
        self._fill_years()
        self._fill_history()

    def chosen_year(self) -> int:
        return int(self.year.currentData())

    def select_year(self, year: int) -> None:
        self.year.setCurrentIndex(self.year.findData(year))

    def _fill_years(self) -> None:
        today = dt.date.today()
        keep = self.year.currentData() if self.year.count() else today.year - 1
        self.year.blockSignals(True)
        self.year.clear()
        for year in range(today.year, today.year - YEARS_BACK, -1):
            text = f"{year}年"
            if year >= today.year:
                text += "（未结束）"
            elif archive.is_archived(self.session.ws, year):
                text += "（已归档）"
            self.year.addItem(text, year)
        self.year.setCurrentIndex(max(self.year.findData(keep), 0))
        self.year.blockSignals(False)
        self._update_preview()

    def _update_preview(self) -> None:
        if self.year.currentIndex() < 0:
            return
        preview = archive.archive_preview(self.session.ws, self.chosen_year())
        self.preview = preview
        self.summary.setText(
            f"{preview.year}年共 {preview.entries} 条记录；检查发现违规 {len(preview.violations)} 项、"
            f"提醒 {preview.warnings} 项。"
        )
        show_message(self.blockers, "；".join(preview.blockers), "error")
        self.violations.clear()
        for finding in preview.violations:
            self.violations.addItem(f"{finding.subject}：{finding.message}")
        self.violations_box.setVisible(bool(preview.violations))
        self.confirm.setChecked(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        preview = self.preview
        ready = preview is not None and not preview.blockers
        confirmed = preview is not None and (not preview.violations or self.confirm.isChecked())
        self.archive_button.setEnabled(ready and confirmed)
        self.reopen_button.setEnabled(preview is not None and preview.archived)

    def _fill_history(self) -> None:
        items = list(reversed(archive.archive_history(self.session.ws)))
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            try:
                at = f"{dt.datetime.fromisoformat(item.at):%Y-%m-%d %H:%M}"
            except ValueError:
                at = item.at
            detail = item.folder_name if item.kind == "archived" else f"原因：{item.reason}"
            for column, text in enumerate((item.label, f"{item.year}年", at, item.actor, detail or "")):
                cell = QTableWidgetItem(text)
                if item.manifest_sha256:
                    cell.setToolTip(f"清单 SHA-256：{item.manifest_sha256}")
                self.table.setItem(row, column, cell)
        self.no_history.setVisible(not items)
        self.table.setVisible(bool(items))

    # -- archiving -------------------------------------------------------------------------------

    def choose_and_archive(self) -> archive.ArchiveResult | None:
        if not self.archive_button.isEnabled():
            return None
        chosen = QFileDialog.getExistingDirectory(
            self, "选择归档保存位置（如U盘）", str(self.folder or documents_folder())
        )
        if not chosen:
            return None
        self.folder = Path(chosen)
        return self.archive_to(self.folder)

    def archive_to(self, folder: Path) -> archive.ArchiveResult | None:
        result = self.archive_dialog(folder).ask()
        if result is None:
            return None
        assert isinstance(result, archive.ArchiveResult)
        self._archived(result)
        return result

    def archive_dialog(self, folder: Path) -> PassphraseDialog:
        ws = self.session.ws
        year = self.chosen_year()
        confirmed = self.confirm.isChecked()

        def work(passphrase: str, say: Callable[[str], None]) -> archive.ArchiveResult:
            def progress(done: int, total: int, text: str) -> None:
                say(f"{text}（{done}/{total}）")

            return archive.create_archive(
                ws, year, folder, passphrase, confirm_violations=confirmed, progress=progress
            )

        name = self.preview.folder_name if self.preview else ""
        return PassphraseDialog(
            f"{year}年度归档",
            f"保存到：{folder / name}（及同名 .zip）\n\n归档后{year}年的记录将锁定。请输入签名密钥的口令：",
            work,
            ok_text="签名并归档",
            busy_text="正在生成归档……",
            parent=self,
            log_folder=self.session.log_folder(),
        )

    def _archived(self, result: archive.ArchiveResult) -> None:
        self.last_result = result
        self.session.notify_changed()  # the year is locked: the record book shows it read-only
        show_message(self.result, f"已归档{result.year}年：{result.folder}", "ok")
        show_info(
            self,
            f"{result.year}年度归档已生成。\n\n文件夹：{result.folder}\n压缩包：{result.zip_path}\n"
            f"共 {len(result.files)} 个文件，清单 SHA-256（前 16 位）：{result.manifest_sha256[:16]}\n\n"
            f"{result.year}年的记录已锁定。请把文件夹或压缩包另存一份，交档案室保管。",
            "归档完成",
        )

    # -- reopening and verifying -----------------------------------------------------------------

    def ask_reopen(self) -> bool:
        year = self.chosen_year()
        reason, ok = QInputDialog.getText(
            self, f"撤销{year}年归档", f"撤销后{year}年的记录可以直接修改。请写明原因（记入变更日志）："
        )
        if not ok:
            return False
        return self.reopen(year, reason)

    def reopen(self, year: int, reason: str) -> bool:
        try:
            archive.reopen_year(self.session.ws, year, reason)
        except UserError as exc:
            show_message(self.result, str(exc), "error")
            return False
        self.session.notify_changed()
        show_message(self.result, f"已撤销{year}年归档，原因已记入变更日志。", "ok")
        return True

    def choose_and_verify(self) -> archive.ArchiveReport | None:
        chosen = QFileDialog.getExistingDirectory(
            self, "选择要核验的归档文件夹", str(self.folder or documents_folder())
        )
        if not chosen:
            return None
        report = self.verify(Path(chosen))
        if report.ok:
            show_info(self, self.report_text(report), "归档完好")
        else:
            show_error(self, self.report_text(report), "归档有问题")
        return report

    def verify(self, path: Path) -> archive.ArchiveReport:
        report = archive.verify_archive(path, ws=self.session.ws)
        show_message(
            self.result, f"{path.name}：{'完好' if report.ok else '有问题'}", "ok" if report.ok else "error"
        )
        return report

    @staticmethod
    def report_text(report: archive.ArchiveReport) -> str:
        lines = [f"归档：{report.path}"]
        if report.branch_name:
            lines.append(f"支部：{report.branch_name}（{report.branch_code}），{report.year}年")
        if report.fingerprint:
            lines.append(f"签名密钥指纹：{report.fingerprint}")
        if report.ok:
            lines.append(f"共 {report.files} 个文件，全部完好，签名有效。")
        else:
            lines.append("发现以下问题：")
            lines += [f"· {p}" for p in report.problems]
        if report.notice:
            lines.append(report.notice)
        return "\n".join(lines)
