"""Screenshots of the 上报 page and the 签名密钥 tab for a visual check (not a test; pytest does not collect it).

    python -m tests.ui.report_screenshots OUTDIR

A demo workspace with meetings and dues, in a temp folder, gets a signing key (then a handover, so
the predecessor shows), the committee's encryption recipient and one exported package. The window is
1366×728 (a maximised window on a 1366×768 screen).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.domain.periods import Period, PeriodKind, last_finished
from app.io.package.age_crypt import generate_identity, recipient_of
from app.services import demo, package_export, signing_keys, workspaces
from app.ui.handover_dialog import HandoverDialog
from app.ui.main_window import MainWindow
from app.ui.qt_app import create_application
from app.ui.report_page import ReportPage
from app.ui.session import Session
from app.ui.settings_page import SettingsPage
from tests.ui.screenshots import MAIN_WINDOW, save, settle

PASSPHRASE = "示例口令2026"


def save_report_screenshots(outdir: Path | str) -> list[Path]:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    qapp = create_application()
    folder = Path(tempfile.mkdtemp(prefix="bb-report-shots-"))
    workspaces.data_dir = lambda: folder / "data"  # type: ignore[assignment]  # keep real folders clean
    today = dt.date.today()
    ws = demo.create_demo_workspace(folder / "示例支部.branchbook", activity=True)
    session = Session(ws)
    window = MainWindow(session)
    window.resize(*MAIN_WINDOW)
    window.show()
    paths: list[Path] = []

    def shot(widget: object, name: str) -> None:
        save(widget, out, name)  # type: ignore[arg-type]
        paths.append(out / f"{name}.png")

    # Before there is a key: the 上报 page refuses, the tab explains.
    window.show_section(window.section_titles().index("上报"))
    shot(window, "report-0-no-key")
    settings = window.page("设置")
    assert isinstance(settings, SettingsPage) and settings.key_tab is not None
    window.show_section(window.section_titles().index("设置"))
    settings.tabs.setCurrentWidget(settings.key_tab)
    shot(window, "report-1-key-tab-empty")

    create = settings.key_tab.create_dialog()
    create.show()
    create.passphrase.setText("short")
    create.again.setText("short")
    create.submit()
    shot(create, "report-2-create-dialog")
    create.reject()

    signing_keys.create_key(ws, "旧口令示例12345", today=today - dt.timedelta(days=400))
    signing_keys.handover(ws, "旧口令示例12345", PASSPHRASE, "换届，新任书记王伟")
    package_export.set_package_recipient(ws, recipient_of(generate_identity()))
    quarter = last_finished(PeriodKind.QUARTER, today)
    usb = folder / "U盘"
    package_export.export_package(
        ws, quarter, usb / package_export.default_file_name(ws, quarter), PASSPHRASE
    )
    session.notify_changed()
    settings.key_tab.reload()
    shot(window, "report-3-key-tab")

    handover = HandoverDialog(ws, window)
    handover.show()
    handover.old.setText("x")
    handover.new.setText("12345678")
    handover.again.setText("1234567")
    handover.submit()
    shot(handover, "report-4-handover-dialog")
    handover.reject()

    window.show_section(window.section_titles().index("上报"))
    page = window.current_page()
    assert isinstance(page, ReportPage)
    shot(window, "report-5-page")
    page.select_period(Period.containing(today, PeriodKind.YEAR))
    shot(window, "report-6-page-unfinished-year")
    page.select_period(last_finished(PeriodKind.MONTH, today))

    export = page.export_dialog(page.chosen_period(), usb / page.suggested_path(page.chosen_period()).name)
    export.show()
    export.passphrase.setText("wrong")
    export.refuse("签名密钥口令不正确", export.passphrase)
    shot(export, "report-7-passphrase-dialog")
    export.error.hide()
    export._set_busy(True)  # as while the export runs
    export.progress_said.emit("正在签名……")
    shot(export, "report-8-exporting")
    export._set_busy(False)
    export.reject()

    settle()
    window.close()
    session.close()
    del qapp
    return paths


if __name__ == "__main__":
    save_report_screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots_report"))
