"""上报: preview, export of a finished period (signed, optionally encrypted), refusals, history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.domain.periods import Period, PeriodKind, last_finished
from app.io.package.age_crypt import decrypt, generate_identity, is_encrypted, recipient_of
from app.io.package.package_file import verify_with_public_key
from app.services import demo, package_export, signing_keys
from app.services.records import locked_periods
from app.ui import workers
from app.ui.main_window import MainWindow
from app.ui.passphrase_dialog import PassphraseDialog
from app.ui.report_page import ReportPage
from app.ui.session import Session
from app.ui.settings_page import SettingsPage
from tests.ui.helpers import accept_box, answer_modal, type_chinese

PASSPHRASE = "党支部口令2026"


def _session(tmp_path: Path, with_key: bool) -> Iterator[Session]:
    ws = demo.create_demo_workspace(tmp_path / "示例支部.branchbook", activity=True)
    if with_key:
        signing_keys.create_key(ws, PASSPHRASE)
    session = Session(ws)
    yield session
    workers.wait_for_all(10_000)
    session.close()


@pytest.fixture
def keyed_session(tmp_path: Path) -> Iterator[Session]:
    """A demo branch with meetings and dues, and a signing key behind PASSPHRASE."""
    yield from _session(tmp_path, with_key=True)


@pytest.fixture
def keyless_session(tmp_path: Path) -> Iterator[Session]:
    yield from _session(tmp_path, with_key=False)


@pytest.fixture
def page(qtbot: QtBot, keyed_session: Session) -> ReportPage:
    report = ReportPage(keyed_session)
    qtbot.addWidget(report)
    report.resize(1200, 700)
    report.show()
    qtbot.waitExposed(report)
    return report


def passphrase(qtbot: QtBot, text: str) -> Callable[[QWidget], None]:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, PassphraseDialog) and not dialog.new
        type_chinese(dialog.passphrase, text)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    return act


def refused(qtbot: QtBot, text: str, seen: list[str]) -> Callable[[QWidget], None]:
    """Type `text`, press Enter, wait for the refusal shown in the dialog, note it, then Esc."""

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, PassphraseDialog)
        type_chinese(dialog.passphrase, text)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.error.isVisible() and not dialog.busy, timeout=10_000)
        seen.append(dialog.error.text())
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Escape)

    return act


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path | None, starts: list[str]) -> None:
    def fake(
        parent: QWidget, caption: str, start: str = "", filters: str = "", *args: object
    ) -> tuple[str, str]:
        starts.append(start)
        return (str(path), filters.split(";;")[0]) if path else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))


def locked(session: Session) -> list[tuple[Period, str]]:
    with session.ws.read() as conn:
        return locked_periods(conn)


def key_card(session: Session, folder: Path) -> str:
    pub, _pdf = signing_keys.write_key_card(session.ws, folder / "公钥卡.pub")
    return pub.read_text(encoding="utf-8")


def test_export_a_finished_month(
    qtbot: QtBot, page: ReportPage, keyed_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.date.today()
    month = last_finished(PeriodKind.MONTH, today)
    assert page.chosen_kind() is PeriodKind.MONTH and page.chosen_period() == month  # the default
    assert page.period.currentText() == month.label()
    expected = package_export.counts_of(package_export.package_data(keyed_session.ws, month, None, today))
    for key in ("members", "entries", "corrections", "findings"):
        assert page.count_labels[key].text() == str(expected[key])
    assert expected["members"] == 28
    assert f"{month.label()}将锁定为“已上报”" in page.lock_warning.text()
    assert not page.encrypt.isEnabled() and not page.encrypt.isChecked()  # no recipient set
    assert page.export_button.isEnabled() and not page.no_key.isVisible()
    assert page.no_history.isVisible() and not page.table.isVisible()

    usb = tmp_path / "U盘"
    starts: list[str] = []
    save_as(monkeypatch, usb / "十月上报", starts)
    answer_modal(qtbot, passphrase(qtbot, PASSPHRASE), kind=PassphraseDialog)
    done = answer_modal(qtbot, accept_box)
    page.export_button.click()

    assert Path(starts[0]).name == f"DEMO-001-{month.code()}-第1号.bbpkg"
    target = usb / "十月上报.bbpkg"
    data = target.read_bytes()
    unpacked = verify_with_public_key(data, key_card(keyed_session, tmp_path))
    assert unpacked.manifest.periods == [month.code()] and unpacked.manifest.sequence == 1
    assert (month, "submitted") in locked(keyed_session)

    exported = page.last_export
    assert exported is not None and exported.path == target
    assert done.titles == ["上报包已生成"]
    for part in ("第 1 号", str(target), exported.sha256[:16], "未加密"):
        assert part in done.text
    assert page.table.isVisible() and page.table.rowCount() == 1
    row = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert (
        row[0] == "第 1 号" and row[1] == month.label() and row[3] == "十月上报.bbpkg" and row[4] == "未加密"
    )
    assert page.period.currentText() == f"{month.label()}（已上报）"
    assert "已经上报过：第 1 号" in page.period_state.text()

    # The folder is remembered for the next package, whose default name carries the next number.
    previous = Period.containing(month.start - dt.timedelta(days=1), PeriodKind.MONTH)
    page.select_period(previous)
    save_as(monkeypatch, None, starts)  # the secretary cancels the file dialog
    assert page.choose_and_export() is None
    assert Path(starts[1]) == usb / f"DEMO-001-{previous.code()}-第2号.bbpkg"


def test_wrong_passphrase_writes_nothing(
    qtbot: QtBot, page: ReportPage, keyed_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    month = page.chosen_period()
    seen: list[str] = []
    save_as(monkeypatch, tmp_path / "out" / "x.bbpkg", [])
    answer_modal(qtbot, refused(qtbot, "不是这个口令", seen), kind=PassphraseDialog)
    page.export_button.click()
    assert seen == ["签名密钥口令不正确"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert package_export.history(keyed_session.ws) == []
    assert locked(keyed_session) == []
    assert page.table.rowCount() == 0 and page.period.currentText() == month.label()


def test_export_encrypted_to_the_committee(
    qtbot: QtBot, page: ReportPage, keyed_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    identity = generate_identity()
    package_export.set_package_recipient(keyed_session.ws, recipient_of(identity))
    keyed_session.notify_changed()
    assert page.encrypt.isEnabled() and page.encrypt.isChecked()  # offered, and on by default
    page.select_period(last_finished(PeriodKind.QUARTER, dt.date.today()))
    quarter = page.chosen_period()
    assert quarter.kind is PeriodKind.QUARTER

    target = tmp_path / "加密.bbpkg"
    save_as(monkeypatch, target, [])
    answer_modal(qtbot, passphrase(qtbot, PASSPHRASE), kind=PassphraseDialog)
    done = answer_modal(qtbot, accept_box)
    page.export_button.click()

    data = target.read_bytes()
    assert is_encrypted(data)
    unpacked = verify_with_public_key(decrypt(data, identity), key_card(keyed_session, tmp_path))
    assert unpacked.manifest.periods == [quarter.code()]
    assert "已加密" in done.text
    assert page.table.item(0, 4).text() == "已加密"
    assert (quarter, "submitted") in locked(keyed_session)

    page.encrypt.setChecked(False)  # the secretary's choice stays after the page reloads
    keyed_session.notify_changed()
    assert page.encrypt.isEnabled() and not page.encrypt.isChecked()


def test_unfinished_period_is_refused(
    qtbot: QtBot, page: ReportPage, keyed_session: Session, tmp_path: Path
) -> None:
    today = dt.date.today()
    this_year = Period.containing(today, PeriodKind.YEAR)
    page.select_period(this_year)
    assert page.period.currentText() == f"{this_year.label()}（未结束）"
    assert not page.export_button.isEnabled()
    assert "尚未结束" in page.period_state.text() and page.period_state.property("role") == "error"
    assert not page.lock_warning.isVisible()

    # Should the export be started anyway, the service's refusal is shown as it is.
    seen: list[str] = []
    answer_modal(qtbot, refused(qtbot, PASSPHRASE, seen), kind=PassphraseDialog)
    assert page.export_to(this_year, tmp_path / "早了.bbpkg") is None
    assert len(seen) == 1 and "尚未结束" in seen[0] and this_year.label() in seen[0]
    assert not (tmp_path / "早了.bbpkg").exists()
    assert locked(keyed_session) == []


def test_without_a_key_the_page_points_to_the_settings(qtbot: QtBot, keyless_session: Session) -> None:
    window = MainWindow(keyless_session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_section(window.section_titles().index("上报"))
    page = window.current_page()
    assert isinstance(page, ReportPage)
    assert page.no_key.isVisible()
    assert not page.export_button.isEnabled()
    assert "签名密钥" in page.export_button.toolTip()
    assert page.count_labels["members"].text() == "28"  # the preview works without a key

    page.go_to_key_button.click()
    settings = window.current_page()
    assert isinstance(settings, SettingsPage) and settings.title == "设置"
    assert settings.key_tab is not None and settings.tabs.currentWidget() is settings.key_tab
    assert settings.key_tab.no_key_box.isVisible()
