"""Issue 12, item 1: `#`, `?`, `%`, spaces, 𠮷 and long Chinese folders in a workspace's path."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from app.domain.members import MemberDraft
from app.domain.partial_date import PartialDate
from app.services import workspaces
from app.services.roster import add_member, load_roster
from app.storage.backups import backup_if_changed, check_backup, list_backups, restore
from app.storage.workspace import integrity_problems
from tests.fixtures.people import make_id

NAMES = [
    ("C#", "1#车间党支部.branchbook"),
    ("a?b", "a?b 支部.branchbook"),
    ("百分%25号", "50%党支部.branchbook"),
    ("中国共产党某某集团有限公司第三分公司机关党委第一党总支" * 2, "𠮷 野 党支部.branchbook"),
]


@pytest.mark.parametrize(("folder", "name"), NAMES)
def test_create_back_up_check_and_restore_under_an_awkward_path(
    tmp_path: Path, folder: str, name: str
) -> None:
    path = tmp_path / folder / name
    path.parent.mkdir(parents=True)
    ws = workspaces.create_branch(path, name="三车间党支部", code="0301")
    try:
        add_member(
            ws,
            MemberDraft(
                "张三",
                id_number=make_id(dt.date(1970, 1, 1), "男", serial=31),
                joined_on=PartialDate(2000, 1, 1),
                full_on=PartialDate(2001, 1, 1),
            ),
        )
        backup = backup_if_changed(ws, now=dt.datetime(2026, 11, 1, 9, 0))
        assert backup is not None and backup.stat().st_size > 0
        with sqlite3.connect(backup) as conn:  # the backup holds the member, not an empty database
            assert conn.execute("SELECT name FROM member").fetchall() == [("张三",)]
        assert [b.path for b in list_backups(ws)] == [backup]
        check_backup(backup)
        assert integrity_problems(path) == []
        add_member(
            ws,
            MemberDraft(
                "李四",
                id_number=make_id(dt.date(1971, 1, 1), "男", serial=32),
                joined_on=PartialDate(2000, 1, 1),
                full_on=PartialDate(2001, 1, 1),
            ),
        )
        restore(ws, backup, now=dt.datetime(2026, 11, 1, 10, 0))
    finally:
        ws.close()
    again = workspaces.open_existing(path)
    try:
        assert [v.name for v in load_roster(again)] == ["张三"]
    finally:
        again.close()
    stray = {p.name for p in tmp_path.rglob("*")} - {folder, name, f"{name}.d"}
    assert not any(s in ("1", "a", "50") for s in stray), stray  # no file named from a cut-off URI
    assert sorted(p.name for p in path.parent.iterdir() if p.is_file()) == [name]


def test_init_and_verify_from_the_command_line_with_percent_and_hash(tmp_path: Path) -> None:
    from tests.cli.test_cli import run

    path = tmp_path / "C#" / "50%党支部#1.branchbook"
    path.parent.mkdir()
    done = run("init", "--kind", "branch", "--name", "测试", "--code", "T1", workspace=path)
    assert done.returncode == 0, done.stderr
    assert path.is_file() and run("journal", "verify", workspace=path).returncode == 0
    assert sorted(p.name for p in path.parent.iterdir() if p.is_file()) == [path.name]
