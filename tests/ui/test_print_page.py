"""打印: choose a form and a period or meeting, generate the PDF in the background, open it; Excel exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.domain.entries import EntryType
from app.domain.periods import Period, PeriodKind
from app.services import demo, records
from app.services.printing import PrintRequest
from app.ui import workers
from app.ui.print_page import PrintPage
from app.ui.print_tab import NEW_MEETING, PrintTab
from app.ui.session import Session
from tests.fixtures.pdf import pdf_text


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    ws = demo.create_demo_workspace(tmp_path / "示例支部.branchbook", members=60, activity=True)
    session = Session(ws)
    yield session
    workers.wait_for_all(10_000)
    session.close()


@pytest.fixture
def page(qtbot: QtBot, session: Session) -> PrintPage:
    page = PrintPage(session)
    qtbot.addWidget(page)
    page.resize(1200, 720)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def tab(page: PrintPage, monkeypatch: pytest.MonkeyPatch) -> PrintTab:
    opened: list[Path] = []
    monkeypatch.setattr(PrintTab, "open_file", lambda self, path: opened.append(path) or True)
    page.print_tab.opened = opened  # type: ignore[attr-defined]
    return page.print_tab


def test_generates_the_chosen_form_in_the_background_and_opens_it(
    qtbot: QtBot, tab: PrintTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab.select_form("roster")
    assert tab.period.isVisible() and not tab.meeting.isVisible()
    target = tmp_path / "花名册"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF 文件 (*.pdf)"))
    with qtbot.waitSignal(tab.printed, timeout=20_000) as printed:
        tab.print_button.click()
        assert tab.bar.isVisible() and tab.cancel_button.isVisible()
        assert not tab.print_button.isEnabled()
    written = printed.args[0]
    assert written == tmp_path / "花名册.pdf" and written.exists()
    assert "党员花名册" in pdf_text(written)
    assert tab.opened == [written]  # type: ignore[attr-defined]
    assert "已生成" in tab.result.text() and "共" in tab.result.text()
    assert tab.print_button.isEnabled() and not tab.bar.isVisible()


def test_cancel_stops_without_writing_a_file(qtbot: QtBot, tab: PrintTab, tmp_path: Path) -> None:
    tab.select_form("roster")
    target = tmp_path / "cancelled.pdf"
    task = tab.start_print(PrintRequest("roster", Period.year(dt.date.today().year)), target)
    tab.cancel()
    with qtbot.waitSignal(task.finished, timeout=20_000):
        pass
    assert not target.exists() and not list(tmp_path.glob("*.part"))
    assert "已取消" in tab.result.text()
    assert tab.opened == []  # type: ignore[attr-defined]


def test_a_refusal_is_shown_on_the_page(qtbot: QtBot, tab: PrintTab, tmp_path: Path) -> None:
    task = tab.start_print(PrintRequest("roster"), tmp_path / "no-such-folder" / "x.pdf")
    with qtbot.waitSignal(task.finished, timeout=20_000):
        pass
    assert "无法写入" in tab.result.text()


def test_year_only_forms_fix_the_period_kind(tab: PrintTab) -> None:
    tab.select_form("dues")
    assert tab.kind.currentData() == PeriodKind.YEAR and not tab.kind.isEnabled()
    tab.select_form("recordbook")
    assert tab.kind.isEnabled()


def test_meeting_forms_offer_the_period_entries_or_a_new_meeting(tab: PrintTab, session: Session) -> None:
    views = records.load_records(session.ws)
    latest = max(views, key=lambda v: v.draft.date)
    tab.select_form("minutes")
    tab.select_period(Period.containing(latest.draft.date, PeriodKind.YEAR))
    offered = [tab.meeting.itemData(i) for i in range(tab.meeting.count())]
    in_year = [v.uuid for v in views if v.draft.date.year == latest.draft.date.year]
    assert offered[0] == "__all__" and offered[1:] == in_year
    tab.meeting.setCurrentIndex(offered.index(latest.uuid))
    assert tab._request_or_none() == PrintRequest("minutes", entry_uuid=latest.uuid)

    tab.select_form("signin")
    assert tab.meeting.itemData(0) == NEW_MEETING
    tab.meeting.setCurrentIndex(0)
    assert tab.meeting_type.isVisible() and tab.meeting_date.isVisible() and not tab.group.isVisible()
    tab.meeting_type.setCurrentIndex(tab.meeting_type.findData(EntryType.GROUP_MEETING.value))
    assert tab.group.isVisible() and tab.group.count() > 0
    request = tab._request_or_none()
    assert request is not None and request.meeting is not None
    assert (
        request.meeting.type is EntryType.GROUP_MEETING and request.meeting.group == tab.group.currentText()
    )


def test_roster_exports_to_excel(tab: PrintTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "名册.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.excel_buttons["roster"].click()
    sheet = openpyxl.load_workbook(target).active
    names = [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]
    assert len([n for n in names if isinstance(n, str)]) >= 60
    assert "已导出党员名册" in tab.result.text()
