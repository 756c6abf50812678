"""首页: the branch at a glance, from real data only: who, how many, the committee term, the journal; and
what the branch still owes this month, quarter and year, what is overdue, who has a meeting to make up."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.branch import BRANCH_CLASS_LABELS
from app.domain.entries import EntryType
from app.domain.members import Status
from app.domain.periods import chinese_date
from app.services import branch_profile, compliance, journal_check, records, roster
from app.services.compliance import Dashboard
from app.storage.journal import VerifyResult
from app.ui.dashboard_view import InactiveList, MakeupTree, ObligationBox, overdue_lines
from app.ui.entry_dialog import EntryDialog
from app.ui.form_fields import days_phrase, set_role
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
        form.setVerticalSpacing(8)
        form.addRow("支部代码：", self.code)
        form.addRow("支部类别：", self.org_class)
        form.addRow("上级党委：", self.committee)
        form.addRow("党员人数：", self.members)
        form.addRow("支委会任期：", self.term)
        form.addRow("数据校验：", self.journal)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        set_role(self.hint, "hint")

        self.dashboard: Dashboard | None = None
        self._dashboard_task: BackgroundTask | None = None
        self.dialog: EntryDialog | None = None
        self.overdue = QLabel()
        self.overdue.setWordWrap(True)
        set_role(self.overdue, "error")
        self.overdue.hide()
        self.not_entered = QLabel()
        self.not_entered.setWordWrap(True)
        set_role(self.not_entered, "hint")
        self.not_entered.hide()
        self.loading = QLabel("正在统计本期应开的会…")
        set_role(self.loading, "hint")
        self.month = ObligationBox("本月")
        self.quarter = ObligationBox("本季度")
        self.year = ObligationBox("本年度")
        self.makeups = MakeupTree()
        self.inactive = InactiveList()
        self.makeup_box = QGroupBox("待补学（按班组）")
        QVBoxLayout(self.makeup_box).addWidget(self.makeups)
        self.inactive_box = QGroupBox("长期未参加组织生活")
        QVBoxLayout(self.inactive_box).addWidget(self.inactive)
        # 党章 第九条 also covers dues: six months unpaid is shown beside six months absent.
        self.dues_flags = QLabel()
        self.dues_flags.setWordWrap(True)
        set_role(self.dues_flags, "error")
        self.inactive_box.layout().addWidget(self.dues_flags)

        self.info_box = QGroupBox("支部信息")
        info = QVBoxLayout(self.info_box)
        info.addLayout(form)
        info.addWidget(self.hint)
        left = QVBoxLayout()
        left.setSpacing(10)
        left.addWidget(self.overdue)
        left.addWidget(self.not_entered)
        left.addWidget(self.loading)
        for box in (self.month, self.quarter, self.year):
            left.addWidget(box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addWidget(self.makeup_box, 1)
        right.addWidget(self.inactive_box)
        right.addWidget(self.info_box)
        right.addStretch(0)
        self._right = right
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(32, 24, 32, 20)
        inner.setSpacing(12)
        inner.addWidget(self.name)
        inner.addLayout(columns, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.makeups.makeup_requested.connect(self.record_makeup)

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
        self._load_dashboard()

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

    # -- what is due ---------------------------------------------------------------------------

    def _load_dashboard(self) -> None:
        """In the background: with years of records the checks take longer than a page should wait."""
        if self._dashboard_task is not None:
            self._dashboard_task.cancel()
        self.loading.setText("正在统计本期应开的会…")
        set_role(self.loading, "hint")
        self.loading.show()
        ws, today = self.session.ws, dt.date.today()
        task = BackgroundTask(lambda: compliance.dashboard(ws, today))
        task.succeeded.connect(self._dashboard_loaded)
        task.failed.connect(self._dashboard_failed)
        self._dashboard_task = task
        task.start()

    def _dashboard_failed(self, _exc: BaseException) -> None:
        self.loading.setText("无法统计本期应开的会，请稍后重试")
        set_role(self.loading, "error")

    def _dashboard_loaded(self, board: Dashboard) -> None:
        self.dashboard = board
        self.loading.hide()
        self.month.set_items(board.month, board.today)
        self.quarter.set_items(board.quarter, board.today)
        self.year.set_items(board.year, board.today)
        overdue = board.overdue()
        lines = overdue_lines(overdue, board.today.year)
        if lines:
            shown = "\n".join(f"· {line}" for line in lines)
            self.overdue.setText(f"⚠ 本年度已逾期 {len(overdue)} 次会议，请尽快召开并如实记录：\n{shown}")
            self.overdue.setToolTip(
                "\n".join(f"{o.period.label()}未召开{o.what}（{o.source}）" for o in overdue)
            )
        self.overdue.setVisible(bool(lines))
        missing = board.not_entered()
        if missing and board.started_on is not None:
            self.not_entered.setText(
                f"本支部自{chinese_date(board.started_on)}起在本软件中记录；此前的 {len(missing)} 次会议"
                "显示为“未录入”，不算逾期。如有纸质记录，可以补录。"
            )
        self.not_entered.setVisible(bool(missing) and board.started_on is not None)
        self.makeups.set_items(board.open_makeups)
        self._right.setStretch(0, 1 if board.open_makeups else 0)  # an empty list takes no room
        self._right.setStretch(3, 0 if board.open_makeups else 1)
        people = len({m.member_uuid for m in board.open_makeups})
        self.makeup_box.setTitle(f"待补学（按班组）：{people} 人" if people else "待补学（按班组）")
        self.inactive.set_items(board.inactive)
        names = "、".join(f.subject for f in board.dues_flags)
        self.dues_flags.setText(
            f"连续6个月以上未交纳党费：{names}（请支部研究处理，本软件不会自动除名）" if names else ""
        )
        self.dues_flags.setVisible(bool(names))
        self.inactive_box.setTitle(
            f"长期未参加组织生活：{len(board.inactive)} 人" if board.inactive else "长期未参加组织生活：无"
        )

    def record_makeup(self, entry_uuid: str, member_uuid: str) -> EntryDialog:
        """Open a 补学 entry for this absentee of this meeting (window-modal)."""
        views, source = records.load_records_with_roster(self.session.ws)
        dialog = EntryDialog(
            self.session,
            views,
            entry_type=EntryType.MAKEUP,
            makeup_of=entry_uuid,
            makeup_members=(member_uuid,),
            source=source,
            parent=self,
        )
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            if result == EntryDialog.DialogCode.Accepted:
                self.status_message.emit("已记录补学")
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog
