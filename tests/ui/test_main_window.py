"""The main window on a real demo workspace: sections, 首页 data, title, shortcuts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.domain.members import Status
from app.services import roster, workspaces
from app.ui.home_page import HomePage
from app.ui.main_window import MainWindow
from app.ui.print_page import PrintPage
from app.ui.record_book_page import RecordBookPage
from app.ui.report_page import ReportPage
from app.ui.roster_page import RosterPage
from app.ui.session import Session
from app.ui.settings_page import SettingsPage


def _labels(widget: object) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))  # type: ignore[attr-defined]


def test_branch_sections_switch_pages(qtbot: QtBot, demo_window: MainWindow) -> None:
    assert demo_window.section_titles() == ["首页", "记录本", "党员", "党费", "打印", "上报", "设置"]
    assert demo_window.windowTitle() == "支部记录本 — 示例车间党支部"
    for index, title in enumerate(demo_window.section_titles()):
        demo_window.nav.setCurrentRow(index)
        page = demo_window.current_page()
        assert page.title == title
        assert page.isVisible()
    kinds = {title: type(demo_window.page(title)) for title in demo_window.section_titles()}
    assert kinds["首页"] is HomePage and kinds["党员"] is RosterPage and kinds["设置"] is SettingsPage
    assert kinds["打印"] is PrintPage
    assert kinds["上报"] is ReportPage
    assert isinstance(demo_window.page("记录本"), RecordBookPage)


def test_ctrl_digit_switches_sections(qtbot: QtBot, demo_window: MainWindow) -> None:
    qtbot.waitActive(demo_window)
    qtbot.keyClick(demo_window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert demo_window.current_page().title == "党员"
    qtbot.keyClick(demo_window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert demo_window.current_page().title == "设置"


def test_home_shows_real_data(qtbot: QtBot, demo_window: MainWindow, demo_session: Session) -> None:
    members = roster.load_roster(demo_session.ws)
    full = sum(m.standing.status is Status.FULL for m in members)
    home = demo_window.page("首页")
    assert isinstance(home, HomePage)
    assert home.name.text() == "示例车间党支部"
    assert home.code.text() == "DEMO-001"
    assert home.members.text() == f"共 {len(members)} 人（正式党员 {full}，预备党员 {len(members) - full}）"
    assert "2025年6月28日" in home.term.text() or "年6月28日" in home.term.text()
    assert "还有" in home.term.text() or "已届满" in home.term.text()
    qtbot.waitUntil(lambda: home.journal.text().startswith("完好"), timeout=5000)


def test_committee_workspace_has_committee_sections(qtbot: QtBot, tmp_path: Path) -> None:
    ws = workspaces.create_committee(tmp_path / "党委.branchbook", name="某某公司党委", code="01")
    session = Session(ws)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.section_titles() == ["支部", "导入", "汇总", "统计", "设置"]
        assert window.windowTitle() == "支部记录本 — 某某公司党委"
        for index in range(4):  # real pages now (tests/ui/test_committee_pages.py drives them)
            window.nav.setCurrentRow(index)
            assert window.current_page().title == window.section_titles()[index]
        window.nav.setCurrentRow(4)
        settings = window.current_page()
        assert isinstance(settings, SettingsPage)
        assert settings.tabs.tabText(0) == "党委信息"
        assert "某某公司党委" in _labels(settings)
    finally:
        window.close()
        session.close()
