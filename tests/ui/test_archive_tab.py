"""年度归档 tab: the year's check and its violations to confirm, the signed archive, reopen, verify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog
from pytestqt.qtbot import QtBot

from app.services import archive, demo, signing_keys
from app.services.records import locked_periods
from app.ui import workers
from app.ui.archive_tab import ArchiveTab
from app.ui.passphrase_dialog import PassphraseDialog
from app.ui.print_page import PrintPage
from app.ui.session import Session
from tests.ui.helpers import accept_box, answer_modal

PASSPHRASE = "党支部口令2026"
LAST_YEAR = dt.date.today().year - 1


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    ws = demo.create_demo_workspace(tmp_path / "示例支部.branchbook", activity=True)
    signing_keys.create_key(ws, PASSPHRASE)
    session = Session(ws)
    yield session
    workers.wait_for_all(10_000)
    session.close()


@pytest.fixture
def tab(qtbot: QtBot, session: Session) -> Iterator[ArchiveTab]:
    page = PrintPage(session)
    qtbot.addWidget(page)
    page.resize(1200, 720)
    page.show()
    page.tabs.setCurrentWidget(page.archive_tab)
    qtbot.waitExposed(page)
    yield page.archive_tab


def _enter_passphrase(dialog: object) -> None:
    assert isinstance(dialog, PassphraseDialog)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.submit()


def test_violations_must_be_confirmed_then_the_archive_is_written_and_the_year_locked(
    qtbot: QtBot, tab: ArchiveTab, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tab.chosen_year() == LAST_YEAR
    preview = archive.archive_preview(session.ws, LAST_YEAR)
    assert preview.violations  # the demo record book starts this year: last year's meetings are missing
    assert tab.violations.count() == len(preview.violations)
    assert f"违规 {len(preview.violations)} 项" in tab.summary.text()
    assert not tab.archive_button.isEnabled() and not tab.reopen_button.isEnabled()
    tab.confirm.setChecked(True)
    assert tab.archive_button.isEnabled()

    usb = tmp_path / "U盘"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    answer_modal(qtbot, _enter_passphrase, kind=PassphraseDialog)
    done = answer_modal(qtbot, accept_box)
    tab.archive_button.click()

    result = tab.last_result
    assert result is not None and result.folder.parent == usb and result.zip_path.exists()
    assert "归档完成" in done.titles
    assert archive.verify_archive(result.folder, ws=session.ws).ok
    assert any(p.code() == str(LAST_YEAR) and state == "archived" for p, state in locked_periods_of(session))
    assert "（已归档）" in tab.year.currentText()
    assert tab.reopen_button.isEnabled() and not tab.archive_button.isEnabled()
    assert tab.table.rowCount() == 1 and tab.table.item(0, 0).text() == "归档"


def locked_periods_of(session: Session) -> list:
    with session.ws.read() as conn:
        return locked_periods(conn)


def test_reopen_needs_a_reason_and_is_recorded(
    qtbot: QtBot, tab: ArchiveTab, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive.create_archive(session.ws, LAST_YEAR, tmp_path, PASSPHRASE, confirm_violations=True)
    session.notify_changed()
    tab.reload()
    assert tab.reopen_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("   ", True))
    assert not tab.ask_reopen()
    assert "原因" in tab.result.text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("补录遗漏的支委会记录", True))
    assert tab.ask_reopen()
    assert not any(p.code() == str(LAST_YEAR) for p, _ in locked_periods_of(session))
    history = archive.archive_history(session.ws)
    assert [h.kind for h in history] == ["archived", "reopened"]
    assert history[-1].reason == "补录遗漏的支委会记录"
    assert tab.table.rowCount() == 2 and "补录遗漏的支委会记录" in tab.table.item(0, 4).text()


def test_verify_names_a_changed_file(
    qtbot: QtBot, tab: ArchiveTab, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = archive.create_archive(session.ws, LAST_YEAR, tmp_path, PASSPHRASE, confirm_violations=True)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(result.folder))
    good = answer_modal(qtbot, accept_box)
    report = tab.choose_and_verify()
    assert report is not None and report.ok and "归档完好" in good.titles
    assert report.fingerprint and report.fingerprint in good.text

    pdf = next(result.folder.glob("党员花名册*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"\n%tampered")
    bad = answer_modal(qtbot, accept_box)
    report = tab.choose_and_verify()
    assert report is not None and not report.ok
    assert pdf.name in bad.text and "有问题" in tab.result.text()
