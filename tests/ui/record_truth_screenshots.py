"""Screenshots of the screens issue 11 changed (not a test; pytest does not collect it).

    python -m tests.ui.record_truth_screenshots OUTDIR [WIDTH HEIGHT]

Dialogs are shown at the size they take on that screen (capped to it), pages inside the main window.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QWidget

from app.domain.entries import EntryDraft, EntryType
from app.domain.members import MemberDraft
from app.domain.partial_date import PartialDate
from app.services import branch_profile, demo, records, roster, workspaces
from app.ui.dues_dialogs import OpeningDialog
from app.ui.import_wizard import RosterImportWizard
from app.ui.main_window import MainWindow
from app.ui.member_dialog import MemberDialog
from app.ui.membership_event_dialog import MembershipEventDialog
from app.ui.qt_app import create_application
from app.ui.record_book_page import RecordBookPage
from app.ui.session import Session
from app.ui.workspace_wizard import WorkspaceWizard
from tests.fixtures.people import make_id
from tests.ui.screenshots import sample_sheet, save, settle


def fit(widget: QWidget, width: int, height: int) -> None:
    hint = widget.sizeHint()
    widget.resize(
        min(max(widget.width(), hint.width()), width), min(max(widget.height(), hint.height()), height)
    )


def main(out: Path, width: int, height: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    folder = Path(tempfile.mkdtemp(prefix="bb-truth-"))
    workspaces.data_dir = lambda: folder / "data"  # type: ignore[assignment]
    tag = f"{width}x{height}"

    wizard = WorkspaceWizard()
    wizard.show()
    wizard.next()
    fit(wizard, width, height)
    save(wizard, out, f"{tag}-1-wizard-started-on")
    wizard.close()

    ws = demo.create_demo_workspace(folder / "示例支部.branchbook", activity=True)
    branch_profile.change_profile(ws, started_on=dt.date(dt.date.today().year, 9, 1))
    session = Session(ws)
    window = MainWindow(session)
    window.resize(width, height - 40)
    window.show()
    save(window, out, f"{tag}-2-home")

    window.show_section(window.section_titles().index("党员"))
    page = window.current_page()
    dialog = MemberDialog(session, None, *page._groups_and_teams(), window)  # type: ignore[attr-defined]
    dialog.show()
    fit(dialog, width, height)
    dialog.save_button.click()
    save(dialog, out, f"{tag}-3-member-dialog")
    dialog.reject()

    member = roster.load_roster(ws)[0]
    event = MembershipEventDialog(session, member, parent=window)
    event.show()
    event.kind.setCurrentIndex(event.kind.findText("恢复党籍"))
    event.ok_button.click()
    fit(event, width, height)
    save(event, out, f"{tag}-4-event-refused")
    event.reject()

    sheet = folder / "名册.xlsx"
    sample_sheet(sheet)
    importer = RosterImportWizard(session, window)
    importer.show()
    fit(importer, width, height)
    importer.file_page.path.setText(str(sheet))
    save(importer, out, f"{tag}-5-import-file-page")
    importer.reject()

    uuid = records.add_entry(ws, EntryDraft(EntryType.THEME_DAY, dt.date.today() - dt.timedelta(days=3)))
    roster.add_member(
        ws,
        MemberDraft(
            "后来者",
            id_number=make_id(dt.date(1966, 6, 6), "男", serial=77),
            joined_on=PartialDate(1990, 1, 1),
            in_branch_from=dt.date(2000, 1, 1),
        ),
    )
    session.notify_changed()
    window.show_section(window.section_titles().index("记录本"))
    book = window.current_page()
    assert isinstance(book, RecordBookPage)
    settle()
    book.select(uuid)
    save(window, out, f"{tag}-6-record-notice")

    window.show_section(window.section_titles().index("党费"))
    save(window, out, f"{tag}-7-dues")
    opening = OpeningDialog(session, window.current_page().member_entries(), None, window)  # type: ignore[attr-defined]
    opening.show()
    save(opening, out, f"{tag}-8-opening")
    opening.reject()

    window.show_section(window.section_titles().index("上报"))
    save(window, out, f"{tag}-9-report")
    window.show_section(window.section_titles().index("设置"))
    save(window, out, f"{tag}-10-settings-profile")
    window.close()


if __name__ == "__main__":
    size = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (1366, 768)
    main(Path(sys.argv[1]), *size)
