"""记录本: every entry in date order with filters and search, the entry in full beside it, and the actions
(new, edit, delete, 更正 for locked periods, 补学 for absentees)."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.entries import ENTRY_TYPE_LABELS, MEETING_TYPES, EntryType
from app.domain.periods import Period, PeriodError, PeriodKind
from app.services import records
from app.services.errors import UserError
from app.services.records import RecordView
from app.services.roster_on_day import RosterSource
from app.ui.entry_dialog import EntryDialog, EntryMode
from app.ui.form_fields import set_role
from app.ui.messages import confirm, show_error
from app.ui.pages import OpenableTableView, Page, action_button
from app.ui.record_detail import Names, entry_html
from app.ui.record_model import COL, COLUMNS, STRETCH, RecordTableModel
from app.ui.session import Session

ALL_TYPES = "全部类型"
ALL_PERIODS = "全部"
ALL_MEMBERS = "全部党员"
PERIOD_HINT = "期间写法：2026、2026Q1 或 2026-03"
NO_SELECTION = "<p style='color:#5f5f5f'>选中一条记录，在这里查看全文。</p>"
LOCKED_TEXT = (
    "这条记录所在期间已上报或归档，记录只读，不能直接修改。\n\n"
    "如需改动，请使用“更正”并写明原因：原记录和更正都会保留，并以红字显示。"
)


def parse_period(text: str) -> Period | None:
    """2026, 2026Q1, 2026-03 as the command line writes them, or 2026年, 2026年第1季度, 2026年3月."""
    text = text.strip()
    if not text or text == ALL_PERIODS:
        return None
    if m := re.fullmatch(r"(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?", text):
        quarter = "1234一二三四".index(m[2]) % 4 + 1
        text = f"{m[1]}Q{quarter}"
    elif m := re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月?", text):
        text = f"{m[1]}-{m[2]}"
    elif m := re.fullmatch(r"(\d{4})\s*年?", text):
        text = m[1]
    return Period.parse(text.replace(".", "-").replace("/", "-"))


class RecordBookPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "记录本", parent)
        self.model = RecordTableModel(self)
        self._source: RosterSource | None = None
        self._names = Names({}, {})
        self.dialog: EntryDialog | None = None  # the entry dialog while it is open

        self.new_button = action_button("新建记录", "记一次会议或活动（Ctrl+N）")
        self.edit_button = action_button("查看/编辑", "打开选中的记录（回车或双击）")
        self.delete_button = action_button("删除", "只用于删除误录或重复的记录")
        self.correct_button = action_button("更正…", "已上报或归档期间的记录：写明原因后更正，原记录保留")
        self.makeup_button = action_button("补学…", "为选中会议的缺席人员记录补学")
        self.roll_button = action_button(
            "按名册更新应到名单…",
            "名册在这次会议之后有变：按会议当天现在的名册重新确定应到人员（记入修改记录）",
        )
        self.roll_button.hide()
        self.count_label = QLabel()
        actions = QHBoxLayout()
        for button in (
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.correct_button,
            self.makeup_button,
            self.roll_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)

        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索（Ctrl+F）：议题、记录内容、地点、主持人、记录人、姓名")
        self.search.setClearButtonEnabled(True)
        self.type_filter = QComboBox()
        self.type_filter.addItem(ALL_TYPES, None)
        for entry_type, label in ENTRY_TYPE_LABELS.items():
            self.type_filter.addItem(label, entry_type)
        self.period_filter = QComboBox()
        self.period_filter.setEditable(True)
        self.period_filter.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.period_filter.setToolTip(PERIOD_HINT + "，也可从列表中选")
        self.period_filter.setMinimumContentsLength(9)
        self.period_hint = QLabel(PERIOD_HINT)
        set_role(self.period_hint, "error")
        self.period_hint.hide()
        self.member_filter = QComboBox()
        self.member_filter.setToolTip("只看这名党员应到会（含缺席）或参加的记录")
        self.member_filter.setMinimumContentsLength(6)
        for combo in (self.type_filter, self.member_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        for text, widget in (
            ("类型", self.type_filter),
            ("期间", self.period_filter),
            ("党员", self.member_filter),
        ):
            filters.addSpacing(8)
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addWidget(self.period_hint)

        self.table = OpenableTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSortIndicator(COL["日期"], Qt.SortOrder.DescendingOrder)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        rows.hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        char = self.fontMetrics().horizontalAdvance("中")
        for column, spec in enumerate(COLUMNS):
            self.table.setColumnWidth(column, int(spec.width * char) + 18)
        header.setSectionResizeMode(COL[STRETCH], QHeaderView.ResizeMode.Stretch)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setHtml(NO_SELECTION)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([850, 350])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

        self.new_action = QAction("新建记录", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.triggered.connect(lambda: self.new_entry())
        self.addAction(self.new_action)  # active only while this page is shown
        self.find_action = QAction("搜索", self)
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        self.find_action.triggered.connect(self._focus_search)
        self.addAction(self.find_action)

        self.new_button.clicked.connect(lambda: self.new_entry())
        self.edit_button.clicked.connect(self.edit_entry)
        self.delete_button.clicked.connect(self.delete_entry)
        self.correct_button.clicked.connect(self.correct_entry)
        self.makeup_button.clicked.connect(self.record_makeup)
        self.roll_button.clicked.connect(self.take_in_roster)
        self.table.doubleClicked.connect(lambda _index: self.edit_entry())
        self.table.open_requested.connect(self.edit_entry)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.search.textChanged.connect(self._filters_changed)
        self.type_filter.currentIndexChanged.connect(self._filters_changed)
        self.period_filter.currentTextChanged.connect(self._filters_changed)
        self.member_filter.currentIndexChanged.connect(self._filters_changed)
        self._selection_changed()

    # -- loading and filtering ------------------------------------------------------------------

    def reload(self) -> None:
        self._stale = False
        keep = self.selected_view()
        views, source = records.load_records_with_roster(self.session.ws)
        self._source = source
        self._names = Names({m.uuid: m.name for m in source.members}, source.group_names, views)
        self.model.set_records(views, source.group_names)
        self._fill_choices(source)
        self._filters_changed()
        self.select(keep.uuid if keep else None)

    def _fill_choices(self, source: RosterSource) -> None:
        """Periods (this month, quarter, year and each year with entries) and members; keep what was chosen."""
        today = dt.date.today()
        text = self.period_filter.currentText()
        self.period_filter.blockSignals(True)
        self.period_filter.clear()
        self.period_filter.addItem(ALL_PERIODS, "")
        for label, kind in (
            ("本月", PeriodKind.MONTH),
            ("本季度", PeriodKind.QUARTER),
            ("本年度", PeriodKind.YEAR),
        ):
            self.period_filter.addItem(label, Period.containing(today, kind).code())
        for year in self.model.years():
            self.period_filter.addItem(f"{year}年", str(year))
        self.period_filter.setCurrentText(text or ALL_PERIODS)
        self.period_filter.blockSignals(False)

        current = self.member_filter.currentData()
        in_branch = {m.uuid for m in source.on(today)}
        self.member_filter.blockSignals(True)
        self.member_filter.clear()
        self.member_filter.addItem(ALL_MEMBERS, None)
        for member in source.members:  # by name
            suffix = "" if member.uuid in in_branch else "（已离开）"
            self.member_filter.addItem(member.name + suffix, member.uuid)
        index = self.member_filter.findData(current) if current else 0
        self.member_filter.setCurrentIndex(max(index, 0))
        self.member_filter.blockSignals(False)

    def chosen_period(self) -> tuple[Period | None, bool]:
        """The period typed or chosen, and whether the text could be read."""
        text = self.period_filter.currentText().strip()
        index = self.period_filter.findText(text)
        if index >= 0:
            code = self.period_filter.itemData(index)
            return (Period.parse(code) if code else None), True
        try:
            return parse_period(text), True
        except PeriodError:
            return None, False

    def _filters_changed(self) -> None:
        keep = self.selected_view()
        period, readable = self.chosen_period()
        self.period_hint.setVisible(not readable)
        chosen_type = self.type_filter.currentData()  # Qt hands a StrEnum back as a plain str
        self.model.set_filters(
            EntryType(chosen_type) if chosen_type else None,
            period,
            self.member_filter.currentData(),
            self.search.text(),
        )
        shown, total = self.model.rowCount(), self.model.total()
        text = f"共 {shown} 条记录"
        if shown != total:
            text += f"（已筛选，记录本中共 {total} 条）"
        self.count_label.setText(text)
        if keep is not None:
            self.select(keep.uuid)
        self._selection_changed()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- selection ---------------------------------------------------------------------------------

    def selected_view(self) -> RecordView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.view_at(rows[0].row()) if rows else None

    def select(self, uuid: str | None) -> bool:
        row = self.model.row_of(uuid) if uuid else None
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selection_changed(self) -> None:
        view = self.selected_view()
        self.edit_button.setEnabled(view is not None)
        self.delete_button.setEnabled(view is not None and not view.locked)
        self.correct_button.setEnabled(view is not None and view.locked)
        self.makeup_button.setEnabled(view is not None and bool(self.open_absentees(view)))
        self.roll_button.setVisible(view is not None and view.drift is not None and not view.locked)
        self.detail.setHtml(entry_html(view, self._names) if view is not None else NO_SELECTION)

    @staticmethod
    def open_absentees(view: RecordView) -> list[str]:
        if view.draft.type not in MEETING_TYPES:
            return []
        return [a.member_uuid for a in view.draft.absences if a.member_uuid not in view.made_up]

    # -- actions ----------------------------------------------------------------------------------

    def _open_dialog(self, dialog: EntryDialog, done: str) -> EntryDialog:
        """Window-modal, without a nested event loop; `done` is said in the status bar after saving."""
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            if result == EntryDialog.DialogCode.Accepted and dialog.saved_uuid:
                if self._stale:
                    self.refresh()
                self.select(dialog.saved_uuid)
                self.status_message.emit(done)
            self.table.setFocus()
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def new_entry(self, entry_type: EntryType | None = None) -> EntryDialog:
        dialog = EntryDialog(
            self.session, self.model.views(), entry_type=entry_type, source=self._source, parent=self
        )
        return self._open_dialog(dialog, "已保存新记录")

    def edit_entry(self) -> EntryDialog | None:
        view = self.selected_view()
        if view is None:
            return None
        if view.locked:
            if confirm(self, "记录已锁定", LOCKED_TEXT, yes="更正…", no="取消"):
                return self.correct_entry()
            return None
        dialog = EntryDialog(
            self.session, self.model.views(), view, EntryMode.EDIT, source=self._source, parent=self
        )
        return self._open_dialog(dialog, "已保存修改")

    def correct_entry(self) -> EntryDialog | None:
        view = self.selected_view()
        if view is None or not view.locked:
            return None
        dialog = EntryDialog(
            self.session, self.model.views(), view, EntryMode.CORRECT, source=self._source, parent=self
        )
        return self._open_dialog(dialog, "已记录更正（红字显示）")

    def record_makeup(self) -> EntryDialog | None:
        view = self.selected_view()
        if view is None or not self.open_absentees(view):
            return None
        dialog = EntryDialog(
            self.session,
            self.model.views(),
            entry_type=EntryType.MAKEUP,
            makeup_of=view.uuid,
            source=self._source,
            parent=self,
        )
        return self._open_dialog(dialog, "已记录补学")

    def take_in_roster(self) -> None:
        """The notice's offer: take the roll again from the roster, as a journaled change."""
        view = self.selected_view()
        if view is None or view.drift is None or view.locked:
            return
        label = f"{view.draft.date:%Y-%m-%d} {view.type_label}"
        if not confirm(
            self,
            "按名册更新应到名单",
            f"“{label}”保存之后名册有变：{view.drift.describe()}。\n\n"
            "按现在的名册重新确定这次会议的应到人员吗？出席人数和表决结果会随之重新计算，此修改记入修改记录。",
            yes="更新应到名单",
        ):
            return
        try:
            records.take_in_roster(self.session.ws, view.uuid)
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.status_message.emit(f"已按名册更新“{label}”的应到名单")
        self.session.notify_changed()

    def delete_entry(self) -> None:
        view = self.selected_view()
        if view is None:
            return
        label = f"{view.draft.date:%Y-%m-%d} {view.type_label}"
        if not confirm(
            self,
            "删除记录",
            f"确定要删除“{label}”吗？\n\n删除只用于纠正误录或重复录入；删除会记入修改记录。",
            yes="删除",
        ):
            return
        try:
            records.delete_entry(self.session.ws, view.uuid)
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.status_message.emit(f"已删除“{label}”")
        self.session.notify_changed()
