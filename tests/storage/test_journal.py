import datetime as dt
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from app.domain.members import MemberDraft, Status
from app.domain.partial_date import PartialDate
from app.services.roster import add_member, delete_member, update_member
from app.storage.journal import GENESIS, canonical_json, entry_hash, verify
from app.storage.workspace import Workspace, open_workspace
from tests.fixtures.people import make_id


def sql(path: Path, statement: str) -> None:
    """Edit the file behind the application's back, the way a tamperer would: with the sqlite3 tool."""
    if shutil.which("sqlite3"):
        subprocess.run(["sqlite3", str(path), statement], check=True)
    else:  # pragma: no cover - the test command installs sqlite3
        with sqlite3.connect(path) as conn:
            conn.execute(statement)


def add_two(ws: Workspace) -> tuple[str, str]:
    a = add_member(
        ws,
        MemberDraft(
            name="张𠮷",
            id_number=make_id(dt.date(1980, 1, 2), "男"),
            joined_on=PartialDate(2005, 7, 1),
            full_on=PartialDate(2006, 7, 1),
        ),
    )
    b = add_member(
        ws,
        MemberDraft(
            name="李堃",
            id_number=make_id(dt.date(1990, 3, 4), "女"),
            joined_on=PartialDate(2025, 9, 1),
            status=Status.PROBATIONARY,
        ),
    )
    return a, b


def reopen_and_verify(ws: Workspace):  # type: ignore[no-untyped-def]
    path = ws.path
    ws.close()
    again = open_workspace(path)
    try:
        with again.read() as conn:
            return verify(conn)
    finally:
        again.close()


def test_every_change_is_journaled_with_before_and_after(branch_ws: Workspace) -> None:
    a, _ = add_two(branch_ws)
    update_member(
        branch_ws,
        a,
        MemberDraft(
            name="张𠮷",
            id_number=make_id(dt.date(1980, 1, 2), "男"),
            phone="13800000000",
            joined_on=PartialDate(2005, 7, 1),
            full_on=PartialDate(2006, 7, 1),
        ),
    )
    with branch_ws.read() as conn:
        rows = conn.exec_driver_sql("SELECT op, entity, uuid, payload FROM journal ORDER BY seq").all()
        result = verify(conn)
    update = [r for r in rows if r.op == "update" and r.uuid == a]
    assert len(update) == 1
    payload = json.loads(update[0].payload)
    assert payload["before"]["phone"] == "" and payload["after"]["phone"] == "13800000000"
    assert payload["after"]["name"] == "张𠮷"
    assert result.ok and result.entries == len(rows)


def test_unchanged_update_writes_no_entry(branch_ws: Workspace) -> None:
    a, _ = add_two(branch_ws)
    with branch_ws.read() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM journal").scalar()
    same = MemberDraft(
        name="张𠮷",
        id_number=make_id(dt.date(1980, 1, 2), "男"),
        joined_on=PartialDate(2005, 7, 1),
        full_on=PartialDate(2006, 7, 1),
    )
    assert update_member(branch_ws, a, same) is False
    with branch_ws.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM journal").scalar() == before


def test_chain_hash_is_sha256_of_prev_plus_canonical_row(branch_ws: Workspace) -> None:
    with branch_ws.read() as conn:
        seq, at, actor, entity, uuid, op, payload, prev, digest = conn.exec_driver_sql(
            "SELECT seq, at, actor, entity, uuid, op, payload, prev_hash, hash FROM journal WHERE seq = 1"
        ).one()
    body = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "entity": entity,
        "uuid": uuid,
        "op": op,
        "payload": json.loads(payload),
    }
    assert prev == GENESIS
    assert digest == entry_hash(prev, body)
    assert canonical_json({"b": 1, "a": "𠮷"}) == '{"a":"𠮷","b":1}'


def test_a_field_edited_with_sqlite3_is_found_and_named(branch_ws: Workspace) -> None:
    a, _ = add_two(branch_ws)
    sql(branch_ws.path, f"UPDATE member SET name = '王五' WHERE uuid = '{a}'")
    result = reopen_and_verify(branch_ws)
    assert not result.ok
    [fault] = result.faults
    assert fault.uuid == a and fault.entity == "member"
    assert "name" in fault.message and "王五" in fault.message and "张𠮷" in fault.message


def test_a_journal_entry_edited_breaks_the_chain_at_that_entry(branch_ws: Workspace) -> None:
    add_two(branch_ws)
    sql(branch_ws.path, "UPDATE journal SET actor = '别人' WHERE seq = 3")
    result = reopen_and_verify(branch_ws)
    assert [f.seq for f in result.faults] == [3]
    assert "已被改动" in result.faults[0].message


def test_a_journal_entry_deleted_is_found(branch_ws: Workspace) -> None:
    add_two(branch_ws)
    sql(branch_ws.path, "DELETE FROM journal WHERE seq = 2")
    result = reopen_and_verify(branch_ws)
    assert not result.ok
    assert result.faults[0].seq == 3


def test_recomputed_chain_still_does_not_hide_a_data_edit(branch_ws: Workspace) -> None:
    """A tamperer who edits a row and the journal's last state together must re-hash the whole chain;
    one who only edits the data row is caught by the state comparison."""
    _, b = add_two(branch_ws)
    sql(branch_ws.path, f"UPDATE member SET id_number = NULL WHERE uuid = '{b}'")
    result = reopen_and_verify(branch_ws)
    assert any(f.uuid == b and "id_number" in f.message for f in result.faults)


def test_rows_inserted_or_deleted_behind_the_back_are_found(branch_ws: Workspace) -> None:
    _, b = add_two(branch_ws)
    sql(
        branch_ws.path,
        "INSERT INTO member (uuid, name, gender, ethnicity, education, native_place, job, phone,"
        " team, is_mobile, mobile_to, note) VALUES ('ghost', '幽灵', '', '', '', '', '', '', '', 0, '', '')",
    )
    sql(branch_ws.path, f"DELETE FROM membership_event WHERE member_uuid = '{b}'")
    result = reopen_and_verify(branch_ws)
    messages = {(f.uuid, f.message) for f in result.faults}
    assert ("ghost", "记录不在日志中（绕过软件写入）") in messages
    assert sum("已被删除" in m for _, m in messages) == 1


def test_deletion_through_the_app_is_journaled_and_verifies(branch_ws: Workspace) -> None:
    a, _ = add_two(branch_ws)
    delete_member(branch_ws, a)
    with branch_ws.read() as conn:
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM journal WHERE op='delete' AND uuid=?", (a,)).scalar()
            == 1
        )
        assert verify(conn).ok


def test_failed_write_leaves_neither_record_nor_journal(branch_ws: Workspace) -> None:
    with branch_ws.read() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM journal").scalar()
    with pytest.raises(RuntimeError), branch_ws.write() as writer:
        writer.insert("party_group", [{"uuid": "g1", "name": "第一党小组", "note": ""}])
        raise RuntimeError("power cut")
    with branch_ws.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM journal").scalar() == before
        assert conn.exec_driver_sql("SELECT count(*) FROM party_group").scalar() == 0
