"""首页 dashboard pieces: what the rules ask this month, quarter and year; what is overdue; who still
has to make up a meeting; who has had no organisational life for months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import groupby

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.compliance import DUE_LABELS, DueStatus, Inactive, Obligation
from app.services.compliance import OpenMakeup
from app.ui.form_fields import set_role

NO_TEAM = "（未填班组）"
ROLE = {
    DueStatus.DONE: "ok",
    DueStatus.DUE: "warning",
    DueStatus.OVERDUE: "error",
    DueStatus.NOT_YET: "hint",
    DueStatus.NOT_ENTERED: "hint",
}


def deadline_text(deadline: dt.date, today: dt.date) -> str:
    days = (deadline - today).days
    when = f"截止 {deadline.month}月{deadline.day}日"
    if days > 0:
        return f"{when}，还有 {days} 天"
    if days == 0:
        return f"{when}，今天截止"
    return f"{when}，已过 {-days} 天"


def obligation_text(item: Obligation, today: dt.date) -> str:
    status = DUE_LABELS[item.status]
    if item.status is DueStatus.DONE:
        text = f"✓ {item.what}　{status}"
    elif item.status in (DueStatus.NOT_YET, DueStatus.NOT_ENTERED):
        text = f"○ {item.what}　{status}"
    else:
        mark = "⚠" if item.status is DueStatus.OVERDUE else "●"
        text = f"{mark} {item.what}　{status}（{deadline_text(item.deadline, today)}）"
    return text + (f"　{item.note}" if item.note else "")


def overdue_lines(items: Sequence[Obligation], year: int, shown: int = 4) -> list[str]:
    """One line per kind of meeting: in which months or quarters of the year it was not held."""
    by_subject: dict[str, list[str]] = {}
    for item in items:
        by_subject.setdefault(item.what, []).append(item.period.label())
    prefix = f"{year}年"
    lines = []
    for subject, labels in by_subject.items():
        short = [label.removeprefix(prefix) or "全年" for label in labels]
        when = "、".join(short[:shown]) + (f"等 {len(short)} 次" if len(short) > shown else "")
        lines.append(f"{subject}：{prefix}{when}未召开")
    return lines


class ObligationBox(QGroupBox):
    """One period's obligations, one line each, coloured by status."""

    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(heading, parent)
        self.heading = heading
        self.lines: list[QLabel] = []
        self._layout = QVBoxLayout(self)
        self._layout.setSpacing(4)
        self.empty = QLabel("本期没有规定要开的会")
        set_role(self.empty, "hint")
        self._layout.addWidget(self.empty)

    def set_items(self, items: Sequence[Obligation], today: dt.date) -> None:
        for label in self.lines:
            self._layout.removeWidget(label)
            label.deleteLater()
        self.lines = []
        if items:
            self.setTitle(f"{self.heading}（{items[0].period.label()}）")
        for item in items:
            label = QLabel(obligation_text(item, today))
            label.setWordWrap(True)
            label.setToolTip(item.source)
            set_role(label, ROLE[item.status])
            self._layout.addWidget(label)
            self.lines.append(label)
        self.empty.setVisible(not items)

    def texts(self) -> list[str]:
        return [label.text() for label in self.lines]


class MakeupTree(QWidget):
    """Open make-ups by shift team, then member; 记录补学… opens a 补学 entry for the chosen row."""

    makeup_requested = Signal(str, str)  # entry uuid, member uuid

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["班组 / 党员", "缺席的会议", "原因"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        char = self.fontMetrics().horizontalAdvance("中")
        self.tree.setColumnWidth(0, 8 * char)
        self.tree.setColumnWidth(1, 13 * char)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.button = QPushButton("记录补学…")
        self.button.setAutoDefault(False)
        self.button.setToolTip("为选中的党员记录补学（回车或双击）")
        self.summary = QLabel()
        set_role(self.summary, "hint")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        self.button.clicked.connect(self._request)
        self.tree.itemActivated.connect(lambda _item, _column: self._request())
        self.tree.itemSelectionChanged.connect(self._update_button)
        self._update_button()

    def set_items(self, items: Sequence[OpenMakeup]) -> None:
        self.tree.clear()
        members = len({i.member_uuid for i in items})
        for team, rows in groupby(items, key=lambda i: i.team):
            rows = list(rows)
            people = len({r.member_uuid for r in rows})
            top = QTreeWidgetItem([f"{team or NO_TEAM}（{people} 人）", "", ""])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)
            previous = None
            for item in rows:
                name = item.name if item.member_uuid != previous else ""
                previous = item.member_uuid
                child = QTreeWidgetItem([name, item.entry_label, item.reason])
                child.setData(0, Qt.ItemDataRole.UserRole, (item.entry_uuid, item.member_uuid))
                child.setToolTip(0, item.name)
                top.addChild(child)
            top.setExpanded(True)
        if items:
            self.summary.setText(f"{members} 人共 {len(items)} 次缺席尚未补学")
        else:
            self.summary.setText("没有待补学的缺席")
        self.tree.setVisible(bool(items))
        self.button.setVisible(bool(items))
        self._update_button()

    def chosen(self) -> tuple[str, str] | None:
        items = self.tree.selectedItems()
        data = items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
        return tuple(data) if data else None  # type: ignore[return-value]

    def select(self, entry_uuid: str, member_uuid: str) -> bool:
        for top in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(top)
            for index in range(parent.childCount()):
                child = parent.child(index)
                if tuple(child.data(0, Qt.ItemDataRole.UserRole)) == (entry_uuid, member_uuid):
                    self.tree.setCurrentItem(child)
                    return True
        return False

    def names(self) -> list[str]:
        """Each open make-up as "name: meeting", for tests and checks."""
        out = []
        for top in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(top)
            for index in range(parent.childCount()):
                child = parent.child(index)
                out.append(f"{child.toolTip(0)}：{child.text(1)}")
        return out

    def _update_button(self) -> None:
        self.button.setEnabled(self.chosen() is not None)

    def _request(self) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.makeup_requested.emit(*chosen)


class InactiveList(QWidget):
    """Members with no organisational life for months: the branch decides; nothing is removed here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["姓名", "班组", "最后一次参加", "未参加"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        char = self.fontMetrics().horizontalAdvance("中")
        for column, width in enumerate((5, 4, 7)):
            self.tree.setColumnWidth(column, width * char + 16)
        note = QLabel(
            "连续6个月以上未参加组织生活（党章第九条）。请支部了解情况、研究处理；本软件只作提醒，不会自动除名。"
        )
        note.setWordWrap(True)
        set_role(note, "hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addWidget(note)

    def set_items(self, items: Sequence[Inactive]) -> None:
        self.tree.clear()
        for item in items:
            last = f"{item.last_present:%Y-%m-%d}" if item.last_present else "无记录"
            self.tree.addTopLevelItem(QTreeWidgetItem([item.name, item.team, last, f"{item.months} 个月"]))
        self.tree.setVisible(bool(items))

    def names(self) -> list[str]:
        return [self.tree.topLevelItem(i).text(0) for i in range(self.tree.topLevelItemCount())]
