"""The entry dialog: live attendance, quorum and results; templates; grades; participants; keys."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.entries import AbsenceReason, EntryDraft, EntryType, Grade
from app.services import records
from app.ui.entry_dialog import EntryDialog
from app.ui.grades_editor import NOT_GRADED
from app.ui.record_book_page import RecordBookPage
from app.ui.session import Session
from tests.fixtures.branch import Branch
from tests.ui.helpers import answer_modal, click_button, type_chinese, wait_active


@pytest.fixture
def page(qtbot: QtBot, branch_session: Session, branch: Branch) -> RecordBookPage:
    page = RecordBookPage(branch_session)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def _open(qtbot: QtBot, page: RecordBookPage, key: Qt.Key | None = None) -> EntryDialog:
    dialog = page.new_entry()
    wait_active(qtbot, dialog)  # its shortcuts (Ctrl+R, Ctrl+Enter) work in the active window
    if key is not None:
        qtbot.keyClick(dialog.type_combo, key)
    return dialog


def _toggle(qtbot: QtBot, dialog: EntryDialog, name: str) -> None:
    """Space on that member's row, as the user does."""
    table = dialog.checklist.table
    table.setCurrentCell(dialog.checklist.row_of(name), 0)
    qtbot.keyClick(table, Qt.Key.Key_Space)


def test_live_quorum_exactly_half_and_written_opinion(
    qtbot: QtBot, page: RecordBookPage, branch: Branch
) -> None:
    dialog = _open(qtbot, page)
    assert dialog.entry_type() is EntryType.PARTY_CONGRESS
    voters = [m for m in dialog.checklist.members() if m.votes]
    assert len(dialog.checklist.members()) == 9 and len(voters) == 8  # 预备壬 has no vote
    assert "超过半数，会议有效" in dialog.quorum.text()

    for member in voters[:4]:
        _toggle(qtbot, dialog, member.name)
    assert dialog.counts.text().startswith("应到 9 人，实到 5 人，缺席 4 人")
    assert "有表决权：应到 8 人，实到 4 人" in dialog.counts.text()
    assert "恰好半数" in dialog.quorum.text() and "不足" in dialog.quorum.text()
    assert dialog.quorum.property("role") == "error"  # red

    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # 添加决议
    (row,) = dialog.resolutions.rows
    type_chinese(row.text, "同意推荐党员丁为优秀党员")
    row.votes["yes"].setValue(4)  # exactly half of the 8 entitled
    assert "未通过" in row.result.text() and row.result.property("role") == "error"

    _toggle(qtbot, dialog, voters[0].name)  # back: 5 of 8 present
    assert "超过半数，会议有效" in dialog.quorum.text() and dialog.quorum.property("role") == "ok"
    assert (
        row.result.text() == "赞成 4 票，应到会有表决权 8 人，须超过 4 票：未通过"
    )  # half of entitled, not present

    # An absent voter's written opinion tips it.
    dialog.checklist.table.setCurrentCell(dialog.checklist.row_of(voters[1].name), 0)
    assert dialog.checklist.written.isEnabled()
    dialog.checklist.written.setChecked(True)
    row.votes["written_yes"].setValue(1)
    assert row.result.text() == "赞成 5 票，应到会有表决权 8 人，须超过 4 票：通过"
    assert row.result.property("role") == "ok"  # green
    assert dialog.tabs.tabText(1) == "决议和表决（1）"

    assert dialog.save()
    (saved,) = records.load_records(page.session.ws)
    assert saved.facts.outcomes[0].passed and saved.facts.quorum is not None and saved.facts.quorum.quorate
    assert sum(a.written_opinion for a in saved.draft.absences) == 1


def test_errors_are_shown_next_to_their_section_before_saving(
    qtbot: QtBot, page: RecordBookPage, branch: Branch
) -> None:
    dialog = _open(qtbot, page, Qt.Key.Key_2)  # 支委会
    qtbot.keyClick(dialog.checklist.table, Qt.Key.Key_5)  # 5 = 其他, without saying what
    assert "选了“其他”，请写明原因" in dialog.section_message("people")
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    row = dialog.resolutions.rows[0]
    row.kind.setCurrentIndex(2)  # 预备党员转正 at a 支委会
    assert "须由支部党员大会表决" in dialog.section_message("resolutions")
    dialog.start.setText("1600")
    dialog.end.setText("1500")
    dialog.end.editingFinished.emit()
    assert "结束时间应晚于开始时间" in dialog.section_message("header")

    assert not dialog.save()
    assert dialog.isVisible() and records.load_records(page.session.ws) == []
    type_chinese(dialog.checklist.reason_text, "住院")
    assert "其他" not in dialog.section_message("people")
    assert dialog.checklist.absences()[0].reason is AbsenceReason.OTHER
    assert dialog.checklist.absences()[0].reason_text == "住院"


def test_template_saved_for_the_branch_fills_the_next_entry(
    qtbot: QtBot, page: RecordBookPage, branch_session: Session
) -> None:
    dialog = _open(qtbot, page, Qt.Key.Key_4)  # 党课
    default_agenda, _ = records.template_for(branch_session.ws, EntryType.PARTY_LECTURE)
    assert (
        dialog.agenda.toPlainText() == default_agenda.strip() or dialog.agenda.toPlainText() == default_agenda
    )
    dialog.agenda.setPlainText("1. 书记讲党课\n2. 交流心得\n3. 布置自学")
    qtbot.mouseClick(dialog.template_button, Qt.MouseButton.LeftButton)
    assert "已保存为本支部“党课”模板" in dialog.template_message.text()
    assert (
        records.template_for(branch_session.ws, EntryType.PARTY_LECTURE)[0]
        == "1. 书记讲党课\n2. 交流心得\n3. 布置自学"
    )
    type_chinese(dialog.topics, "学习党章")
    answer = answer_modal(qtbot, click_button("继续填写"))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # something was typed: asks first
    assert dialog.isVisible() and "丢失" in answer.text
    answer = answer_modal(qtbot, click_button("放弃"))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "丢失" in answer.text

    again = _open(qtbot, page)
    assert "书记讲党课" not in again.agenda.toPlainText()  # 党员大会 keeps its own
    qtbot.keyClick(again.type_combo, Qt.Key.Key_4)
    assert again.agenda.toPlainText() == "1. 书记讲党课\n2. 交流心得\n3. 布置自学"
    qtbot.keyClick(again, Qt.Key.Key_Escape)  # nothing typed: closes without asking
    assert not again.isVisible()


def test_ctrl_enter_saves_from_the_minutes_and_defaults_follow_the_last_entry(
    qtbot: QtBot, page: RecordBookPage, branch_session: Session, branch: Branch
) -> None:
    records.add_entry(
        branch_session.ws,
        EntryDraft(
            EntryType.BRANCH_COMMITTEE,
            dt.date.today() - dt.timedelta(days=20),
            place="二楼会议室",
            recorder="组织乙",
        ),
    )
    page.refresh()
    dialog = _open(qtbot, page, Qt.Key.Key_2)
    assert dialog.place.text() == "二楼会议室" and dialog.recorder.currentText() == "组织乙"
    assert dialog.host.currentText() == "书记甲"
    dialog.minutes.setFocus()
    dialog.minutes.moveCursor(dialog.minutes.textCursor().MoveOperation.End)
    qtbot.keyClicks(dialog.minutes, "OK")
    qtbot.keyClick(dialog.minutes, Qt.Key.Key_Return)  # a new line, not a save
    assert dialog.isVisible()
    qtbot.keyClick(dialog.minutes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == EntryDialog.DialogCode.Accepted
    newest = max(records.load_records(branch_session.ws), key=lambda v: v.draft.date)
    assert newest.draft.minutes.endswith("OK") and newest.draft.place == "二楼会议室"


def test_group_meeting_lists_the_group_and_its_leader_hosts(
    qtbot: QtBot, page: RecordBookPage, branch: Branch
) -> None:
    dialog = _open(qtbot, page, Qt.Key.Key_3)
    assert dialog.group_combo.isVisible()
    names = {m.name for m in dialog.checklist.members()}
    group = dialog.group_combo.currentText()
    expected = {
        "一组": {"书记甲", "组织乙", "党员丁", "党员戊"},
        "二组": {"宣传丙", "党员己", "党员庚", "党员辛", "预备壬"},
    }
    assert names == expected[group]
    other = 1 - dialog.group_combo.currentIndex()
    dialog.group_combo.setCurrentIndex(other)
    assert {m.name for m in dialog.checklist.members()} == expected[dialog.group_combo.currentText()]
    assert not dialog.quorum.isVisible()  # a 党小组会 does not vote


def test_member_review_grades_full_members_only_with_the_excellent_limit(
    qtbot: QtBot, page: RecordBookPage, branch: Branch
) -> None:
    dialog = _open(qtbot, page, Qt.Key.Key_7)  # 民主评议党员
    assert dialog.tabs.isTabVisible(2)
    dialog.tabs.setCurrentIndex(2)
    table = dialog.grades.table
    probationary = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "预备壬")
    assert table.item(probationary, 2).text() == NOT_GRADED
    table.setCurrentCell(probationary, 0)
    qtbot.keyClick(table, Qt.Key.Key_1)
    assert "预备壬" not in {branch.ids.get(u) for u in dialog.grades.grades()}
    assert dialog.grades.grades() == {}

    table.setCurrentCell(0 if probationary else 1, 0)
    for _ in range(3):  # 1 = 优秀, moving down one row each time
        if table.currentRow() == probationary:
            qtbot.keyClick(table, Qt.Key.Key_Down)
        qtbot.keyClick(table, Qt.Key.Key_1)
    assert "优秀 3 人，不超过 2 人" in dialog.grades.summary.text()  # 8 full members: a third is 2
    assert dialog.grades.summary.property("role") == "error"
    qtbot.mouseClick(dialog.grades.rest_button, Qt.MouseButton.LeftButton)
    grades = dialog.grades.grades()
    assert len(grades) == 8 and sum(g is Grade.QUALIFIED for g in grades.values()) == 5


def test_heart_talk_needs_two_people(qtbot: QtBot, page: RecordBookPage, branch: Branch) -> None:
    dialog = _open(qtbot, page, Qt.Key.Key_8)  # 谈心谈话
    assert dialog.people_box.title().startswith("参加人员")
    assert all(not dialog.checklist.participants() for _ in [0])
    _toggle(qtbot, dialog, "书记甲")
    assert "至少要有两人" in dialog.section_message("people")
    assert not dialog.save()
    _toggle(qtbot, dialog, "党员庚")
    assert dialog.section_message("people") == ""
    assert dialog.save()
    (saved,) = records.load_records(page.session.ws)
    assert set(saved.draft.participants) == {branch.ids["书记甲"], branch.ids["党员庚"]}
    assert saved.draft.host == ""
