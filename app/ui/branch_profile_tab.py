"""设置 → 支部信息: name, code, class, committee term (with the rule it follows), committee, groups."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.branch import BRANCH_CLASS_LABELS, BranchClass
from app.domain.periods import chinese_date
from app.services import branch_profile
from app.services.branch_profile import BranchProfile
from app.services.errors import UserError
from app.ui.form_fields import days_phrase, message_label, set_role, show_message, to_qdate
from app.ui.messages import confirm, show_error
from app.ui.session import Session


class BranchProfileTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.profile: BranchProfile | None = None

        self.name = QLineEdit()
        self.code = QLineEdit()
        self.org_class = QComboBox()
        self.org_class.addItem("未填写", None)
        for value, label in BRANCH_CLASS_LABELS.items():
            self.org_class.addItem(label, int(value))
        self.higher_committee = QLineEdit()
        self.is_village = QCheckBox("是村（社区）党组织（任期按村、社区的规定）")
        self.term_start = QDateEdit()
        self.term_start.setCalendarPopup(True)
        self.term_start.setDisplayFormat("yyyy年M月d日")
        self.term_start.setMaximumDate(to_qdate(dt.date.today()))
        self.term_unknown = QCheckBox("未填")
        self.started_on = QDateEdit()
        self.started_on.setCalendarPopup(True)
        self.started_on.setDisplayFormat("yyyy年M月d日")
        self.started_on.setMaximumDate(to_qdate(dt.date.today()))
        self.started_unknown = QCheckBox("未设")
        started_row = QHBoxLayout()
        started_row.addWidget(self.started_on)
        started_row.addWidget(self.started_unknown)
        started_row.addStretch(1)
        started_hint = QLabel("此日之前的会议和党费没有在本软件中记录：检查时显示为“未录入”，不算违规。")
        started_hint.setWordWrap(True)
        set_role(started_hint, "hint")
        start_row = QHBoxLayout()
        start_row.addWidget(self.term_start)
        start_row.addWidget(self.term_unknown)
        start_row.addStretch(1)
        self.term_years = QComboBox()
        self.term_years.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.term_years.addItem("按规定", None)
        for years in range(1, 6):
            self.term_years.addItem(f"{years}年", years)
        self.term_rule = QLabel()
        self.term_rule.setWordWrap(True)
        set_role(self.term_rule, "hint")
        self.term_end = QLabel()
        self.term_end.setWordWrap(True)
        self.save_button = QPushButton("保存支部信息")
        self.save_button.setDefault(True)
        self.saved = message_label("ok", self)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("支部名称：", self.name)
        form.addRow("支部代码：", self.code)
        form.addRow("支部类别：", self.org_class)
        form.addRow("上级党委：", self.higher_committee)
        form.addRow("", self.is_village)
        form.addRow("开始使用日期：", started_row)
        form.addRow("", started_hint)
        form.addRow("本届支委会任期开始：", start_row)
        form.addRow("任期年限：", self.term_years)
        form.addRow("", self.term_rule)
        form.addRow("任期届满：", self.term_end)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.saved)
        left.addStretch(1)

        committee_box = QGroupBox("支部委员会")
        self.committee = QLabel()
        self.committee.setWordWrap(True)
        committee_note = QLabel("在党员信息中设置党内职务即可调整。")
        set_role(committee_note, "hint")
        committee_layout = QVBoxLayout(committee_box)
        committee_layout.addWidget(self.committee)
        committee_layout.addWidget(committee_note)

        groups_box = QGroupBox("党小组")
        self.groups = QTableWidget(0, 3)
        self.groups.setHorizontalHeaderLabels(["名称", "组长", "人数"])
        self.groups.verticalHeader().hide()
        self.groups.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.groups.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.groups.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.groups.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_group_button = QPushButton("新增…")
        self.rename_group_button = QPushButton("改名…")
        self.delete_group_button = QPushButton("删除")
        group_buttons = QHBoxLayout()
        for button in (self.add_group_button, self.rename_group_button, self.delete_group_button):
            button.setAutoDefault(False)
            group_buttons.addWidget(button)
        group_buttons.addStretch(1)
        group_note = QLabel("组长由党内职务为“党小组长”的党员自动带出。")
        set_role(group_note, "hint")
        groups_layout = QVBoxLayout(groups_box)
        groups_layout.addWidget(self.groups)
        groups_layout.addLayout(group_buttons)
        groups_layout.addWidget(group_note)

        right = QVBoxLayout()
        right.addWidget(committee_box)
        right.addWidget(groups_box, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addSpacing(16)
        layout.addLayout(right, 2)

        self.save_button.clicked.connect(self.save)
        for signal in (
            self.term_start.dateChanged,
            self.term_unknown.toggled,
            self.term_years.currentIndexChanged,
            self.is_village.toggled,
        ):
            signal.connect(self._update_term)
        self.term_unknown.toggled.connect(lambda unknown: self.term_start.setEnabled(not unknown))
        self.started_unknown.toggled.connect(lambda unknown: self.started_on.setEnabled(not unknown))
        self.add_group_button.clicked.connect(self.add_group)
        self.rename_group_button.clicked.connect(self.rename_group)
        self.delete_group_button.clicked.connect(self.delete_group)
        self.groups.itemSelectionChanged.connect(self._update_group_buttons)

    # -- showing ---------------------------------------------------------------------------------

    def reload(self) -> None:
        profile = branch_profile.load_profile(self.session.ws)
        keep_edits = self.has_unsaved_edits()  # e.g. a group was added while the name was being edited
        self.profile = profile
        if not keep_edits:
            self._fill_form(profile)
        seats = [f"{seat.post.value} — {seat.name}" for seat in profile.committee]
        self.committee.setText("\n".join(seats) or "尚未设置支部委员。")
        self.groups.setRowCount(len(profile.groups))
        for row, group in enumerate(profile.groups):
            for column, text in enumerate((group.name, group.leader or "—", str(group.members))):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.groups.setItem(row, column, item)
        self._update_term()
        self._update_group_buttons()

    def has_unsaved_edits(self) -> bool:
        p = self.profile
        if p is None:
            return False
        return (
            self.name.text().strip(),
            self.code.text().strip(),
            self.org_class.currentData(),
            self.higher_committee.text().strip(),
            self.is_village.isChecked(),
            self._term_start(),
            self.term_years.currentData(),
            self._started_on(),
        ) != (
            p.name,
            p.code,
            int(p.org_class) if p.org_class else None,
            p.higher_committee,
            p.is_village,
            p.term_start,
            p.term_years_set,
            p.started_on,
        )

    def _fill_form(self, profile: BranchProfile) -> None:
        self.name.setText(profile.name)
        self.code.setText(profile.code)
        self.org_class.setCurrentIndex(int(profile.org_class) if profile.org_class else 0)
        self.higher_committee.setText(profile.higher_committee)
        self.is_village.setChecked(profile.is_village)
        self.term_unknown.setChecked(profile.term_start is None)
        self.term_start.setDate(to_qdate(profile.term_start or dt.date.today()))
        self.term_years.setCurrentIndex(profile.term_years_set or 0)
        self.started_unknown.setChecked(profile.started_on is None)
        self.started_on.setDate(to_qdate(profile.started_on or dt.date.today()))
        self.started_on.setEnabled(profile.started_on is not None)
        self.started_unknown.setVisible(profile.started_on is None)  # once set, it is changed, not unset

    def edited_profile(self) -> BranchProfile | None:
        """The loaded profile with the term fields as currently edited, to preview the term."""
        if self.profile is None:
            return None
        return dataclasses.replace(
            self.profile,
            is_village=self.is_village.isChecked(),
            term_start=self._term_start(),
            term_years_set=self.term_years.currentData(),
        )

    def _started_on(self) -> dt.date | None:
        return None if self.started_unknown.isChecked() else self.started_on.date().toPython()

    def _term_start(self) -> dt.date | None:
        if self.term_unknown.isChecked():
            return None
        value = self.term_start.date().toPython()
        assert isinstance(value, dt.date)
        return value

    def _update_term(self) -> None:
        edited = self.edited_profile()
        if edited is None:
            return
        if edited.term_start is None:
            self.term_years.setItemText(0, "按规定")
            self.term_rule.setText("填写任期开始日期后，按当时有效的规定确定任期年限。")
            self.term_end.setText("—")
            set_role(self.term_end, "")
            return
        rule_years = dataclasses.replace(edited, term_years_set=None).term_years()
        self.term_years.setItemText(0, f"按规定（{rule_years}年）")
        self.term_rule.setText(f"依据：{edited.term_rule_source()}")
        end = edited.term_end()
        if end is None:
            self.term_end.setText("—")
            return
        phrase, expired = days_phrase(end, dt.date.today())
        self.term_end.setText(f"{chinese_date(end)}（{phrase}）")
        set_role(self.term_end, "error" if expired else "")

    # -- saving ----------------------------------------------------------------------------------

    def save(self) -> bool:
        value = self.org_class.currentData()
        try:
            branch_profile.save_profile(
                self.session.ws,
                name=self.name.text(),
                code=self.code.text(),
                org_class=BranchClass(value) if value else None,
                higher_committee=self.higher_committee.text(),
                is_village=self.is_village.isChecked(),
                term_start=self._term_start(),
                term_years_set=self.term_years.currentData(),
                started_on=self._started_on(),
            )
        except UserError as exc:
            show_message(self.saved, str(exc), "error")
            return False
        show_message(self.saved, "已保存。", "ok")
        self.session.profile_changed.emit()
        self.session.notify_changed()
        return True

    # -- party groups ------------------------------------------------------------------------------

    def _selected_group(self) -> branch_profile.GroupInfo | None:
        rows = self.groups.selectionModel().selectedRows()
        if not rows or self.profile is None:
            return None
        return self.profile.groups[rows[0].row()]

    def _update_group_buttons(self) -> None:
        selected = self._selected_group() is not None
        self.rename_group_button.setEnabled(selected)
        self.delete_group_button.setEnabled(selected)

    def add_group(self) -> None:
        name, ok = QInputDialog.getText(self, "新增党小组", "党小组名称：")
        if ok:
            self._group_change(lambda: branch_profile.add_group(self.session.ws, name))

    def rename_group(self) -> None:
        group = self._selected_group()
        if group is None:
            return
        name, ok = QInputDialog.getText(self, "党小组改名", "新的名称：", text=group.name)
        if ok and name.strip() != group.name:
            self._group_change(lambda: branch_profile.rename_group(self.session.ws, group.uuid, name))

    def delete_group(self) -> None:
        group = self._selected_group()
        if group is None:
            return
        if confirm(self, "删除党小组", f"确定删除党小组“{group.name}”吗？", yes="删除"):
            self._group_change(lambda: branch_profile.delete_group(self.session.ws, group.uuid))

    def _group_change(self, change: Callable[[], object]) -> None:
        try:
            change()
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.session.notify_changed()
