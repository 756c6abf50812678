"""首页: the branch at a glance, from real data only: who, how many, the committee term, the journal."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.domain.branch import BRANCH_CLASS_LABELS
from app.domain.members import Status
from app.services import branch_profile, journal_check, roster
from app.storage.journal import VerifyResult
from app.ui.form_fields import chinese_date, days_phrase, set_role
from app.ui.pages import Page, title_label
from app.ui.session import Session
from app.ui.workers import BackgroundTask

TERM_WARNING_DAYS = 180  # 换届 needs preparation months ahead


def _value_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class HomePage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "首页", parent)
        self._journal_task: BackgroundTask | None = None
        self.name = title_label("")
        self.code, self.org_class, self.committee = _value_label(), _value_label(), _value_label()
        self.members, self.term, self.journal = _value_label(), _value_label(), _value_label()
        form = QFormLayout()
        form.setHorizontalSpacing(24)
        form.setVerticalSpacing(12)
        form.addRow("支部代码：", self.code)
        form.addRow("支部类别：", self.org_class)
        form.addRow("上级党委：", self.committee)
        form.addRow("党员人数：", self.members)
        form.addRow("支委会任期：", self.term)
        form.addRow("数据校验：", self.journal)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        set_role(self.hint, "hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(16)
        layout.addWidget(self.name)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addStretch(1)

    def reload(self) -> None:
        ws = self.session.ws
        profile = branch_profile.load_profile(ws)
        today = dt.date.today()
        members = roster.load_roster(ws, today)
        full = sum(1 for m in members if m.standing.status is Status.FULL)
        prob = sum(1 for m in members if m.standing.status is Status.PROBATIONARY)
        self.name.setText(profile.name)
        self.code.setText(profile.code)
        self.org_class.setText(BRANCH_CLASS_LABELS[profile.org_class] if profile.org_class else "未填写")
        self.committee.setText(profile.higher_committee or "未填写")
        self.members.setText(f"共 {len(members)} 人（正式党员 {full}，预备党员 {prob}）")
        self._show_term(profile, today)
        self.hint.setText(
            "名册还是空的：请到左侧“党员”中新增党员，或用“导入名册…”从 Excel 导入。" if not members else ""
        )
        self.hint.setVisible(not members)
        self._check_journal()

    def _show_term(self, profile: branch_profile.BranchProfile, today: dt.date) -> None:
        end = profile.term_end()
        if profile.term_start is None or end is None:
            self.term.setText("未填写本届支委会任期开始日期（在“设置 → 支部信息”中填写）")
            set_role(self.term, "warning")
            return
        phrase, expired = days_phrase(end, today)
        text = (
            f"{chinese_date(profile.term_start)} 至 {chinese_date(end)}（{profile.term_years()}年），{phrase}"
        )
        if expired:
            text += "，请及时按期换届"
        elif (end - today).days <= TERM_WARNING_DAYS:
            text += "，请提前做好换届准备"
        self.term.setText(text)
        set_role(
            self.term, "error" if expired else "warning" if (end - today).days <= TERM_WARNING_DAYS else ""
        )

    def _check_journal(self) -> None:
        self.journal.setText("正在校验…")
        set_role(self.journal, "hint")
        if self._journal_task is not None:
            self._journal_task.cancel()
        ws = self.session.ws
        task = BackgroundTask(lambda: journal_check.verify_journal(ws))
        task.succeeded.connect(self._journal_checked)
        task.failed.connect(self._journal_failed)
        self._journal_task = task
        task.start()

    def _journal_failed(self, _exc: BaseException) -> None:
        self.journal.setText("无法校验，请到“设置 → 数据校验”重试")
        set_role(self.journal, "error")

    def _journal_checked(self, result: VerifyResult) -> None:
        if result.ok:
            self.journal.setText(f"完好：共 {result.entries} 条修改记录，现有数据与记录一致")
            set_role(self.journal, "ok")
        else:
            self.journal.setText(
                f"发现 {len(result.faults)} 处数据与修改记录不一致，请到“设置 → 数据校验”查看"
            )
            set_role(self.journal, "error")
