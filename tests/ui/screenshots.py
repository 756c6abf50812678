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

import datetime as dt

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget, QWizard

from app.domain.entries import Absence, AbsenceReason, EntryDraft, EntryType, Resolution
from app.domain.id_number import check_digit
from app.domain.members import Post
from app.domain.periods import Period
from app.io.excel.roster_sheet import write_roster_sheet
from app.services import branch_profile, demo, records, workspaces
from app.storage.workspace import Workspace
from app.ui import workers
from app.ui.import_wizard import RosterImportWizard
from app.ui.main_window import MainWindow
from app.ui.member_dialog import MemberDialog
from app.ui.qt_app import create_application
from app.ui.record_book_page import RecordBookPage
from app.ui.roster_page import RosterPage
from app.ui.session import Session
from app.ui.workspace_wizard import WorkspaceWizard

SCREEN = (1366, 768)
MAIN_WINDOW = (1366, 728)  # the taskbar takes the rest
ENTRY_DIALOG = (1260, 696)  # as the dialog sizes itself on a 1366×768 screen


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


def sample_records(ws: Workspace, today: dt.date) -> str:
    """A record book since September: Q3 submitted, one entry corrected, absentees to make up, and the
    months before September overdue. Returns the corrected entry's uuid."""
    source = records.roster_source(ws)
    profile = branch_profile.load_profile(ws)
    roster = source.on(today)
    by_post = {seat.post: seat.name for seat in profile.committee}
    secretary, organiser = by_post.get(Post.SECRETARY, ""), by_post.get(Post.ORGANISATION, "")
    committee = [m for m in roster if m.on_committee]
    ordinary = [m for m in roster if not m.on_committee and m.votes]
    groups = sorted(source.group_names.items(), key=lambda kv: kv[1])
    year = today.year

    def day(month: int, d: int) -> dt.date:
        return min(dt.date(year, month, d), today)

    place = "车间三楼会议室"
    drafts = [
        EntryDraft(
            EntryType.BRANCH_COMMITTEE,
            day(9, 8),
            dt.time(19, 0),
            dt.time(20, 30),
            place,
            secretary,
            organiser,
            absences=(Absence(committee[3].uuid, AbsenceReason.SHIFT),),
            topics=("研究第三季度发展党员工作", "讨论党员大会议程"),
            minutes="一、通报情况：……\n二、研究事项及各委员意见：……",
        ),
        EntryDraft(
            EntryType.PARTY_CONGRESS,
            day(9, 26),
            dt.time(18, 30),
            dt.time(20, 0),
            place,
            secretary,
            organiser,
            absences=(
                Absence(ordinary[0].uuid, AbsenceReason.SHIFT, written_opinion=True),
                Absence(ordinary[1].uuid, AbsenceReason.TRIP),
                Absence(ordinary[2].uuid, AbsenceReason.SICK),
            ),
            topics=("学习上级文件精神", "表决年度先进评选办法"),
            resolutions=(Resolution("通过本支部年度先进评选办法", yes=20, no=1, abstain=1, written_yes=1),),
        ),
        EntryDraft(
            EntryType.THEME_DAY,
            day(9, 27),
            place="红色教育基地",
            host=secretary,
            recorder=organiser,
            topics=("重温入党誓词",),
        ),
        EntryDraft(
            EntryType.BRANCH_COMMITTEE,
            day(10, 10),
            place=place,
            host=secretary,
            recorder=organiser,
            topics=("研究第四季度工作",),
        ),
        *(
            EntryDraft(
                EntryType.GROUP_MEETING,
                day(10, 12 + i),
                place=place,
                host=secretary,
                recorder=organiser,
                group_uuid=uuid,
                topics=(f"{name}学习交流",),
            )
            for i, (uuid, name) in enumerate(groups)
        ),
        EntryDraft(
            EntryType.BRANCH_COMMITTEE,
            day(11, 5),
            place=place,
            host=secretary,
            recorder=organiser,
            topics=("研究组织生活会准备工作",),
        ),
        EntryDraft(
            EntryType.THEME_DAY,
            day(11, 15),
            place=place,
            host=secretary,
            recorder=organiser,
            topics=("志愿服务",),
            absences=(
                Absence(ordinary[3].uuid, AbsenceReason.SHIFT),
                Absence(ordinary[4].uuid, AbsenceReason.PERSONAL),
            ),
        ),
    ]
    uuids = [records.add_entry(ws, d) for d in drafts]
    records.lock_period(ws, Period.quarter(year, 3))  # 第三季度 submitted
    first = records.get_record(ws, uuids[0])
    corrected = EntryDraft(
        **{**first.draft.__dict__, "absences": (Absence(committee[3].uuid, AbsenceReason.TRIP),)}
    )
    records.correct_entry(ws, uuids[0], corrected, "缺席原因记错：应为出差，不是倒班")
    return uuids[0]


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
    settings = window.current_page()
    for tab in (1, 2, 3):  # 地方规定, 备份与恢复, 数据校验
        settings.tabs.setCurrentIndex(tab)  # type: ignore[attr-defined]
        if settings.tabs.currentWidget() is settings.journal_tab:  # type: ignore[attr-defined]
            settings.journal_tab.check()  # type: ignore[attr-defined]
        save(window, out, f"6-settings-tab{tab + 1}")
    today = dt.date.today()
    corrected = sample_records(session.ws, today)
    session.notify_changed()
    window.show_section(window.section_titles().index("记录本"))
    book = window.current_page()
    assert isinstance(book, RecordBookPage)
    book.select(corrected)
    save(window, out, "7-record-book")

    dialog = book.new_entry()
    dialog.resize(*ENTRY_DIALOG)
    dialog.type_combo.setCurrentIndex(1)  # 支部委员会
    members = dialog.checklist.members()
    dialog.checklist.set_present(members[2].uuid, False)
    dialog.checklist.table.setCurrentCell(2, 0)
    dialog.topics.setPlainText("研究组织生活会准备工作\n讨论预备党员转正事宜")
    dialog.start.setText("19:00")
    dialog.end.setText("20:30")
    row = dialog.resolutions.add()
    row.text.setText("同意将组织生活会安排在12月中旬召开")
    row.votes["yes"].setValue(len(members) - 1)
    save(dialog, out, "8-entry-dialog")
    dialog.tabs.setCurrentIndex(1)
    save(dialog, out, "8-entry-dialog-resolutions")
    dialog.done(0)

    window.show_section(window.section_titles().index("首页"))
    save(window, out, "9-home-dashboard")
    window.show_section(window.section_titles().index("党费"))
    save(window, out, "10-placeholder")
    assert isinstance(importer, QWizard)
    window.close()
    session.close()
    del qapp


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots"))
