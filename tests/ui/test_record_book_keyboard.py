"""The issue's acceptance test: a 支委会 with one absentee (倒班) entered by keyboard alone, then found in
the record book and gone from the 首页 due list. Run with -s to see the number of keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.entries import Absence, AbsenceReason, EntryType
from app.services import records
from app.ui.entry_dialog import EntryDialog
from app.ui.home_page import HomePage
from app.ui.main_window import MainWindow
from app.ui.record_book_page import RecordBookPage
from app.ui.record_model import COL
from app.ui.session import Session
from tests.fixtures.branch import Branch
from tests.ui.helpers import Keyboard, wait_active

MAX_KEYS = 15
Ctrl = Qt.KeyboardModifier.ControlModifier


def _committee_line(home: HomePage) -> str:
    (line,) = [t for t in home.month.texts() if "支部委员会" in t]
    return line


def test_committee_meeting_by_keyboard_alone(qtbot: QtBot, branch_session: Session, branch: Branch) -> None:
    window = MainWindow(branch_session)
    qtbot.addWidget(window)
    window.show()
    wait_active(qtbot, window)
    home = window.page("首页")
    assert isinstance(home, HomePage)
    qtbot.waitUntil(lambda: home.dashboard is not None, timeout=10_000)
    assert "待完成" in _committee_line(home)  # due before

    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_2, Ctrl)  # 转到 → 记录本
    page = window.current_page()
    assert isinstance(page, RecordBookPage)
    keys.press(Qt.Key.Key_N, Ctrl)  # 新建记录
    dialog = page.dialog
    assert isinstance(dialog, EntryDialog)
    wait_active(qtbot, dialog)
    assert QApplication.focusWidget() is dialog.type_combo
    keys.press(Qt.Key.Key_2)  # 2 = 支部委员会
    assert dialog.entry_type() is EntryType.BRANCH_COMMITTEE
    keys.press(Qt.Key.Key_Tab)  # → 日期 (today already)
    keys.press(Qt.Key.Key_Tab)  # → 出席 checklist: the committee, all ticked
    assert QApplication.focusWidget() is dialog.checklist.table
    assert len(dialog.checklist.members()) == 3
    keys.press(Qt.Key.Key_Down)  # the second committee member
    absent = dialog.checklist.current_member()
    assert absent is not None and absent.on_committee
    keys.press(Qt.Key.Key_Space)  # absent; the reason is 倒班 already
    assert dialog.counts.text() == "应到 3 人，实到 2 人，缺席 1 人"
    assert "会议有效" in dialog.quorum.text()
    keys.press(Qt.Key.Key_Return)  # 保存
    assert dialog.result() == EntryDialog.DialogCode.Accepted
    assert page.dialog is None

    print(f"\n键盘录入一次支委会（一人倒班缺席）共按键 {keys.count} 次：{' '.join(keys.log)}")
    assert keys.count <= MAX_KEYS

    # In the record book, selected, with its attendance worked out from the roster.
    (saved,) = records.load_records(branch_session.ws)
    assert saved.draft.type is EntryType.BRANCH_COMMITTEE
    assert saved.draft.absences == (Absence(absent.uuid, AbsenceReason.SHIFT),)
    assert saved.draft.host == "书记甲"  # the 书记, by default
    row = page.model.row_of(saved.uuid)
    assert row is not None and page.selected_view() is not None and page.selected_view().uuid == saved.uuid
    cells = page.model.cells_at(row)
    assert cells[COL["类型"]] == "支委会"
    assert cells[COL["应到/实到/缺席"]] == "3 / 2 / 1"
    assert cells[COL["会议有效"]] == "有效"
    assert cells[COL["补学"]] == "0/1"
    assert f"{absent.name}（倒班）" in page.detail.toPlainText()

    # Gone from what is due this month.
    window.show_section(0)
    qtbot.waitUntil(lambda: "已完成" in _committee_line(home), timeout=10_000)
    assert _committee_line(home).startswith("✓")
    assert [line for line in home.makeups.names() if absent.name in line]  # and a make-up is now open
