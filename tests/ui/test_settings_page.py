"""设置: the branch profile with its term, party groups, backups and restore, the data check."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.domain.members import MemberDraft
from app.domain.partial_date import PartialDate
from app.services import branch_profile, roster
from app.storage.backups import list_backups
from app.ui.form_fields import to_qdate
from app.ui.main_window import MainWindow
from app.ui.session import Session
from app.ui.settings_page import SettingsPage
from tests.ui.helpers import accept_box, answer_modal, click_button, person_id, type_chinese


@pytest.fixture
def settings(qtbot: QtBot, branch_session: Session) -> SettingsPage:
    page = SettingsPage(branch_session)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_edit_name_and_term_then_reload(
    qtbot: QtBot, settings: SettingsPage, branch_session: Session
) -> None:
    tab = settings.profile_tab
    assert tab.name.text() == "三车间党支部"
    assert tab.term_unknown.isChecked() and tab.term_end.text() == "—"
    tab.name.clear()
    type_chinese(tab.name, "第三车间党支部")
    tab.term_unknown.setChecked(False)
    tab.term_start.setDate(to_qdate(dt.date(2024, 6, 1)))
    assert tab.term_years.itemText(0) == "按规定（3年）"
    assert "第二十一条" in tab.term_rule.text()
    assert tab.term_end.text().startswith("2027年6月1日（")  # previewed before saving
    assert tab.save()
    assert tab.saved.text() == "已保存。"

    profile = branch_profile.load_profile(branch_session.ws)
    assert profile.name == "第三车间党支部" and profile.term_start == dt.date(2024, 6, 1)
    assert profile.term_end() == dt.date(2027, 6, 1)

    again = SettingsPage(branch_session)
    qtbot.addWidget(again)
    again.show()
    assert again.profile_tab.name.text() == "第三车间党支部"
    assert again.profile_tab.term_start.date().toPython() == dt.date(2024, 6, 1)
    days = (dt.date(2027, 6, 1) - dt.date.today()).days
    phrase = f"还有 {days} 天" if days > 0 else f"已届满 {-days} 天"
    assert phrase in again.profile_tab.term_end.text()


def test_expired_term_is_red_and_override_years(settings: SettingsPage, branch_session: Session) -> None:
    tab = settings.profile_tab
    tab.term_unknown.setChecked(False)
    tab.term_start.setDate(to_qdate(dt.date(2018, 3, 1)))
    assert "已届满" in tab.term_end.text()
    assert tab.term_end.property("role") == "error"
    tab.term_years.setCurrentIndex(tab.term_years.findData(5))
    assert tab.term_end.text().startswith("2023年3月1日")
    assert tab.save()
    assert branch_profile.load_profile(branch_session.ws).term_years_set == 5


def test_empty_name_is_refused(settings: SettingsPage, branch_session: Session) -> None:
    tab = settings.profile_tab
    tab.name.clear()
    assert not tab.save()
    assert tab.saved.text() == "支部名称不能为空"
    assert branch_profile.load_profile(branch_session.ws).name == "三车间党支部"


def test_title_follows_the_saved_name(qtbot: QtBot, branch_session: Session) -> None:
    window = MainWindow(branch_session)
    qtbot.addWidget(window)
    window.show()
    window.show_section(6)
    tab = window.page("设置").profile_tab  # type: ignore[attr-defined]
    tab.name.setText("新名字党支部")
    tab.save()
    assert window.windowTitle() == "支部记录本 — 新名字党支部"


def test_groups_add_rename_delete(qtbot: QtBot, settings: SettingsPage, branch_session: Session) -> None:
    tab = settings.profile_tab

    def typed(name: str):  # type: ignore[no-untyped-def]
        def act(dialog: QWidget) -> None:
            assert isinstance(dialog, QInputDialog)
            dialog.setTextValue(name)
            dialog.accept()

        return act

    answer_modal(qtbot, typed("第一党小组"), kind=QInputDialog)
    tab.add_group_button.click()
    assert [g.name for g in branch_profile.load_profile(branch_session.ws).groups] == ["第一党小组"]
    assert tab.groups.item(0, 0).text() == "第一党小组" and tab.groups.item(0, 2).text() == "0"

    tab.groups.selectRow(0)
    answer_modal(qtbot, typed("一组"), kind=QInputDialog)
    tab.rename_group_button.click()
    assert [g.name for g in branch_profile.load_profile(branch_session.ws).groups] == ["一组"]

    roster.add_member(
        branch_session.ws,
        MemberDraft(name="钱进", id_number=person_id("19700101"), group="一组", joined_on=PartialDate(1995)),
    )
    branch_session.notify_changed()
    tab.groups.selectRow(0)

    def confirm_then_acknowledge(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        if any(b.text() == "删除" for b in box.buttons()):
            click_button("删除")(box)  # 确定删除党小组…？
        else:
            accept_box(box)  # …the refusal that follows

    boxes = answer_modal(qtbot, confirm_then_acknowledge, times=2)
    tab.delete_group_button.click()
    assert boxes.titles == ["删除党小组", "无法完成"]
    assert "还有 1 名党员" in boxes.seen[1]
    assert [g.name for g in branch_profile.load_profile(branch_session.ws).groups] == ["一组"]


def test_backup_now_and_restore(qtbot: QtBot, settings: SettingsPage, branch_session: Session) -> None:
    tab = settings.backups_tab
    before = len(list_backups(branch_session.ws))
    tab.backup_now()
    assert tab.table.rowCount() == len(list_backups(branch_session.ws)) >= 1
    assert tab.message.text()  # made one, or said nothing changed since the last
    backup = list_backups(branch_session.ws)[0]

    roster.add_member(branch_session.ws, MemberDraft(name="钱进", id_number=person_id("19700101")))
    tab.backup_now()
    assert len(list_backups(branch_session.ws)) == max(before, 1) + 1
    assert tab.message.text().startswith("已备份")

    replaced: list[bool] = []
    branch_session.workspace_replaced.connect(lambda: replaced.append(True))
    answer_modal(qtbot, accept_box, times=1)
    assert tab.restore_from(backup.path, "测试", ask=False)
    assert replaced == [True]  # reopened: every page is rebuilt on the restored data
    assert roster.load_roster(branch_session.ws) == []


def test_restore_refuses_a_bad_backup(
    qtbot: QtBot, settings: SettingsPage, branch_session: Session, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "坏的备份.sqlite"
    bad.write_bytes(b"not a database at all")
    answer = answer_modal(qtbot, accept_box)
    assert not settings.backups_tab.restore_from(bad, bad.name, ask=False)
    assert "不能用于恢复" in answer.text or "不是" in answer.text
    assert branch_profile.load_profile(branch_session.ws).name == "三车间党支部"


def test_journal_check(qtbot: QtBot, settings: SettingsPage) -> None:
    settings.tabs.setCurrentWidget(settings.journal_tab)
    task = settings.journal_tab.check()
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    qtbot.waitUntil(lambda: settings.journal_tab.result.text().startswith("变更日志完好"), timeout=5000)


def test_restore_in_the_main_window_rebuilds_pages(
    qtbot: QtBot, demo_window: MainWindow, demo_session: Session
) -> None:
    demo_window.show_section(demo_window.section_titles().index("设置"))
    settings = demo_window.current_page()
    assert isinstance(settings, SettingsPage)
    settings.backups_tab.backup_now()
    backup = list_backups(demo_session.ws)[0]
    first = roster.load_roster(demo_session.ws)[0]
    roster.delete_member(demo_session.ws, first.uuid)
    demo_session.notify_changed()
    answer_modal(qtbot, accept_box)
    assert settings.backups_tab.restore_from(backup.path, "测试", ask=False)
    assert demo_window.current_page() is not settings  # rebuilt on the reopened workspace…
    assert demo_window.current_page().title == "设置"  # …on the same section
    assert first.uuid in {m.uuid for m in roster.load_roster(demo_session.ws)}
    demo_window.show_section(demo_window.section_titles().index("党员"))
    assert demo_window.current_page().model.row_of(first.uuid) is not None  # type: ignore[attr-defined]


def test_local_rule_for_party_lectures_is_chosen_by_the_branch(
    qtbot: QtBot, settings: SettingsPage, branch_session: Session
) -> None:
    from app.services import records
    from app.ui.home_page import HomePage

    assert settings.tabs.tabText(1) == "地方规定"
    tab = settings.rules_tab
    assert tab is not None
    box = tab.boxes["frequency.party_lecture"]
    assert box.text() == "党课每季度至少 1 次（地方规定）" and not box.isChecked()
    home = HomePage(branch_session)
    qtbot.addWidget(home)
    home.show()
    qtbot.waitUntil(lambda: home.dashboard is not None, timeout=10_000)
    assert not any("党课" in line for line in home.quarter.texts())

    box.click()
    assert records.enabled_options(branch_session.ws) == ["frequency.party_lecture"]
    assert tab.saved.text().startswith("已保存")
    qtbot.waitUntil(lambda: any("党课" in line for line in home.quarter.texts()), timeout=10_000)

    again = SettingsPage(branch_session)
    qtbot.addWidget(again)
    again.show()
    assert again.rules_tab is not None and again.rules_tab.boxes["frequency.party_lecture"].isChecked()
    again.rules_tab.boxes["frequency.party_lecture"].click()
    assert records.enabled_options(branch_session.ws) == []
