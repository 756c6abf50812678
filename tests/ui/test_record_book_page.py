"""记录本: filters and search, locked periods and 更正 in red, 补学 from the list and from 首页."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.domain.entries import Absence, AbsenceReason, EntryDraft, EntryType
from app.domain.periods import Period
from app.services import compliance, records
from app.services.errors import UserError
from app.ui.entry_dialog import EntryDialog, EntryMode
from app.ui.home_page import HomePage
from app.ui.main_window import MainWindow
from app.ui.record_book_page import RecordBookPage, parse_period
from app.ui.record_model import COL, RED
from app.ui.session import Session
from tests.fixtures.branch import Branch
from tests.ui.helpers import answer_modal, click_button, type_chinese, wait_active

TODAY = dt.date.today()


@pytest.fixture
def page(qtbot: QtBot, branch_session: Session, branch: Branch) -> RecordBookPage:
    page = RecordBookPage(branch_session)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitUntil(page.isVisible)
    return page


def _add(session: Session, draft: EntryDraft) -> str:
    uuid = records.add_entry(session.ws, draft)
    session.notify_changed()
    return uuid


def _shown(page: RecordBookPage) -> set[str]:
    return {page.model.view_at(r).uuid for r in range(page.model.rowCount())}


def _select(page: RecordBookPage, uuid: str) -> None:
    assert page.select(uuid)


@pytest.fixture
def book(page: RecordBookPage, branch_session: Session, branch: Branch) -> dict[str, str]:
    ids = branch.ids
    entries = {
        "committee": EntryDraft(
            EntryType.BRANCH_COMMITTEE,
            dt.date(2026, 9, 10),
            place="二楼会议室",
            host="书记甲",
            topics=("研究发展党员工作",),
            absences=(Absence(ids["组织乙"], AbsenceReason.SHIFT),),
        ),
        "congress": EntryDraft(
            EntryType.PARTY_CONGRESS,
            dt.date(2026, 10, 15),
            topics=("学习全会精神",),
            minutes="传达上级文件，党员丁因倒班缺席。",
            absences=(Absence(ids["党员丁"], AbsenceReason.SICK),),
        ),
        "group": EntryDraft(
            EntryType.GROUP_MEETING,
            dt.date(2026, 11, 5),
            group_uuid=branch.groups["一组"],
            topics=("交流思想",),
        ),
        "talk": EntryDraft(
            EntryType.HEART_TALK, dt.date(2026, 3, 2), participants=(ids["书记甲"], ids["党员庚"])
        ),
        "theme_day": EntryDraft(
            EntryType.THEME_DAY, dt.date(2025, 12, 20), place="红色教育基地", topics=("重温入党誓词",)
        ),
    }
    return {key: _add(branch_session, draft) for key, draft in entries.items()}


def test_lists_newest_first_with_computed_columns(page: RecordBookPage, book: dict[str, str]) -> None:
    assert page.model.rowCount() == 5
    assert [page.model.view_at(r).uuid for r in range(5)] == [
        book["group"],
        book["congress"],
        book["committee"],
        book["talk"],
        book["theme_day"],
    ]
    cells = page.model.cells_at(page.model.row_of(book["committee"]))  # type: ignore[arg-type]
    assert cells[COL["应到/实到/缺席"]] == "3 / 2 / 1" and cells[COL["补学"]] == "0/1"
    assert page.model.cells_at(0)[COL["类型"]] == "党小组会"
    assert page.model.cells_at(0)[COL["议题 / 标题"]] == "【一组】交流思想"
    talk = page.model.cells_at(page.model.row_of(book["talk"]))  # type: ignore[arg-type]
    assert talk[COL["议题 / 标题"]] == "谈话人：书记甲、党员庚"
    assert page.count_label.text() == "共 5 条记录"


def test_filters_and_search_narrow_to_exactly_the_matching_entries(
    qtbot: QtBot, page: RecordBookPage, book: dict[str, str], branch: Branch
) -> None:
    page.type_filter.setCurrentIndex(page.type_filter.findText("支部委员会"))
    assert _shown(page) == {book["committee"]}
    assert page.count_label.text() == "共 1 条记录（已筛选，记录本中共 5 条）"
    page.type_filter.setCurrentIndex(0)

    line = page.period_filter.lineEdit()
    for text, expected in (
        ("2026Q3", {"committee"}),
        ("2026-10", {"congress"}),
        ("2025", {"theme_day"}),
        ("2026", {"committee", "congress", "group", "talk"}),
    ):
        line.clear()
        qtbot.keyClicks(line, text)
        assert _shown(page) == {book[k] for k in expected}, text
    line.clear()
    qtbot.keyClicks(line, "2026Q5")
    assert page.period_hint.isVisible()
    page.period_filter.setCurrentIndex(page.period_filter.findText("本年度"))
    assert not page.period_hint.isVisible()
    assert _shown(page) == {book[k] for k in ("committee", "congress", "group", "talk")}
    page.period_filter.setCurrentIndex(0)
    assert len(_shown(page)) == 5

    # A member: the entries where they were expected (absent too) or took part.
    page.member_filter.setCurrentIndex(page.member_filter.findData(branch.ids["党员庚"]))
    assert _shown(page) == {book["congress"], book["talk"], book["theme_day"]}  # not 一组, not the 支委会
    page.member_filter.setCurrentIndex(page.member_filter.findData(branch.ids["组织乙"]))
    assert _shown(page) == {book[k] for k in ("committee", "congress", "group", "theme_day")}
    page.member_filter.setCurrentIndex(0)

    for text, expected in (
        ("基地", {"theme_day"}),  # place
        ("传达上级", {"congress"}),  # minutes
        ("发展党员", {"committee"}),  # topic
        ("党员庚", {"congress", "talk", "theme_day"}),  # a member's name
        ("二楼 研究", {"committee"}),  # every word must match
        ("没有这个词", set()),
    ):
        page.search.clear()
        type_chinese(page.search, text)
        assert _shown(page) == {book[k] for k in expected}, text

    page.search.clear()
    type_chinese(page.search, "党员丁")
    page.type_filter.setCurrentIndex(page.type_filter.findText("支部党员大会"))
    assert _shown(page) == {book["congress"]}


def test_period_text_in_chinese_or_as_the_command_line_writes_it() -> None:
    assert parse_period("2026年第3季度") == Period.quarter(2026, 3)
    assert parse_period("2026年3月") == Period.month(2026, 3)
    assert parse_period("2026年") == Period.year(2026)
    assert parse_period("2026-03") == Period.month(2026, 3)
    assert parse_period("") is None


def test_locked_entry_is_corrected_in_red_with_its_reason(
    qtbot: QtBot, page: RecordBookPage, branch_session: Session, book: dict[str, str]
) -> None:
    records.lock_period(branch_session.ws, Period.quarter(2026, 3))
    branch_session.notify_changed()
    uuid = book["committee"]
    _select(page, uuid)
    assert page.model.cells_at(page.model.row_of(uuid))[COL["状态"]] == "已锁定"  # type: ignore[arg-type]
    assert not page.delete_button.isEnabled() and page.correct_button.isEnabled()
    with pytest.raises(UserError, match="更正"):
        records.update_entry(branch_session.ws, uuid, records.get_record(branch_session.ws, uuid).draft)

    answer = answer_modal(qtbot, click_button("取消"))
    assert page.edit_entry() is None  # 编辑 is refused and points to 更正
    assert "不能直接修改" in answer.text and "更正" in answer.text

    answer = answer_modal(qtbot, click_button("更正…"))
    dialog = page.edit_entry()
    assert isinstance(dialog, EntryDialog) and dialog.mode is EntryMode.CORRECT
    wait_active(qtbot, dialog)
    assert dialog.correct_box.isVisible() and not dialog.type_combo.isEnabled()
    dialog.place.clear()
    type_chinese(dialog.place, "三楼会议室")
    assert not dialog.save()  # no reason yet
    assert dialog.reason_message.text().startswith("请写明更正原因")
    type_chinese(dialog.reason, "记录人笔误，地点应为三楼会议室")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.result() == EntryDialog.DialogCode.Accepted

    view = records.get_record(branch_session.ws, uuid)
    assert view.original.place == "二楼会议室" and view.draft.place == "三楼会议室"
    assert [c.reason for c in view.corrections] == ["记录人笔误，地点应为三楼会议室"]
    row = page.model.row_of(uuid)
    assert row is not None
    assert page.model.cells_at(row)[COL["状态"]] == "已更正"
    assert "已锁定" in page.model.data(page.model.index(row, COL["状态"]), Qt.ItemDataRole.ToolTipRole)
    mark = page.model.index(row, COL["状态"])
    assert page.model.data(mark, Qt.ItemDataRole.ForegroundRole).color().name() == RED
    assert page.model.data(mark, Qt.ItemDataRole.FontRole).bold()
    assert page.selected_view() is not None and page.selected_view().uuid == uuid
    html = page.detail.toHtml()
    text = page.detail.toPlainText()
    assert "更正记录（共 1 次）" in text and "记录人笔误，地点应为三楼会议室" in text
    assert "地点：“二楼会议室” → “三楼会议室”" in text
    assert RED.lstrip("#") in html.lower()


def test_makeup_from_the_list_then_from_home(qtbot: QtBot, branch_session: Session, branch: Branch) -> None:
    ids = branch.ids
    meeting = records.add_entry(
        branch_session.ws,
        EntryDraft(
            EntryType.PARTY_CONGRESS,
            TODAY - dt.timedelta(days=3),
            absences=(
                Absence(ids["党员丁"], AbsenceReason.SHIFT),
                Absence(ids["党员戊"], AbsenceReason.TRIP),
            ),
        ),
    )
    window = MainWindow(branch_session)
    qtbot.addWidget(window)
    window.show()
    home = window.page("首页")
    assert isinstance(home, HomePage)
    qtbot.waitUntil(lambda: home.dashboard is not None, timeout=10_000)
    assert len([n for n in home.makeups.names() if n.startswith(("党员丁", "党员戊"))]) == 2

    window.show_section(1)
    page = window.current_page()
    assert isinstance(page, RecordBookPage)
    _select(page, meeting)
    assert page.makeup_button.isEnabled()
    qtbot.mouseClick(page.makeup_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, EntryDialog)
    wait_active(qtbot, dialog)
    assert dialog.entry_type() is EntryType.MAKEUP and dialog.makeup_combo.currentData() == meeting
    assert {m.name for m in dialog.checklist.members()} == {"党员丁", "党员戊"}
    assert dialog.checklist.participants() == ()  # two absentees: the secretary ticks who
    dialog.checklist.table.setCurrentCell(dialog.checklist.row_of("党员丁"), 0)
    qtbot.keyClick(dialog.checklist.table, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.checklist.table, Qt.Key.Key_Return)
    assert dialog.result() == EntryDialog.DialogCode.Accepted
    row = page.model.row_of(meeting)
    assert row is not None and page.model.cells_at(row)[COL["补学"]] == "1/2"

    window.show_section(0)
    qtbot.waitUntil(lambda: not any(n.startswith("党员丁") for n in home.makeups.names()), timeout=10_000)
    assert any(n.startswith("党员戊") for n in home.makeups.names())
    assert home.makeups.select(meeting, ids["党员戊"])
    qtbot.mouseClick(home.makeups.button, Qt.MouseButton.LeftButton)
    dialog = home.dialog
    assert isinstance(dialog, EntryDialog)
    assert dialog.checklist.participants() == (ids["党员戊"],)  # the one chosen on 首页
    assert dialog.save()
    qtbot.waitUntil(lambda: home.makeups.names() == [], timeout=10_000)
    assert home.makeups.summary.text() == "没有待补学的缺席"
    assert compliance.dashboard(branch_session.ws).open_makeups == []
    view = records.get_record(branch_session.ws, meeting)
    assert view.makeup_progress() == (2, 2)


def test_delete_asks_and_a_meeting_with_makeups_cannot_go(
    qtbot: QtBot, page: RecordBookPage, branch_session: Session, book: dict[str, str], branch: Branch
) -> None:
    _add(
        branch_session,
        EntryDraft(
            EntryType.MAKEUP,
            dt.date(2026, 10, 20),
            participants=(branch.ids["党员丁"],),
            makeup_of=book["congress"],
        ),
    )
    _select(page, book["congress"])

    def delete_then_ok(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        texts = [b.text() for b in box.buttons()]
        click_button("删除" if "删除" in texts else "确定")(box)

    answer = answer_modal(qtbot, delete_then_ok, times=2)
    page.delete_entry()
    assert "误录" in answer.seen[0]
    assert "补学记录" in answer.seen[1]  # the service's refusal, shown as it is
    assert book["congress"] in _shown(page)

    _select(page, book["theme_day"])
    answer = answer_modal(qtbot, click_button("取消"))
    page.delete_entry()
    assert book["theme_day"] in _shown(page)
    answer = answer_modal(qtbot, click_button("删除"))
    page.delete_entry()
    assert book["theme_day"] not in _shown(page)
    assert page.count_label.text() == "共 5 条记录"


def test_enter_opens_an_unlocked_entry_for_editing(
    qtbot: QtBot, page: RecordBookPage, branch_session: Session, book: dict[str, str], branch: Branch
) -> None:
    _select(page, book["congress"])
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, EntryDialog) and dialog.mode is EntryMode.EDIT
    wait_active(qtbot, dialog)
    assert dialog.windowTitle() == "编辑记录 — 2026-10-15 支部党员大会"
    assert dialog.checklist.absences() == (Absence(branch.ids["党员丁"], AbsenceReason.SICK),)
    assert dialog.agenda.toPlainText() == ""  # an existing entry is not filled from the template
    _toggle_row = dialog.checklist.row_of("党员戊")
    dialog.checklist.table.setCurrentCell(_toggle_row, 0)
    qtbot.keyClick(dialog.checklist.table, Qt.Key.Key_2)  # 2 = 出差: marks 党员戊 absent
    qtbot.keyClick(dialog.checklist.table, Qt.Key.Key_Return)
    assert dialog.result() == EntryDialog.DialogCode.Accepted
    view = records.get_record(branch_session.ws, book["congress"])
    assert {(a.member_uuid, a.reason) for a in view.draft.absences} == {
        (branch.ids["党员丁"], AbsenceReason.SICK),
        (branch.ids["党员戊"], AbsenceReason.TRIP),
    }
    assert view.corrections == ()  # an open period is edited in place
    row = page.model.row_of(book["congress"])
    assert row is not None and page.model.cells_at(row)[COL["应到/实到/缺席"]] == "9 / 7 / 2"
