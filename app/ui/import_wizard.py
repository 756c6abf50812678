"""导入名册: choose an .xlsx, preview every row (in the background), then import what is clean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStandardPaths, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.services import roster_import
from app.services.errors import UserError
from app.services.roster_import import Action, ImportPlan, ImportResult
from app.ui.crash_handler import report_exception
from app.ui.form_fields import message_label, set_role, show_message
from app.ui.import_preview_model import ImportPreviewModel, has_problem, row_detail_lines
from app.ui.session import Session
from app.ui.workers import BackgroundTask

NOT_IN_SHEET_SHOWN = 20


def _busy_bar() -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, 0)  # the reader reports no progress; show that work is going on
    bar.setTextVisible(False)
    bar.hide()
    return bar


class FilePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("选择 Excel 名册")
        self.setSubTitle("支持 .xlsx 文件。先检查每一行并显示预览，确认之前不会写入任何数据。")
        self.path = QLineEdit()
        self.path.setPlaceholderText("点“浏览…”选择文件")
        self.browse = QPushButton("浏览…")
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        self.came = QDateEdit(QDate.currentDate())
        self.came.setCalendarPopup(True)
        self.came.setDisplayFormat("yyyy-MM-dd")
        self.came.setMaximumDate(QDate.currentDate())
        came_row = QHBoxLayout()
        came_row.addWidget(QLabel("新党员进入本支部的日期："))
        came_row.addWidget(self.came)
        came_row.addStretch(1)
        came_hint = QLabel(
            "表中没有“进入本支部日期”列时，新导入的党员从这一天起列入本支部名册，之前的会议不会把他们算作应到。"
            "请选名册所反映的日期（如开始使用本软件的日期），不要选入党日期。"
        )
        came_hint.setWordWrap(True)
        set_role(came_hint, "hint")
        self.error = message_label("error", self)
        self.busy = _busy_bar()
        self.busy_label = QLabel("正在读取和检查，请稍候…（关闭窗口可取消）")
        self.busy_label.hide()
        hint = QLabel(
            "表格第一行可以是标题，表头可以叫“党员姓名”“出生年月”“入党时间”等常见名称；"
            "以身份证号识别党员，再次导入会更新已有党员，不会重复添加。"
        )
        hint.setWordWrap(True)
        set_role(hint, "hint")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        layout.addLayout(came_row)
        layout.addWidget(came_hint)
        layout.addStretch(1)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy)
        self.path.textChanged.connect(self._path_changed)

    def _path_changed(self) -> None:
        show_message(self.error, "")
        self.completeChanged.emit()

    def _wizard(self) -> RosterImportWizard:
        wizard = self.wizard()
        assert isinstance(wizard, RosterImportWizard)
        return wizard

    def _browse(self) -> None:
        start = self.path.text() or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        chosen, _ = QFileDialog.getOpenFileName(
            self, "选择名册", start, "Excel 工作簿 (*.xlsx);;所有文件 (*)"
        )
        if chosen:
            self.path.setText(chosen)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip()) and not self._wizard().busy

    def validatePage(self) -> bool:
        wizard = self._wizard()
        path = Path(self.path.text().strip())
        came = self.came.date().toPython()
        if wizard.plan is not None and wizard.plan.path == path and wizard.plan.in_branch_from == came:
            return True
        wizard.start_plan(path, came)
        return False  # the wizard moves on when the plan arrives

    def set_busy(self, busy: bool) -> None:
        for widget in (self.path, self.browse, self.came):
            widget.setEnabled(not busy)
        self.busy.setVisible(busy)
        self.busy_label.setVisible(busy)
        self.completeChanged.emit()


class PreviewPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("预览")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "导入")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.only_problems = QCheckBox("只看有问题的行")
        self.model = ImportPreviewModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        char = self.fontMetrics().horizontalAdvance("中")
        for column, width in enumerate((3.5, 5, 4)):
            self.table.setColumnWidth(column, int(width * char) + 16)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.row_details = QLabel()
        self.row_details.setWordWrap(True)
        self.row_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.skip_invalid = QCheckBox("跳过有错误的行，导入其余")
        self.confirm_renames = QCheckBox("以上各行确属改名（身份证号相同、姓名不同），按表中姓名更新")
        self.explain = message_label("warning", self)
        self.busy = _busy_bar()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.only_problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.row_details)
        layout.addWidget(self.skip_invalid)
        layout.addWidget(self.confirm_renames)
        layout.addWidget(self.explain)
        layout.addWidget(self.busy)
        self.only_problems.toggled.connect(self._only_problems)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._show_row(current.row())
        )
        self.skip_invalid.toggled.connect(self._explain)
        self.confirm_renames.toggled.connect(self._explain)

    def _wizard(self) -> RosterImportWizard:
        wizard = self.wizard()
        assert isinstance(wizard, RosterImportWizard)
        return wizard

    def _only_problems(self, only: bool) -> None:
        self.model.set_only_problems(only)
        self._select_first_problem()

    def _select_first_problem(self) -> None:
        """Show the first row with a problem in full below the table (a cell only shows one line)."""
        for row in range(self.model.rowCount()):
            if has_problem(self.model.planned_row(row)):
                self._show_row(row)  # not selected: the red of an error row stays visible
                return
        self._show_row(-1)

    def _show_row(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            self.row_details.setText("")
            self.row_details.hide()
            return
        planned = self.model.planned_row(row)
        details = "\n".join(row_detail_lines(planned))
        self.row_details.setText(f"第 {planned.row} 行：\n{details}" if details else "")
        self.row_details.setVisible(bool(details))

    def initializePage(self) -> None:
        plan = self._wizard().plan
        assert plan is not None
        invalid = plan.count(Action.INVALID)
        self.summary.setText(
            f"<b>{plan.path.name}</b>：工作表“{plan.sheet}”，表头在第 {plan.header_row} 行。{plan.summary()}。"
        )
        lines = list(plan.warnings)
        lines += plan.renames()
        if plan.count(Action.NEW) and "in_branch_from" not in plan.columns and plan.in_branch_from:
            lines.append(
                f"新党员记为 {plan.in_branch_from:%Y-%m-%d} 进入本支部（表中没有“进入本支部日期”列）"
            )
        if plan.ignored_headers:
            lines.append("未识别的列（已忽略）：" + "、".join(plan.ignored_headers))
        if plan.new_groups:
            lines.append("将新建党小组：" + "、".join(plan.new_groups))
        if plan.not_in_sheet:
            names = "、".join(plan.not_in_sheet[:NOT_IN_SHEET_SHOWN])
            more = " 等" if len(plan.not_in_sheet) > NOT_IN_SHEET_SHOWN else ""
            lines.append(f"表中没有的党员 {len(plan.not_in_sheet)} 人（不会删除）：{names}{more}")
        self.details.setText("\n".join(lines))
        self.details.setVisible(bool(lines))
        self.model.set_plan(plan)
        self.only_problems.setChecked(False)
        self._select_first_problem()
        self.only_problems.setEnabled(any(r.problems for r in plan.rows))
        self.skip_invalid.setChecked(False)
        self.skip_invalid.setEnabled(invalid > 0)
        self.confirm_renames.setChecked(False)
        self.confirm_renames.setVisible(bool(plan.renames()))
        self._explain()

    def _explain(self) -> None:
        plan = self._wizard().plan
        if plan is None:
            return
        invalid = plan.count(Action.INVALID)
        if invalid and not self.skip_invalid.isChecked():
            show_message(
                self.explain,
                f"有 {invalid} 行有错误（红色），现在不能导入。请在 Excel 中改正后重新选择文件，"
                "或勾选“跳过有错误的行，导入其余”。",
                "error",
            )
        elif plan.renames() and not self.confirm_renames.isChecked():
            show_message(
                self.explain,
                "有的行身份证号与已有党员相同，姓名却不同（见上方）。请核对：确属改名请勾选确认，否则请改正表格。",
                "error",
            )
        elif invalid:
            show_message(self.explain, f"将跳过 {invalid} 行有错误的行，其余各行照常导入。", "warning")
        elif plan.count(Action.NEW) + plan.count(Action.UPDATE) == 0:
            show_message(self.explain, "表中的党员与工作区中完全一致，导入不会有任何改变。", "hint")
        else:
            show_message(self.explain, "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        plan = self._wizard().plan
        if plan is None or self._wizard().busy:
            return False
        if plan.renames() and not self.confirm_renames.isChecked():
            return False
        return plan.clean or self.skip_invalid.isChecked()

    def validatePage(self) -> bool:
        wizard = self._wizard()
        if wizard.import_result is not None:
            return True
        wizard.start_apply(self.skip_invalid.isChecked(), self.confirm_renames.isChecked())
        return False

    def set_busy(self, busy: bool) -> None:
        self.only_problems.setEnabled(not busy)
        self.skip_invalid.setEnabled(not busy and self._has_invalid())
        self.busy.setVisible(busy)
        self.completeChanged.emit()

    def _has_invalid(self) -> bool:
        plan = self._wizard().plan
        return plan is not None and not plan.clean


class ResultPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("导入完成")
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result_label)
        layout.addStretch(1)

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, RosterImportWizard) and wizard.import_result is not None
        r = wizard.import_result
        self.result_label.setText(
            f"新增 {r.added}，更新 {r.updated}，无变化 {r.unchanged}，跳过 {r.skipped}。\n\n"
            "名册已刷新。每次修改都记入变更日志，可在“设置 → 数据校验”中核对。"
        )


class RosterImportWizard(QWizard):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None
        self.busy = False
        self._task: BackgroundTask | None = None
        self._applying = False
        self.setWindowTitle("导入名册")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        for button, text in (
            (QWizard.WizardButton.NextButton, "预览"),
            (QWizard.WizardButton.BackButton, "上一步"),
            (QWizard.WizardButton.FinishButton, "完成"),
            (QWizard.WizardButton.CancelButton, "取消"),
        ):
            self.setButtonText(button, text)
        self.file_page = FilePage()
        self.preview_page = PreviewPage()
        self.result_page = ResultPage()
        self.addPage(self.file_page)
        self.addPage(self.preview_page)
        self.addPage(self.result_page)
        self.resize(960, 640)

    # -- background work ------------------------------------------------------------------------

    def _run(self, work: Callable[[], object], on_done: Callable[[Any], None]) -> None:
        self._set_busy(True)
        task = BackgroundTask(work)
        task.succeeded.connect(on_done)
        task.failed.connect(self._failed)
        task.finished.connect(lambda: self._set_busy(False))
        self._task = task
        task.start()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.button(QWizard.WizardButton.BackButton).setEnabled(not busy)
        self.file_page.set_busy(busy and self.currentPage() is self.file_page)
        self.preview_page.set_busy(busy and self.currentPage() is self.preview_page)

    def start_plan(self, path: Path, came: dt.date | None = None) -> None:
        ws = self.session.ws
        self.plan = None
        self._run(lambda: roster_import.plan_roster_import(ws, path, in_branch_from=came), self._planned)

    def _planned(self, plan: ImportPlan) -> None:
        self.plan = plan
        self._set_busy(False)
        self.next()

    def start_apply(self, skip_invalid: bool, confirm_renames: bool = False) -> None:
        ws, plan = self.session.ws, self.plan
        assert plan is not None
        self._applying = True
        self._run(
            lambda: roster_import.apply_roster_import(
                ws, plan, skip_invalid=skip_invalid, confirm_renames=confirm_renames
            ),
            self._applied,
        )

    def _applied(self, result: ImportResult) -> None:
        self._applying = False
        self.import_result = result
        self._set_busy(False)
        self.session.notify_changed()
        self.next()

    def _failed(self, exc: BaseException) -> None:
        self._applying = False
        page = self.currentPage()
        if isinstance(exc, UserError):
            label = self.file_page.error if page is self.file_page else self.preview_page.explain
            show_message(label, str(exc), "error")
            return
        report_exception(exc, self, self.session.log_folder(), "导入名册")

    def task(self) -> BackgroundTask | None:
        return self._task

    # -- closing --------------------------------------------------------------------------------

    def reject(self) -> None:
        if self._applying:  # one transaction is being written: let it finish
            show_message(self.preview_page.explain, "正在写入，请稍候，完成后即可关闭。", "warning")
            return
        if self._task is not None:
            self._task.cancel()  # reading the sheet writes nothing; just drop its result
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._applying:
            event.ignore()
            return
        super().closeEvent(event)
