"""统计 (committee): the members of all branches counted the committee's way — by status, gender, age
band, education and category — from each branch's latest reported roster."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.periods import chinese_date
from app.services import committee_reports
from app.services.committee_reports import RosterStats
from app.ui.committee_widgets import Column, Row, RowsModel, hint_label, make_table
from app.ui.form_fields import to_qdate
from app.ui.pages import Page
from app.ui.session import Session

COLUMNS = (
    Column("分组", 6),
    Column("项目", 10),
    Column("人数", 5, numeric=True),
    Column("占比", 5, numeric=True),
)
NOTE = (
    "按各支部最近一次上报的名册统计（只含已导入上报包的支部）。年龄按统计日期计算；"
    "学历按上级党委的统计口径归类。"
)
GROUP_SHADES = ("#ffffff", "#f4f1ec")  # alternate groups, so each group reads as a block


def percent(count: int, total: int) -> str:
    return f"{count * 100 / total:.1f}%" if total else ""


def stats_rows(stats: RosterStats) -> list[Row]:
    rows = []
    for number, (title, counts) in enumerate(stats.groups()):
        shade = GROUP_SHADES[number % 2]
        for position, (label, count) in enumerate(counts.items()):
            rows.append(
                Row(
                    (title if position == 0 else "", label, str(count), percent(count, stats.total)),
                    payload=(title, label, count),
                    background={-1: shade},
                )
            )
    rows.append(Row(("合计", "", str(stats.total), percent(stats.total, stats.total)), bold=True))
    return rows


class CommitteeStatsPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "统计", parent)
        self.stats: RosterStats | None = None
        today = dt.date.today()
        self.at_date = QDateEdit(to_qdate(today))
        self.at_date.setCalendarPopup(True)
        self.at_date.setKeyboardTracking(False)  # reload once the date is typed, not at every digit
        self.at_date.setDisplayFormat("yyyy年M月d日")
        self.at_date.setToolTip("年龄按这一天计算")
        at_label = QLabel("统计日期(&D)：")
        at_label.setBuddy(self.at_date)
        top = QHBoxLayout()
        top.addWidget(at_label)
        top.addWidget(self.at_date)
        top.addStretch(1)
        self.headline = QLabel()
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.model = RowsModel(COLUMNS)
        self.table = make_table(self.model, sortable=False)  # the groups keep their order
        self.table.setAlternatingRowColors(False)
        self.table.setMaximumWidth(sum(self.table.columnWidth(c) for c in range(len(COLUMNS))) + 24)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(top)
        layout.addWidget(self.headline)
        layout.addWidget(hint_label(NOTE))
        layout.addWidget(self.table, 1)
        layout.addStretch(0)  # takes what the table, at its full height, leaves
        self.at_date.dateChanged.connect(lambda _d: self.reload())

    def as_of(self) -> dt.date:
        value = self.at_date.date().toPython()
        assert isinstance(value, dt.date)
        return value

    def reload(self) -> None:
        self._stale = False
        at = self.as_of()
        self.stats = stats = committee_reports.roster_stats(self.session.ws, at)
        rows = stats_rows(stats)
        self.model.set_rows(rows)
        # As tall as its rows (about 16), so the table reads as one block without empty space below.
        frame = 2 * self.table.frameWidth()
        height = (
            self.table.horizontalHeader().height()
            + len(rows) * self.table.verticalHeader().defaultSectionSize()
        )
        self.table.setFixedHeight(height + frame)
        self.headline.setText(
            f"统计日期 {chinese_date(at)}：{stats.branches} 个支部已上报名册，共有党员 {stats.total} 名"
            if stats.branches
            else "还没有支部上报名册。导入上报包后，这里按上级党委的口径统计党员人数。"
        )
