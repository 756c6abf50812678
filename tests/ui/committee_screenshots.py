"""Screenshots of the committee pages for a visual check (not a test; pytest does not collect it).

    python -m tests.ui.committee_screenshots OUTDIR

In a temp folder: four branches (demo workspaces renamed), their keys and real signed packages —
one on time, one late, one with a missing sequence number, one whose key is later revoked, one that
never reported — and a committee that has enrolled them and imported most packages. The window is
1366×728 (a maximised window on a 1366×768 screen).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.domain.branch import BranchClass
from app.domain.periods import Period
from app.services import (
    branch_profile,
    committee_keys,
    demo,
    package_export,
    package_import,
    signing_keys,
    workspaces,
)
from app.storage.workspace import Workspace
from app.ui.committee_branch_dialogs import RevokeDialog
from app.ui.committee_branches_page import CommitteeBranchesPage
from app.ui.committee_import_page import CommitteeImportPage
from app.ui.committee_summary_page import CommitteeSummaryPage
from app.ui.enroll_dialog import EnrollDialog
from app.ui.main_window import MainWindow
from app.ui.qt_app import create_application
from app.ui.session import Session
from app.ui.settings_page import SettingsPage
from tests.ui.screenshots import MAIN_WINDOW, save, settle

PASSPHRASE = "示例口令2026"
TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass
class Sender:
    ws: Workspace
    code: str
    card: Path


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, 30, tzinfo=TZ)


def _branch(folder: Path, code: str, name: str, org_class: BranchClass, members: int) -> Sender:
    ws = demo.create_demo_workspace(folder / f"{code}.branchbook", members=members, activity=True)
    profile = branch_profile.load_profile(ws)
    branch_profile.save_profile(
        ws,
        name=name,
        code=code,
        org_class=org_class,
        higher_committee=profile.higher_committee,
        is_village=False,
        term_start=profile.term_start,
        term_years_set=None,
    )
    signing_keys.create_key(ws, PASSPHRASE, today=dt.date(2026, 1, 5))
    card, _pdf = signing_keys.write_key_card(ws, folder / f"{code}.pub")
    return Sender(ws, code, card)


def _export(sender: Sender, period: str, when: dt.datetime, folder: Path) -> Path:
    target = folder / f"{sender.code}-{period}.bbpkg"
    package_export.export_package(sender.ws, Period.parse(period), target, PASSPHRASE, now=when)
    return target


def build(folder: Path) -> tuple[Workspace, Path, Path]:
    """The committee workspace, a folder standing for a USB stick with this month's packages, a card."""
    sent, stick = folder / "sent", folder / "U盘"
    sent.mkdir()
    stick.mkdir()
    a = _branch(folder, "DEMO-001", "一车间党支部", BranchClass.MAIN_PRODUCTION, 28)
    b = _branch(folder, "0302", "二车间党支部", BranchClass.AUXILIARY_PRODUCTION, 16)
    c = _branch(folder, "0303", "后勤服务中心党支部", BranchClass.LOGISTICS_SERVICES, 11)
    d = _branch(folder, "0401", "机关第一党支部", BranchClass.OFFICES, 9)
    earlier = [
        _export(a, "2026Q1", _at(4, 3), sent),
        _export(a, "2026Q2", _at(7, 6), sent),
        _export(a, "2026Q3", _at(10, 8), sent),
        _export(b, "2026Q1", _at(4, 8), sent),
        _export(b, "2026Q2", _at(7, 25), sent),  # late
    ]
    lost = _export(b, "2026Q3", _at(10, 9), folder)  # never reaches the committee: a gap
    del lost
    earlier.append(_export(b, "2026-10", _at(11, 6), sent))
    earlier.append(_export(c, "2026Q3", _at(10, 10), sent))
    new = [_export(a, "2026-10", _at(11, 16), stick)]  # late
    new.append(_export(c, "2026-10", _at(11, 9), stick))  # its key is revoked before it arrives
    shutil.copy(earlier[2], stick / earlier[2].name)  # already imported: no change
    broken = stick / "0302-2026-10（损坏）.bbpkg"
    data = earlier[5].read_bytes()
    broken.write_bytes(data[: len(data) * 2 // 3])
    for sender in (a, b, c, d):
        sender.ws.close()

    committee = workspaces.create_committee(
        folder / "示例公司党委.branchbook", name="示例公司党委", code="C01"
    )
    for sender in (a, b, c):  # names and classes come with their first package
        committee_keys.enroll(committee, sender.card.read_text(encoding="utf-8"), today=dt.date(2026, 1, 10))
    card_d = d.card.read_text(encoding="utf-8")
    committee_keys.enroll(
        committee, card_d, branch_name="机关第一党支部", org_class=4, today=dt.date(2026, 1, 10)
    )
    outcomes = package_import.import_packages(committee, earlier)
    assert all(o.status == "imported" for o in outcomes), [o.message for o in outcomes]
    key_c = next(k.key_id for k in committee_keys.enrolled_keys(committee) if k.branch_code == c.code)
    committee_keys.revoke(committee, key_c, "书记的U盘丢失，密钥可能泄露")
    committee_keys.create_receiving_key(committee, PASSPHRASE)
    extra = _branch(folder, "0501", "质检中心党支部", BranchClass.AUXILIARY_PRODUCTION, 10)
    extra.ws.close()
    return committee, stick, extra.card


def save_committee_screenshots(outdir: Path | str) -> list[Path]:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    qapp = create_application()
    folder = Path(tempfile.mkdtemp(prefix="bb-committee-shots-"))
    workspaces.data_dir = lambda: folder / "data"  # type: ignore[assignment]  # keep real folders clean
    committee, stick, card = build(folder)
    session = Session(committee)
    window = MainWindow(session)
    window.resize(*MAIN_WINDOW)
    window.show()
    paths: list[Path] = []

    def shot(widget: object, name: str) -> None:
        save(widget, out, name)  # type: ignore[arg-type]
        paths.append(out / f"{name}.png")

    def section(title: str) -> object:
        window.show_section(window.section_titles().index(title))
        return window.current_page()

    branches = section("支部")
    assert isinstance(branches, CommitteeBranchesPage)
    branches.select_branch("0302")
    shot(window, "committee-1-branches")

    text = card.read_text(encoding="utf-8")
    enroll = EnrollDialog(
        committee,
        text,
        committee_keys.read_key_card(text),
        committee_keys.enrolled_branches(committee),
        window,
    )
    enroll.show()
    shot(enroll, "committee-2-enroll-dialog")
    enroll.confirmed.setChecked(True)
    shot(enroll, "committee-2-enroll-dialog-confirmed")
    enroll.reject()

    branches.select_branch("DEMO-001")
    selected = branches.selected()
    assert selected is not None
    revoke = RevokeDialog(selected, window)
    revoke.show()
    revoke.reason.setText("U盘丢失")
    shot(revoke, "committee-3-revoke-dialog")
    revoke.reject()

    importer = section("导入")
    assert isinstance(importer, CommitteeImportPage)
    importer.check_paths([stick])
    settle(0.5)
    shot(window, "committee-4-import-checked")
    importer.import_now()
    settle(0.5)
    shot(window, "committee-5-import-done")

    summary = section("汇总")
    assert isinstance(summary, CommitteeSummaryPage)
    shot(window, "committee-6-summary-quarter")
    summary.chooser.select(Period.parse("2026-10"))
    shot(window, "committee-7-summary-month")
    summary.tabs.setCurrentIndex(1)
    shot(window, "committee-8-completeness")
    summary.tabs.setCurrentIndex(2)
    shot(window, "committee-9-findings")

    section("统计")
    shot(window, "committee-10-stats")

    settings = section("设置")
    assert isinstance(settings, SettingsPage) and settings.receiving_tab is not None
    settings.tabs.setCurrentWidget(settings.receiving_tab)
    shot(window, "committee-11-receiving-key")

    settle()
    window.close()
    session.close()
    del qapp
    return paths


if __name__ == "__main__":
    save_committee_screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots_committee"))
