"""The member dialog: typed Chinese (outside the BMP too), dates as text, checks at each field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.members import Post, Status
from app.domain.partial_date import PartialDate
from app.services import roster
from app.ui.member_dialog import MemberDialog
from app.ui.roster_page import RosterPage
from app.ui.session import Session
from tests.ui.helpers import (
    answer_modal,
    click_button,
    leave,
    person_id,
    type_chinese,
    with_wrong_check_digit,
)


@pytest.fixture
def page(qtbot: QtBot, branch_session: Session) -> RosterPage:
    page = RosterPage(branch_session)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def _dialog(qtbot: QtBot, page: RosterPage, member: roster.MemberView | None = None) -> MemberDialog:
    dialog = page.member_dialog(member)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _type(qtbot: QtBot, dialog: MemberDialog, key: str, text: str) -> None:
    editor = getattr(dialog, key)
    if text.isascii():
        qtbot.keyClicks(
            editor.lineEdit() if hasattr(editor, "lineEdit") and editor.lineEdit() else editor, text
        )
    else:
        type_chinese(editor, text)
    leave(editor)


def test_add_member_with_rare_character(qtbot: QtBot, page: RosterPage, branch_session: Session) -> None:
    id_number = person_id("19900517", "男")
    dialog = _dialog(qtbot, page)
    _type(qtbot, dialog, "name", "周𠮷")
    _type(qtbot, dialog, "birth_date", "1990.05")
    _type(qtbot, dialog, "id_number", id_number)
    assert dialog.gender.currentText() == "男"  # filled from the ID, in plain sight
    assert dialog.birth_date.text() == "1990.05"  # typed by the user: kept, it agrees with the ID
    _type(qtbot, dialog, "joined_on", "2015年7月")
    _type(qtbot, dialog, "full_on", "2016.07")
    _type(qtbot, dialog, "in_branch_from", "2015.07.01")
    _type(qtbot, dialog, "group", "第一党小组")
    assert "将新建党小组" in dialog.field_message("group")
    dialog.post.setCurrentIndex(dialog.post.findText(Post.SECRETARY.value))
    assert all(not dialog.field_message(key) or key == "group" for key in dialog.boxes)

    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter saves
    assert dialog.result() == MemberDialog.DialogCode.Accepted
    members = roster.load_roster(branch_session.ws)
    assert len(members) == 1
    saved = members[0].draft
    assert saved.name == "周𠮷" and len(saved.name) == 2
    assert saved.birth_date == PartialDate(1990, 5)
    assert saved.id_number == id_number and saved.gender == "男"
    assert saved.joined_on == PartialDate(2015, 7) and saved.full_on == PartialDate(2016, 7)
    assert saved.group == "第一党小组" and saved.post is Post.SECRETARY
    assert page.model.row_of(dialog.saved_uuid or "") == 0  # the table shows it
    assert page.model.member_at(0).name == "周𠮷"


def test_wrong_check_digit_is_shown_and_nothing_saved(
    qtbot: QtBot, page: RosterPage, branch_session: Session
) -> None:
    dialog = _dialog(qtbot, page)
    type_chinese(dialog.name, "吴丽")
    _type(qtbot, dialog, "id_number", with_wrong_check_digit(person_id("19880203", "女")))
    assert "校验位错误" in dialog.field_message("id_number")
    assert dialog.gender.currentText() == "未填"  # nothing is taken from a wrong number
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.result() != MemberDialog.DialogCode.Accepted
    assert dialog.id_number.hasFocus() or dialog.focusWidget() is dialog.id_number
    assert roster.load_roster(branch_session.ws) == []


def test_gender_and_birth_mismatch_are_shown(qtbot: QtBot, page: RosterPage, branch_session: Session) -> None:
    dialog = _dialog(qtbot, page)
    type_chinese(dialog.name, "郑强")
    dialog.gender.setCurrentIndex(dialog.gender.findText("女"))
    _type(qtbot, dialog, "birth_date", "1985.07")
    _type(qtbot, dialog, "id_number", person_id("19850620", "男"))
    assert dialog.gender.currentText() == "女"  # a differing value is not silently overridden
    assert "与身份证号不符" in dialog.field_message("gender")
    assert "不符" in dialog.field_message("birth_date")
    dialog.save_button.click()
    assert roster.load_roster(branch_session.ws) == []


def test_unreadable_date_is_shown_when_leaving_the_field(qtbot: QtBot, page: RosterPage) -> None:
    dialog = _dialog(qtbot, page)
    _type(qtbot, dialog, "joined_on", "2015.13")
    assert "月份 13 无效" in dialog.field_message("joined_on")
    assert dialog.field_message("name") == ""  # fields not visited yet stay quiet
    dialog.joined_on.clear()
    _type(qtbot, dialog, "joined_on", "不详")
    assert dialog.field_message("joined_on") == ""


def test_save_shows_every_error(qtbot: QtBot, page: RosterPage) -> None:
    dialog = _dialog(qtbot, page)
    dialog.save_button.click()
    assert dialog.field_message("name") == "不能为空"
    assert "不能为空" in dialog.field_message("id_number")
    assert "进入本支部的日期" in dialog.field_message("in_branch_from")
    assert dialog.result() != MemberDialog.DialogCode.Accepted


def test_warning_needs_confirmation(qtbot: QtBot, page: RosterPage, branch_session: Session) -> None:
    dialog = _dialog(qtbot, page)
    type_chinese(dialog.name, "冯敏")
    _type(qtbot, dialog, "id_number", person_id("19800101", "女"))
    _type(qtbot, dialog, "joined_on", "2010.03")
    _type(qtbot, dialog, "full_on", "2012.03")  # two years: allowed, but worth a look
    _type(qtbot, dialog, "in_branch_from", "2010.03.01")
    assert dialog.field_message("full_on").startswith("提醒：")

    answer = answer_modal(qtbot, click_button("返回修改"))
    dialog.save_button.click()
    assert "不是入党满1年" in answer.text
    assert roster.load_roster(branch_session.ws) == []

    answer = answer_modal(qtbot, click_button("仍然保存"))
    dialog.save_button.click()
    assert answer.seen and dialog.result() == MemberDialog.DialogCode.Accepted
    assert [m.name for m in roster.load_roster(branch_session.ws)] == ["冯敏"]


def test_probationary_member_has_no_full_date(
    qtbot: QtBot, page: RosterPage, branch_session: Session
) -> None:
    dialog = _dialog(qtbot, page)
    type_chinese(dialog.name, "韩雪")
    _type(qtbot, dialog, "id_number", person_id("20000101", "女"))
    dialog.status.setCurrentIndex(1)
    assert not dialog.full_on.isEnabled()
    _type(qtbot, dialog, "joined_on", "2026.01")
    _type(qtbot, dialog, "in_branch_from", "2026.01.15")
    dialog.save_button.click()
    (member,) = roster.load_roster(branch_session.ws)
    assert member.draft.status is Status.PROBATIONARY and member.draft.full_on is None


def test_edit_existing_member(qtbot: QtBot, page: RosterPage, branch_session: Session) -> None:
    from app.domain.members import MemberDraft

    uuid = roster.add_member(
        branch_session.ws,
        MemberDraft(
            name="钱进",
            id_number=person_id("19700101"),
            joined_on=PartialDate(1995, 1),
            full_on=PartialDate(1996, 1),
        ),
    )
    branch_session.notify_changed()
    page.table.selectRow(page.model.row_of(uuid) or 0)
    dialog = _dialog(qtbot, page, page.selected_member())
    assert dialog.windowTitle() == "编辑党员 — 钱进"
    assert dialog.gender.currentText() == "男" and dialog.birth_date.text() == "1970.01.01"
    _type(qtbot, dialog, "phone", "13800000000")
    dialog.save_button.click()
    assert dialog.result() == MemberDialog.DialogCode.Accepted
    assert roster.get_member(branch_session.ws, uuid).draft.phone == "13800000000"


def test_every_field_is_reachable_by_tab(qtbot: QtBot, page: RosterPage) -> None:
    dialog = _dialog(qtbot, page)
    chain, widget = [], dialog.name
    for _ in range(40):
        chain.append(widget)
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isEnabled():
            widget = widget.nextInFocusChain()
        if widget is dialog.name:
            break
    editors = [box.editor for box in dialog.boxes.values() if box.editor.isEnabled()]
    reachable = [e for e in editors if e in chain or getattr(e, "lineEdit", lambda: None)() in chain]
    assert reachable == editors
    assert chain.index(dialog.name) < chain.index(dialog.id_number) < chain.index(dialog.joined_on)


def test_enter_in_an_editable_combo_also_saves(qtbot: QtBot, page: RosterPage) -> None:
    dialog = _dialog(qtbot, page)
    qtbot.keyClick(dialog.team.lineEdit(), Qt.Key.Key_Return)
    assert dialog.field_message("name") == "不能为空"  # save ran and said what is missing


def test_escape_cancels_without_saving(qtbot: QtBot, page: RosterPage, branch_session: Session) -> None:
    dialog = _dialog(qtbot, page)
    type_chinese(dialog.name, "孙悦")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert dialog.result() == MemberDialog.DialogCode.Rejected
    assert roster.load_roster(branch_session.ws) == []
