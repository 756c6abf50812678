"""汇总与公示: the year month by month (应交/已交/未交), voluntary and 大额党费 totals, the remittances,
and the list members see once a year (names, months paid, amounts — never a salary)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QCollator, QLocale, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.dues import ZERO
from app.domain.periods import chinese_date, month_of
from app.services import dues
from app.storage.workspace import Workspace
from app.ui.dues_model import yuan
from app.ui.form_fields import set_role

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(RIGHT)
    return item


class DuesSummary(QWidget):
    remit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = dt.date.today().year
        self.months: list[dues.MonthSummary] = []
        self.voluntary = self.large = self.remitted = ZERO
        self.disclosure_rows: list[dues.DisclosureRow] = []

        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.month_table = _table(["月份", "应交（元）", "已交（元）", "未交（元）"])
        self.month_table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.month_table.horizontalHeader().setStretchLastSection(False)
        self.month_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        months_box = QGroupBox("各月收缴")
        months_layout = QVBoxLayout(months_box)
        months_layout.addWidget(self.month_table, 1)

        self.disclosure_table = _table(["姓名", "交足月数", "按月交纳（元）", "自愿多交（元）"])
        self.disclosure_title = QGroupBox()
        self.copy_button = QPushButton("复制公示表")
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip("复制到剪贴板，可以粘贴到 Excel 或 Word 里打印张贴")
        hint = QLabel("只列交纳的月数和金额，不含任何人的工资收入。")
        set_role(hint, "hint")
        hint.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(hint, 1)
        bottom.addWidget(self.copy_button)
        disclosure_layout = QVBoxLayout(self.disclosure_title)
        disclosure_layout.addWidget(self.disclosure_table, 1)
        disclosure_layout.addLayout(bottom)

        self.remittance_table = _table(["上缴日期", "金额（元）", "所属期间", "备注"])
        self.remit_button = QPushButton("上缴登记…")
        self.remit_button.setAutoDefault(False)
        self.remit_button.setToolTip("记录交给上级党委的党费")
        self.remittance_total = QLabel()
        remit_box = QGroupBox("上缴上级党委（按上缴日期计入本年）")
        remit_layout = QVBoxLayout(remit_box)
        remit_layout.addWidget(self.remittance_table, 1)
        remit_row = QHBoxLayout()
        remit_row.addWidget(self.remittance_total, 1)
        remit_row.addWidget(self.remit_button)
        remit_layout.addLayout(remit_row)

        columns = QHBoxLayout()
        columns.addWidget(months_box)
        columns.addWidget(self.disclosure_title, 5)
        columns.addWidget(remit_box, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.totals)
        layout.addLayout(columns, 1)

        self.copy_button.clicked.connect(self.copy_disclosure)
        self.remit_button.clicked.connect(self.remit_requested)

    def load(self, ws: Workspace, year: int, remittances: list[tuple[dt.date, Decimal, str, str]]) -> None:
        self.year = year
        self.months, self.voluntary, self.large = dues.year_summary(ws, year)
        collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.disclosure_rows = sorted(
            dues.disclosure(ws, year), key=lambda r: collator.sortKey(r.name)
        )  # as the grid
        current = month_of(dt.date.today())
        self._fill_months(current)
        self._fill_disclosure()
        mine = sorted((r for r in remittances if r[0].year == year), key=lambda r: r[0])
        self.remitted = sum((r[1] for r in mine), ZERO)
        self.remittance_table.setRowCount(len(mine))
        for row, (day, amount, period, note) in enumerate(mine):
            note_item = _item(note)
            note_item.setToolTip(note)
            for column, item in enumerate(
                (_item(chinese_date(day)), _item(yuan(amount), True), _item(period), note_item)
            ):
                self.remittance_table.setItem(row, column, item)
        self.remittance_total.setText(
            f"{year}年已上缴 {yuan(self.remitted)} 元" if mine else f"{year}年还没有上缴记录。"
        )
        due = sum((m.due for m in self.months), ZERO)
        collected = sum((m.collected for m in self.months), ZERO)
        overdue = sum((m.outstanding for m in self.months if m.month <= current), ZERO)
        outstanding = sum((m.outstanding for m in self.months), ZERO)
        first = f"{year}年全年应交 {yuan(due)} 元，已交 {yuan(collected)} 元，未交 {yuan(outstanding)} 元"
        if year * 12 + 11 > current >= year * 12:
            first += f"（其中截至本月未交 {yuan(overdue)} 元，以后各月尚未到期）"
        second = (
            f"自愿多交 {yuan(self.voluntary)} 元（不含大额党费，不计入按月应交）；"
            f"大额党费（一次1000元以上）{yuan(self.large)} 元，须全额上缴；本年已上缴 {yuan(self.remitted)} 元"
        )
        self.totals.setText(f"{first}\n{second}")

    def _fill_months(self, current: int) -> None:
        table = self.month_table
        table.setRowCount(len(self.months) + 1)
        grey = QBrush(QColor("#8a8a8a"))
        for row, m in enumerate(self.months):
            items = [
                _item(f"{m.month % 12 + 1}月"),
                _item(yuan(m.due), True),
                _item(yuan(m.collected), True),
                _item(yuan(m.outstanding), True),
            ]
            future = m.month > current
            for column, item in enumerate(items):
                if future:
                    item.setForeground(grey)
                    item.setToolTip("尚未到期")
                elif column == 3 and m.outstanding > 0:
                    item.setForeground(QBrush(QColor("#b71c1c")))
                table.setItem(row, column, item)
        due = sum((m.due for m in self.months), ZERO)
        collected = sum((m.collected for m in self.months), ZERO)
        outstanding = sum((m.outstanding for m in self.months), ZERO)
        bold = QFont(self.font())
        bold.setBold(True)
        for column, text in enumerate(("全年", yuan(due), yuan(collected), yuan(outstanding))):
            item = _item(text, column > 0)
            item.setFont(bold)
            table.setItem(len(self.months), column, item)

    def _fill_disclosure(self) -> None:
        self.disclosure_title.setTitle(f"党费收缴公示（{self.year}年）")
        table = self.disclosure_table
        table.setRowCount(len(self.disclosure_rows) + 1)
        for row, r in enumerate(self.disclosure_rows):
            for column, item in enumerate(
                (
                    _item(r.name),
                    _item(str(r.months_paid), True),
                    _item(yuan(r.regular), True),
                    _item(yuan(r.voluntary) if r.voluntary else "", True),
                )
            ):
                table.setItem(row, column, item)
        regular = sum((r.regular for r in self.disclosure_rows), ZERO)
        voluntary = sum((r.voluntary for r in self.disclosure_rows), ZERO)
        bold = QFont(self.font())
        bold.setBold(True)
        for column, text in enumerate(
            (f"合计 {len(self.disclosure_rows)} 人", "", yuan(regular), yuan(voluntary))
        ):
            item = _item(text, column > 0)
            item.setFont(bold)
            table.setItem(len(self.disclosure_rows), column, item)

    def disclosure_text(self) -> str:
        """The 公示 as tab-separated lines, to paste into a sheet or a document."""
        lines = [f"{self.year}年党费收缴公示", "姓名\t交足月数\t按月交纳（元）\t自愿多交（元）"]
        for r in self.disclosure_rows:
            lines.append(f"{r.name}\t{r.months_paid}\t{r.regular:.2f}\t{r.voluntary:.2f}")
        return "\n".join(lines)

    def copy_disclosure(self) -> None:
        QGuiApplication.clipboard().setText(self.disclosure_text())
