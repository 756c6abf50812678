"""Save screenshots of the main screens for a visual check (not a test; pytest does not collect it).

    python -m tests.ui.screenshots OUTDIR

Builds real windows offscreen on a fresh demo workspace in a temp folder, at 1366×768.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget, QWizard

from app.domain.id_number import check_digit
from app.io.excel.roster_sheet import write_roster_sheet
from app.services import demo, workspaces
from app.ui import workers
from app.ui.import_wizard import RosterImportWizard
from app.ui.main_window import MainWindow
from app.ui.member_dialog import MemberDialog
from app.ui.qt_app import create_application
from app.ui.roster_page import RosterPage
from app.ui.session import Session
from app.ui.workspace_wizard import WorkspaceWizard

SCREEN = (1366, 768)
MAIN_WINDOW = (1366, 728)  # the taskbar takes the rest


def settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    workers.wait_for_all()
    QCoreApplication.processEvents()


def save(widget: QWidget, out: Path, name: str) -> None:
    settle()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def sample_sheet(path: Path) -> None:
    def person_id(birth: str, serial: str) -> str:
        first17 = f"110105{birth}{serial}"
        return first17 + check_digit(first17)

    rows = [
        {
            "name": "周𠮷",
            "gender": "男",
            "id_number": person_id("19800101", "123"),
            "joined_on": "2005.07",
            "full_on": "2006.07",
            "status": "正式党员",
            "category": "在职",
            "group": "第一党小组",
            "team": "甲班",
        },
        {
            "name": "吴丽",
            "gender": "女",
            "id_number": person_id("19900315", "224")[:-1] + "0",
            "joined_on": "2015.06",
            "status": "正式党员",
            "category": "在职",
            "group": "第二党小组",
        },
        {
            "name": "郑强",
            "gender": "男",
            "id_number": person_id("19850620", "331"),
            "joined_on": "2012.01",
            "full_on": "2013.01",
            "status": "正式党员",
            "category": "在职",
            "group": "第四党小组",
        },
    ]
    write_roster_sheet(path, rows, unit="示例车间党支部")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    qapp = create_application()
    folder = Path(tempfile.mkdtemp(prefix="bb-shots-"))
    workspaces.data_dir = lambda: folder / "data"  # type: ignore[assignment]  # keep real folders clean

    wizard = WorkspaceWizard()
    wizard.resize(640, 460)
    wizard.show()
    wizard.next()
    wizard.branch_page.name.setText("第三车间党支部")
    wizard.branch_page.code.setText("0301")
    wizard.branch_page.committee.setText("某某公司党委")
    save(wizard, out, "1-wizard")
    wizard.close()

    session = Session(demo.create_demo_workspace(folder / "示例支部.branchbook"))
    window = MainWindow(session)
    window.resize(*MAIN_WINDOW)
    window.show()
    save(window, out, "2-home")

    window.show_section(window.section_titles().index("党员"))
    save(window, out, "3-roster")
    roster = window.current_page()
    assert isinstance(roster, RosterPage)

    groups, teams = roster._groups_and_teams()
    dialog = MemberDialog(session, None, groups, teams, window)
    dialog.show()
    dialog.name.setText("周𠮷")
    dialog.id_number.setText("11010519800101123X")
    dialog.id_number.editingFinished.emit()
    dialog.joined_on.setText("2005年7月")
    dialog.joined_on.editingFinished.emit()
    dialog.full_on.setText("2006.13")
    dialog.full_on.editingFinished.emit()
    save(dialog, out, "4-member-dialog")
    dialog.reject()

    sheet = folder / "名册.xlsx"
    sample_sheet(sheet)
    importer = RosterImportWizard(session, window)
    importer.show()
    importer.file_page.path.setText(str(sheet))
    importer.next()
    settle(1.0)
    importer.preview_page.skip_invalid.setChecked(False)
    save(importer, out, "5-import-preview")
    importer.reject()

    window.show_section(window.section_titles().index("设置"))
    save(window, out, "6-settings")
    window.current_page().backups_tab.backup_now()  # type: ignore[attr-defined]
    for tab in (1, 2):
        window.current_page().tabs.setCurrentIndex(tab)  # type: ignore[attr-defined]
        if tab == 2:
            window.current_page().journal_tab.check()  # type: ignore[attr-defined]
        save(window, out, f"6-settings-tab{tab + 1}")
    for section in ("记录本",):
        window.show_section(window.section_titles().index(section))
        save(window, out, "7-placeholder")
    assert isinstance(importer, QWizard)
    window.close()
    session.close()
    del qapp


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots"))
