"""党员: the roster table with search, filters, a roster date, and the member actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.members import STATUS_LABELS, Status
from app.services import branch_profile, roster, roster_export
from app.services.errors import UserError
from app.services.roster import MemberView
from app.ui.crash_handler import report_exception
from app.ui.form_fields import to_qdate
from app.ui.member_dialog import MemberDialog
from app.ui.membership_event_dialog import MembershipEventDialog
from app.ui.messages import show_error
from app.ui.pages import OpenableTableView, Page, action_button
from app.ui.roster_model import COL, COLUMNS, FORMER_LABEL, RosterTableModel
from app.ui.session import Session
from app.ui.workers import BackgroundTask

ALL = "全部"
EMPTY = "（未填）"


RosterTableView = OpenableTableView
_button = action_button


class RosterPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "党员", parent)
        self.model = RosterTableModel()
        self._export_task: BackgroundTask | None = None

        self.add_button = _button("新增党员", "新增一名党员（Ctrl+N）")
        self.edit_button = _button("编辑", "修改选中党员的信息（回车或双击）")
        self.delete_button = _button("删除", "只用于删除误录的党员")
        self.event_button = _button("党籍变动…", "记录组织关系转出、转入、停止党籍、去世等")
        self.import_button = _button("导入名册…", "从 Excel 花名册导入，导入前先预览")
        self.export_button = _button("导出名册…", "把名册导出为 Excel，可再次导入")
        self.at_date = QDateEdit(to_qdate(dt.date.today()))
        self.at_date.setCalendarPopup(True)
        self.at_date.setKeyboardTracking(False)  # reload once the date is typed, not at every digit
        self.at_date.setDisplayFormat("yyyy年M月d日")
        self.at_date.setMaximumDate(to_qdate(dt.date.today()))
        self.at_date.setToolTip("查看某一天的名册：当天在本支部的党员和他们当时的人员类别")
        self.include_former = QCheckBox("显示已离开本支部的人员")
        self.include_former.setToolTip("也列出已转出、停止党籍、去世等不在本支部的人员（灰色显示）")
        at_label = QLabel("名册日期")
        at_label.setBuddy(self.at_date)
        actions = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, self.event_button):
            actions.addWidget(button)
        actions.addSpacing(24)
        actions.addWidget(at_label)
        actions.addWidget(self.at_date)
        actions.addWidget(self.include_former)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)

        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索（Ctrl+F）：姓名、身份证号、电话、党小组、班组、岗位、备注")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 26)
        self.status_filter = QComboBox()
        self.category_filter = QComboBox()
        self.group_filter = QComboBox()
        self.team_filter = QComboBox()
        for combo in (self.status_filter, self.category_filter, self.group_filter, self.team_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        for text, widget in (
            ("人员类别", self.status_filter),
            ("党员类别", self.category_filter),
            ("党小组", self.group_filter),
            ("班组", self.team_filter),
        ):
            filters.addSpacing(8)
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)

        self.table = RosterTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.sortByColumn(COL["姓名"], Qt.SortOrder.AscendingOrder)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring of 5,000 rows
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        rows.setMinimumWidth(self.fontMetrics().horizontalAdvance("00000") + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        char = self.fontMetrics().horizontalAdvance("中")
        for column, spec in enumerate(COLUMNS):  # fixed widths: never measure every cell
            self.table.setColumnWidth(column, int(spec.width * char) + 18)

        self.count_label = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.new_action = QAction("新增党员", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.triggered.connect(self.add_member)
        self.addAction(self.new_action)  # active only while this page is shown
        self.find_action = QAction("搜索", self)
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        self.find_action.triggered.connect(self._focus_search)
        self.addAction(self.find_action)

        self.add_button.clicked.connect(self.add_member)
        self.edit_button.clicked.connect(self.edit_member)
        self.delete_button.clicked.connect(self.delete_member)
        self.event_button.clicked.connect(lambda: self.record_event())
        self.import_button.clicked.connect(self.import_roster)
        self.export_button.clicked.connect(self.choose_export_file)
        self.table.doubleClicked.connect(lambda _index: self.edit_member())
        self.table.open_requested.connect(self.edit_member)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.search.textChanged.connect(self._search_changed)
        for column, combo in self._filter_combos():
            combo.currentIndexChanged.connect(lambda _i, c=column, w=combo: self._combo_changed(c, w))
        self.at_date.dateChanged.connect(self.reload)
        self.include_former.toggled.connect(self.reload)
        self._update_buttons()

    # -- loading and filtering ------------------------------------------------------------------

    def roster_date(self) -> dt.date:
        value = self.at_date.date().toPython()
        assert isinstance(value, dt.date)
        return value

    def reload(self) -> None:
        self._stale = False
        keep = self.selected_member()
        members = roster.load_roster(
            self.session.ws, self.roster_date(), include_former=self.include_former.isChecked()
        )
        self.model.set_members(members)
        self._fill_filters()
        self._reselect(keep.uuid if keep else None)
        self._update_count()

    def _fill_filters(self) -> None:
        statuses = [STATUS_LABELS[Status.FULL], STATUS_LABELS[Status.PROBATIONARY]]
        if self.include_former.isChecked():
            statuses.append(FORMER_LABEL)
        self._set_choices(self.status_filter, statuses, has_empty=False)
        for column, combo in (
            (COL["党员类别"], self.category_filter),
            (COL["党小组"], self.group_filter),
            (COL["班组"], self.team_filter),
        ):
            values, has_empty = self.model.values(column)
            self._set_choices(combo, values, has_empty)
        # A chosen value that no longer exists fell back to 全部: the model must filter likewise.
        self.model.set_column_filters(
            {column: combo.currentData() for column, combo in self._filter_combos()}
        )

    def _filter_combos(self) -> list[tuple[int, QComboBox]]:
        return [
            (COL["人员类别"], self.status_filter),
            (COL["党员类别"], self.category_filter),
            (COL["党小组"], self.group_filter),
            (COL["班组"], self.team_filter),
        ]

    @staticmethod
    def _set_choices(combo: QComboBox, values: list[str], has_empty: bool) -> None:
        """Refill a filter combo and keep what was chosen if it still exists."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ALL, None)
        for value in values:
            combo.addItem(value, value)
        if has_empty:
            combo.addItem(EMPTY, "")
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _combo_changed(self, column: int, combo: QComboBox) -> None:
        self.model.set_column_filter(column, combo.currentData())
        self._update_count()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_changed(self, text: str) -> None:
        self.model.set_search(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, full, prob = self.model.counts()
        text = f"共 {shown} 人（正式 {full}，预备 {prob}）"
        if shown != self.model.total():
            text += f"　已筛选，名册中共 {self.model.total()} 人"
        self.count_label.setText(text)
        self._update_buttons()

    def _reselect(self, uuid: str | None) -> None:
        row = self.model.row_of(uuid) if uuid else None
        if row is not None:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        has = self.selected_member() is not None
        for button in (self.edit_button, self.delete_button, self.event_button):
            button.setEnabled(has)

    def selected_member(self) -> MemberView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.member_at(rows[0].row()) if rows else None

    # -- member actions ---------------------------------------------------------------------------

    def _groups_and_teams(self) -> tuple[list[str], list[str]]:
        groups = branch_profile.group_names(self.session.ws)
        teams, _ = self.model.values(COL["班组"])
        return groups, teams

    def member_dialog(self, member: MemberView | None) -> MemberDialog:
        groups, teams = self._groups_and_teams()
        return MemberDialog(self.session, member, groups, teams, self)

    def add_member(self) -> None:
        dialog = self.member_dialog(None)
        if dialog.exec() == MemberDialog.DialogCode.Accepted:
            self._after_change(dialog.saved_uuid)

    def edit_member(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        dialog = self.member_dialog(member)
        if dialog.exec() == MemberDialog.DialogCode.Accepted:
            self._after_change(dialog.saved_uuid)

    def _after_change(self, uuid: str | None) -> None:
        if uuid:  # the dialog has notified the change, so the table holds the member by now
            self._reselect(uuid)

    def delete_member(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "删除党员",
            f"确定要删除“{member.name}”吗？\n\n"
            "删除只用于纠正误录的记录，删除后名册中不再有此人的任何历史。\n"
            "党员调离本支部、停止党籍、去世等，请改为记录党籍变动（如“组织关系转出”），"
            "这样历史名册和会议记录中仍能查到。",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        delete = box.addButton("删除（误录）", QMessageBox.ButtonRole.DestructiveRole)
        event = box.addButton("记录党籍变动…", QMessageBox.ButtonRole.ActionRole)
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        if box.clickedButton() is event:
            self.record_event(member)
        elif box.clickedButton() is delete:
            try:
                roster.delete_member(self.session.ws, member.uuid)
            except UserError as exc:
                show_error(self, str(exc))
                return
            self.status_message.emit(f"已删除“{member.name}”")
            self.session.notify_changed()

    def record_event(self, member: MemberView | None = None) -> None:
        member = member or self.selected_member()
        if member is None:
            return
        dialog = MembershipEventDialog(self.session, member, parent=self)
        if dialog.exec() == MembershipEventDialog.DialogCode.Accepted:
            self.status_message.emit(f"已记录“{member.name}”的党籍变动：{dialog.kind.currentText()}")
            self.session.notify_changed()

    # -- import and export --------------------------------------------------------------------------

    def import_roster(self) -> None:
        from app.ui.import_wizard import RosterImportWizard

        RosterImportWizard(self.session, self).exec()

    def choose_export_file(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = f"{self.session.display_name()}党员名册{self.roster_date():%Y%m%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(
            self, "导出名册", str(Path(folder or Path.home()) / name), "Excel 工作簿 (*.xlsx)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> BackgroundTask:
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        ws, at = self.session.ws, self.roster_date()
        task = BackgroundTask(lambda: roster_export.export_roster(ws, path, at))
        self.export_button.setEnabled(False)
        self.status_message.emit("正在导出名册…")
        task.succeeded.connect(lambda count: self.status_message.emit(f"已导出 {count} 名党员到 {path}"))
        task.failed.connect(lambda exc: report_exception(exc, self, self.session.log_folder(), "导出名册"))
        task.finished.connect(lambda: self.export_button.setEnabled(True))
        self._export_task = task
        task.start()
        return task
