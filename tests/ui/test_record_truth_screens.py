"""Issue 11 on the screens a secretary uses: what they show agrees with what is stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app.domain.entries import EntryDraft, EntryType
from app.domain.members import MemberDraft
from app.domain.membership import EventKind
from app.domain.partial_date import PartialDate
from app.services import branch_profile, compliance, records, roster
from app.storage.journal import head_hash
from app.ui.home_page import HomePage
from app.ui.import_wizard import RosterImportWizard
from app.ui.membership_event_dialog import MembershipEventDialog
from app.ui.record_book_page import RecordBookPage
from app.ui.report_page import findings_html
from app.ui.roster_model import COLUMNS
from app.ui.session import Session
from tests.fixtures.branch import TODAY, Branch
from tests.fixtures.people import make_id
from tests.fixtures.sheets import write_template_like
from tests.ui.helpers import answer_modal, click_button, type_chinese


def _head(session: Session) -> str:
    with session.ws.read() as conn:
        return head_hash(conn)


def test_event_dialog_refuses_restore_without_suspension(
    qtbot: QtBot, branch: Branch, branch_session: Session
) -> None:
    member = roster.get_member(branch_session.ws, branch.ids["党员丁"])
    dialog = MembershipEventDialog(branch_session, member, EventKind.RESTORED)
    qtbot.addWidget(dialog)
    dialog.show()
    head = _head(branch_session)
    dialog.ok_button.click()
    assert "没有停止党籍的记录" in dialog.general.text() and dialog.general.isVisible()
    assert _head(branch_session) == head and dialog.result() != MembershipEventDialog.DialogCode.Accepted
    dialog.kind.setCurrentIndex(dialog.kind.findData(EventKind.EXTENDED.value))
    assert dialog.months.isVisibleTo(dialog)


def test_record_book_shows_the_roster_change_and_takes_the_roll_again(
    qtbot: QtBot, branch: Branch, branch_session: Session
) -> None:
    uuid = records.add_entry(branch_session.ws, EntryDraft(EntryType.THEME_DAY, dt.date.today()))
    roster.add_member(
        branch_session.ws,
        MemberDraft(
            "后加入",
            id_number=make_id(dt.date(1960, 1, 1), "男", serial=51),
            joined_on=PartialDate(1990, 1, 1),
            full_on=PartialDate(1991, 1, 1),
            in_branch_from=dt.date(2000, 1, 1),
        ),
    )
    page = RecordBookPage(branch_session)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitUntil(page.isVisible)
    assert page.select(uuid)
    detail = page.detail.toPlainText()
    assert "名册有变" in detail and "后加入" in detail and "应到 9 人" in detail
    assert page.roll_button.isVisible()
    answer = answer_modal(qtbot, click_button("更新应到名单"))
    page.roll_button.click()
    assert "后加入" in answer.text
    qtbot.waitUntil(lambda: "应到 10 人" in page.detail.toPlainText(), timeout=5_000)
    assert "名册有变" not in page.detail.toPlainText() and not page.roll_button.isVisible()


def test_import_wizard_asks_before_a_rename_and_uses_the_chosen_day(
    qtbot: QtBot, branch: Branch, branch_session: Session, tmp_path: Path
) -> None:
    existing = roster.get_member(branch_session.ws, branch.ids["党员丁"])
    path = write_template_like(
        tmp_path / "名册.xlsx",
        [
            {"name": "冒名者", "id_number": existing.draft.id_number, "joined_on": "2000.01.01"},
            {
                "name": "新人",
                "id_number": make_id(dt.date(1985, 5, 5), "女", serial=52),
                "joined_on": "2010.01.01",
            },
        ],
    )
    wizard = RosterImportWizard(branch_session)
    qtbot.addWidget(wizard)
    wizard.show()
    type_chinese(wizard.file_page.path, str(path))
    wizard.file_page.came.setDate(dt.date(2026, 2, 1))
    wizard.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=10_000)
    assert wizard.plan is not None and wizard.plan.in_branch_from == dt.date(2026, 2, 1)
    page = wizard.preview_page
    assert "党员丁" in page.details.text() and page.confirm_renames.isVisible()
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert not commit.isEnabled() and "姓名却不同" in page.explain.text()
    page.confirm_renames.setChecked(True)
    assert commit.isEnabled()
    commit.click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=10_000)
    renamed = roster.get_member(branch_session.ws, branch.ids["党员丁"])
    assert renamed.name == "冒名者"
    new = next(v for v in roster.load_roster(branch_session.ws) if v.name == "新人")
    assert new.draft.in_branch_from == dt.date(2026, 2, 1)


def test_home_page_says_what_was_not_entered(
    qtbot: QtBot, branch: Branch, branch_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = compliance.dashboard
    monkeypatch.setattr(
        compliance, "dashboard", lambda ws, _today: real(ws, TODAY)
    )  # a day with a past in its year
    branch_profile.change_profile(branch_session.ws, started_on=dt.date(2026, 7, 1))
    home = HomePage(branch_session)
    qtbot.addWidget(home)
    home.show()
    qtbot.waitUntil(lambda: home.dashboard is not None, timeout=10_000)
    assert home.not_entered.isVisible() and "未录入" in home.not_entered.text()
    assert "不算逾期" in home.not_entered.text()
    assert "2026年7月1日" in home.not_entered.text()
    assert home.dashboard is not None and all(
        o.period.end >= dt.date(2026, 7, 1) for o in home.dashboard.overdue()
    )


def test_report_findings_list_violations_first_and_not_entered_apart() -> None:
    text = findings_html(
        [
            {"severity": "not_entered", "subject": "主题党日", "message": "2026年3月的主题党日未录入"},
            {"severity": "violation", "subject": "支部委员会", "message": "2026年9月未召开支部委员会"},
        ]
    )
    assert text.index("[违规]") < text.index("[未录入]") and "2026年3月的主题党日未录入" in text


def test_roster_table_says_full_date_unknown(branch: Branch, branch_session: Session) -> None:
    roster.add_member(
        branch_session.ws,
        MemberDraft(
            "不详者",
            id_number=make_id(dt.date(1970, 1, 1), "男", serial=53),
            joined_on=PartialDate(2015, 6, 1),
            in_branch_from=dt.date(2015, 6, 1),
        ),
    )
    view = next(v for v in roster.load_roster(branch_session.ws) if v.name == "不详者")
    column = next(c for c in COLUMNS if c.header == "转正日期")
    assert column.text(view) == "不详（按2016.06计）"
