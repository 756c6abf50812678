import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from app.domain.members import MemberDraft
from app.services.roster import add_member, load_roster
from app.storage.backups import RestoreRefused, backup_if_changed, list_backups, restore
from app.storage.workspace import Workspace, open_workspace
from tests.fixtures.people import make_id

NOW = dt.datetime(2026, 11, 21, 9, 0, 0)


def member(name: str, year: int) -> MemberDraft:
    return MemberDraft(name=name, id_number=make_id(dt.date(year, 1, 2), "男"))


def test_backup_only_when_something_changed(branch_ws: Workspace) -> None:
    first = backup_if_changed(branch_ws, NOW)
    assert first is not None and first.exists()
    assert backup_if_changed(branch_ws, NOW + dt.timedelta(minutes=5)) is None  # nothing changed
    add_member(branch_ws, member("张三", 1980))
    second = backup_if_changed(branch_ws, NOW + dt.timedelta(minutes=10))
    assert second is not None
    assert [b.path for b in list_backups(branch_ws)] == [second, first]


def test_old_backups_are_thinned_out(branch_ws: Workspace) -> None:
    for day in range(40):
        add_member(branch_ws, member(f"党员{day}", 1950 + day))
        backup_if_changed(branch_ws, NOW - dt.timedelta(days=40 - day))
    kept = list_backups(branch_ws)
    assert 10 <= len(kept) < 40
    assert kept[0].taken == NOW - dt.timedelta(days=1)


def test_restore_brings_back_the_backed_up_state_and_keeps_a_safety_copy(branch_ws: Workspace) -> None:
    add_member(branch_ws, member("张三", 1980))
    backup = backup_if_changed(branch_ws, NOW)
    assert backup is not None
    add_member(branch_ws, member("李四", 1981))
    assert len(load_roster(branch_ws)) == 2
    safety = restore(branch_ws, backup, NOW + dt.timedelta(hours=1))
    path = branch_ws.path
    branch_ws.close()
    ws = open_workspace(path)
    try:
        assert [m.name for m in load_roster(ws)] == ["张三"]
    finally:
        ws.close()
    with sqlite3.connect(safety) as conn:
        assert conn.execute("SELECT count(*) FROM member").fetchone() == (2,)


def test_a_corrupt_backup_is_refused_and_the_workspace_untouched(
    branch_ws: Workspace, tmp_path: Path
) -> None:
    add_member(branch_ws, member("张三", 1980))
    backup = backup_if_changed(branch_ws, NOW)
    assert backup is not None
    data = bytearray(backup.read_bytes())
    for offset in range(4096 + 50, 3 * 4096):
        data[offset] = 0x5A
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(bytes(data))
    with pytest.raises(RestoreRefused, match="已损坏"):
        restore(branch_ws, bad)
    assert [m.name for m in load_roster(branch_ws)] == ["张三"]


def test_a_backup_with_a_broken_journal_is_refused(branch_ws: Workspace) -> None:
    add_member(branch_ws, member("张三", 1980))
    backup = backup_if_changed(branch_ws, NOW)
    assert backup is not None
    with sqlite3.connect(backup) as conn:
        conn.execute("UPDATE member SET name = '李四'")
    with pytest.raises(RestoreRefused, match="校验未通过"):
        restore(branch_ws, backup)


def test_a_foreign_sqlite_file_is_refused(branch_ws: Workspace, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(RestoreRefused, match="不是支部记录本"):
        restore(branch_ws, other)
