"""党费: the year's ledger grid (one row per member, twelve months, totals, 党费交至, arrears), base and
payment entry, 本月全部已交, remittances, the branch's base policy, and the year's summary and 公示."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QCollator, QLocale, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.dues import ZERO
from app.domain.periods import month_code, month_label
from app.services import dues, roster
from app.services.dues import DuesBook
from app.ui.dues_base_dialog import BaseDialog
from app.ui.dues_dialogs import (
    AdjustmentDialog,
    OpeningDialog,
    PayAllDialog,
    PolicyDialog,
    RemittanceDialog,
    policy_summary,
)
from app.ui.dues_forms import current_month
from app.ui.dues_model import (
    COL,
    COLOURS,
    HEADERS,
    WIDTHS,
    DuesRow,
    DuesTableModel,
    RosterEntry,
    build_rows,
    flag_text,
    yuan,
)
from app.ui.dues_payment_dialog import PaymentDialog
from app.ui.dues_summary import DuesSummary
from app.ui.form_fields import set_role
from app.ui.messages import show_info
from app.ui.pages import OpenableTableView, Page, action_button
from app.ui.session import Session

BASE_COLUMNS = {
    COL["类别"],
    COL["档次"],
    COL["月应交"],
}  # a double-click here opens the base, elsewhere a payment
LEGEND = (
    ("paid", "已交"),
    ("under", "少交"),
    ("unpaid", "未交（显示应交金额）"),
    ("prepaid", "预交"),
    ("future", "未到期"),
    ("not_due", "— 无需交纳"),
)


def _legend_chip(key: str, text: str) -> QLabel:
    background, colour = COLOURS[key]
    chip = QLabel(text)
    chip.setStyleSheet(
        f"QLabel {{ color: {colour}; background: {background or 'transparent'};"
        " border: 1px solid #d6d6d6; padding: 1px 6px; }"
    )
    return chip


class DuesPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "党费", parent)
        self.model = DuesTableModel()
        self.book: DuesBook | None = None
        self.collector = ""  # the last 收款人 typed in this session; else the last one recorded
        self._summary_stale = True
        self._collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))

        self.year = QComboBox()
        self.year.setToolTip("查看哪一年的党费")
        year_label = QLabel("年份")
        year_label.setBuddy(self.year)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索姓名（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.setFixedWidth(self.fontMetrics().horizontalAdvance("搜索姓名（Ctrl+F）") + 48)
        self.base_button = action_button(
            "录入基数…", "录入或调整选中党员的党费基数（工资、离退休费等），按规定比例算出月交党费"
        )
        self.pay_button = action_button(
            "登记交费…", "登记选中党员交的党费：交了哪几个月、多少钱（回车或双击一行）"
        )
        self.pay_all_button = action_button(
            "本月全部已交", "本月还没交足的党员，每人按本月未交的金额登记一笔交费（先确认）"
        )
        self.adjust_button = action_button("减免…", "经上级党委批准的少交或免交")
        self.remit_button = action_button("上缴登记…", "记录交给上级党委的党费")
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addSpacing(12)
        top.addWidget(self.search)
        top.addStretch(1)
        for button in (
            self.base_button,
            self.pay_button,
            self.pay_all_button,
            self.adjust_button,
            self.remit_button,
        ):
            top.addWidget(button)

        self.policy_label = QLabel()
        set_role(self.policy_label, "hint")
        self.policy_button = action_button("修改…", "按上级党委的要求选择基数的核定办法和“税后”的扣除项目")
        self.opening_button = action_button(
            "启用时党费交至…", "开始用本软件时党员的党费已交到哪个月：此前的月份不算欠交"
        )
        policy_row = QHBoxLayout()
        policy_row.addWidget(self.policy_label)
        policy_row.addWidget(self.policy_button)
        policy_row.addStretch(1)
        policy_row.addWidget(self.opening_button)

        self.table = OpenableTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.sortByColumn(COL["姓名"], Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(24)
        char = self.fontMetrics().horizontalAdvance("中")
        for column, name in enumerate(HEADERS):  # fixed widths: never measure every cell
            self.table.setColumnWidth(column, int(WIDTHS[name] * char) + 10)

        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        legend = QHBoxLayout()
        legend.setSpacing(6)
        legend_label = QLabel("颜色：")
        set_role(legend_label, "hint")
        legend.addWidget(legend_label)
        for key, text in LEGEND:
            legend.addWidget(_legend_chip(key, text))
        flag_chip = QLabel("未交月数标红：连续6个月未交，请支部研究处理")
        flag_chip.setStyleSheet("QLabel { color: #b71c1c; }")
        self.flag_legend = flag_chip
        legend.addSpacing(12)
        legend.addWidget(flag_chip)
        legend.addStretch(1)

        grid = QWidget()
        grid_layout = QVBoxLayout(grid)
        grid_layout.setContentsMargins(0, 6, 0, 0)
        grid_layout.addWidget(self.table, 1)
        grid_layout.addLayout(legend)
        grid_layout.addWidget(self.count_label)

        self.summary = DuesSummary()
        self.tabs = QTabWidget()
        self.tabs.addTab(grid, "收缴明细")
        self.tabs.addTab(self.summary, "汇总与公示")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(top)
        layout.addLayout(policy_row)
        layout.addWidget(self.tabs, 1)

        self.find_action = QAction("搜索", self)
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        self.find_action.triggered.connect(self._focus_search)
        self.addAction(self.find_action)

        self.year.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(self._search_changed)
        self.base_button.clicked.connect(lambda: self.enter_base())
        self.pay_button.clicked.connect(lambda: self.record_payment())
        self.pay_all_button.clicked.connect(self.pay_all)
        self.adjust_button.clicked.connect(self.add_adjustment)
        self.remit_button.clicked.connect(self.add_remittance)
        self.opening_button.clicked.connect(self.set_opening)
        self.summary.remit_requested.connect(self.add_remittance)
        self.policy_button.clicked.connect(self.change_policy)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.open_requested.connect(lambda: self.record_payment())
        self.tabs.currentChanged.connect(lambda _i: self._load_summary_if_shown())

    # -- loading ------------------------------------------------------------------------------------

    def selected_year(self) -> int:
        data = self.year.currentData()
        return int(data) if data is not None else dt.date.today().year

    def reload(self) -> None:
        self._stale = False
        keep = self.selected_uuid()
        current = current_month()
        year = self.selected_year()
        if year * 12 + 11 < current:  # a past year: as it stood when it ended (December owed too)
            at, horizon = year * 12 + 12, year * 12 + 11
        else:
            at, horizon = current, (year * 12 + 11 if year > current // 12 else None)
        ws = self.session.ws
        self.book = book = dues.load_dues(ws, at, horizon)
        entries = [RosterEntry(v.uuid, v.name, v.draft.category) for v in roster.load_roster(ws)]
        self.model.set_rows(
            build_rows(book, entries, year, current), book.flag_months, month_label(min(at, year * 12 + 11))
        )
        self.flag_legend.setText(f"未交月数标红：{flag_text(book.flag_months)}")
        self.policy_label.setText(policy_summary(book.timing, book.deductions))
        self._fill_years(book, year)
        self._reselect(keep)
        self._update_count(year, current)
        self._update_buttons()
        self._summary_stale = True
        self._load_summary_if_shown()

    def _fill_years(self, book: DuesBook, year: int) -> None:
        this_year = dt.date.today().year
        firsts = [m.first // 12 for m in book.members if m.first is not None]
        years = range(min([*firsts, this_year - 1, year]), max(this_year + 1, year) + 1)
        if [self.year.itemData(i) for i in range(self.year.count())] == list(years):
            return
        self.year.blockSignals(True)
        self.year.clear()
        for y in years:
            self.year.addItem(f"{y}年", y)
        self.year.setCurrentIndex(self.year.findData(year))
        self.year.blockSignals(False)

    def _load_summary_if_shown(self) -> None:
        if self._summary_stale and self.tabs.currentWidget() is self.summary and self.book is not None:
            self._summary_stale = False
            self.summary.load(self.session.ws, self.selected_year(), self.book.remittances)

    def _update_count(self, year: int, current: int) -> None:
        rows = self.model.rows()
        no_base = sum(not r.has_base for r in rows if r.in_branch)
        flagged = sum(r.flagged for r in rows)
        parts = [f"共 {len(rows)} 人"]
        if rows and no_base == len(rows):
            parts.append("还没有人录入党费基数：选中一名党员，点“录入基数…”（或双击“档次”一栏）")
        elif year == current // 12:
            column = current % 12
            due = sum((r.monthly or ZERO for r in rows if r.months[column].state.value != "not_due"), ZERO)
            paid = sum((r.months[column].paid for r in rows), ZERO)
            late = sum(r.months[column].colour in ("unpaid", "under") for r in rows)
            parts.append(
                f"本月（{month_label(current)}）应交 {yuan(due)} 元，已交 {yuan(paid)} 元，{late} 人未交足"
            )
        if flagged:
            parts.append(f"{flagged} 人连续{self.book.flag_months if self.book else 6}个月以上未交")
        if no_base:
            parts.append(f"{no_base} 人未录入基数")
        shown = self.model.rowCount()
        if shown != len(rows):
            parts.append(f"已筛选，显示 {shown} 人")
        self.count_label.setText("；".join(parts))

    def _search_changed(self, text: str) -> None:
        self.model.set_search(text)
        self._update_count(self.selected_year(), current_month())

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _reselect(self, uuid: str | None) -> None:
        row = self.model.row_of(uuid) if uuid else None
        if row is not None:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        has_members = bool(self.model.rows())
        for button in (
            self.base_button,
            self.pay_button,
            self.pay_all_button,
            self.adjust_button,
            self.opening_button,
        ):
            button.setEnabled(has_members)

    def selected_row(self) -> DuesRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def selected_uuid(self) -> str | None:
        row = self.selected_row()
        return row.uuid if row else None

    def member_entries(self) -> list[RosterEntry]:
        """Members the dialogs offer: today's members first, then those who left, each by name."""
        rows = sorted(self.model.rows(), key=lambda r: (not r.in_branch, self._collator.sortKey(r.name)))
        return [RosterEntry(r.uuid, r.name, r.category) for r in rows]

    def last_collector(self) -> str:
        if self.collector or self.book is None:
            return self.collector
        payments = [p for m in self.book.members for p in (*m.payments, *m.voluntary) if p.collector]
        return max(payments, key=lambda p: p.paid_on).collector if payments else ""

    # -- actions -------------------------------------------------------------------------------------

    def _double_clicked(self, index: object) -> None:
        column = self.table.currentIndex().column()
        if column in BASE_COLUMNS:
            self.enter_base()
        else:
            self.record_payment()

    def base_dialog(self, uuid: str | None = None) -> BaseDialog:
        return BaseDialog(self.session, self.member_entries(), uuid or self.selected_uuid(), self)

    def payment_dialog(self, uuid: str | None = None) -> PaymentDialog:
        return PaymentDialog(
            self.session,
            self.member_entries(),
            uuid or self.selected_uuid(),
            self.selected_year(),
            self.last_collector(),
            self,
        )

    def enter_base(self, uuid: str | None = None) -> None:
        dialog = self.base_dialog(uuid)
        if dialog.exec() == BaseDialog.DialogCode.Accepted and dialog.saved_uuid:
            self._reselect(dialog.saved_uuid)
            self.status_message.emit(f"已录入“{dialog.member.currentText()}”的党费基数")

    def record_payment(self, uuid: str | None = None) -> None:
        dialog = self.payment_dialog(uuid)
        if dialog.exec() == PaymentDialog.DialogCode.Accepted and dialog.saved_uuid:
            self.collector = dialog.collector.text().strip() or self.collector
            self._reselect(dialog.saved_uuid)
            self.status_message.emit(
                f"已登记“{dialog.member.currentText()}”交费 {dialog.amount.text().strip()} 元"
            )

    def owing_this_month(self) -> tuple[int, int, Decimal, int]:
        """(this month, members still owing it, their total, members on the roster without a base)."""
        month = current_month()
        owing = [o.amount for o in dues.members_owing(self.session.ws, month_code(month))]
        book = dues.load_dues(self.session.ws, month)
        with_dues = {m.uuid for m in book.members if month in m.dues}
        without_base = sum(1 for r in self.model.rows() if r.in_branch and r.uuid not in with_dues)
        return month, len(owing), sum(owing, ZERO), without_base

    def pay_all(self) -> None:
        month, owing, total, without_base = self.owing_this_month()
        if not owing:
            extra = f"\n另有 {without_base} 名党员尚未录入党费基数。" if without_base else ""
            show_info(self, f"{month_label(month)}在册党员都已交足本月党费。{extra}")
            return
        dialog = PayAllDialog(self.session, month, owing, total, without_base, self.last_collector(), self)
        if dialog.exec() == PayAllDialog.DialogCode.Accepted:
            self.collector = dialog.collector.text().strip() or self.collector
            self.status_message.emit(f"已为 {dialog.recorded} 名党员登记{month_label(month)}党费")

    def add_adjustment(self) -> None:
        dialog = AdjustmentDialog(self.session, self.member_entries(), self.selected_uuid(), self)
        if dialog.exec() == AdjustmentDialog.DialogCode.Accepted:
            self.status_message.emit(f"已记录“{dialog.member.currentText()}”的党费减免")

    def set_opening(self) -> OpeningDialog:
        dialog = OpeningDialog(self.session, self.member_entries(), self.selected_uuid(), self)
        dialog.accepted.connect(
            lambda: self.status_message.emit(f"已登记“{dialog.member.currentText()}”启用时的党费交至月份")
        )
        dialog.open()
        return dialog

    def add_remittance(self) -> None:
        dialog = RemittanceDialog(self.session, self.selected_year(), self)
        if dialog.exec() == RemittanceDialog.DialogCode.Accepted:
            self.status_message.emit(f"已登记上缴 {dialog.amount.text().strip()} 元")

    def change_policy(self) -> None:
        dialog = PolicyDialog(self.session, self)
        if dialog.exec() == PolicyDialog.DialogCode.Accepted:
            self.status_message.emit("已修改党费基数的核定办法，各月应交金额已重新计算")

    # -- for tests and the status line ------------------------------------------------------------------

    def cell(self, uuid: str, header: str) -> str:
        return self.model.cell_text(uuid, header)
