"""The tamper-evident journal, and the only way branch data is written.

Every insert, update and delete of a journaled table goes through `JournaledWriter`, which
appends a journal row in the same transaction:

    hash = SHA-256(prev_hash + canonical JSON of {seq, at, actor, entity, uuid, op, payload})

`payload` is {"after": row} for a create, {"before": row, "after": row} for an update and
{"before": row} for a delete, where a row is the raw stored form of the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, text, update

from app.domain.canonical import canonical_json
from app.storage.models import JOURNALED, JournalEntry

GENESIS = "0" * 64
journal_table = JournalEntry.__table__


def entry_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def _store(column: Any, value: Any) -> Any:
    process = getattr(column.type, "process_bind_param", None)
    return process(value, None) if process and value is not None else value


def stored_form(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """Python values → exactly what SQLite will hold for every column of the table."""
    row: dict[str, Any] = {}
    for column in table.columns:
        value = values.get(column.name)
        if value is None and column.default is not None and column.name not in values:
            value = column.default.arg  # type: ignore[union-attr]
        row[column.name] = _store(column, value)
    return row


def now_text() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class JournaledWriter:
    """Writes branch records and their journal entries in the caller's transaction."""

    def __init__(self, conn: Connection, actor: str, at: str | None = None) -> None:
        self.conn = conn
        self.actor = actor
        self.at = at or now_text()
        head = conn.execute(
            select(journal_table.c.seq, journal_table.c.hash).order_by(journal_table.c.seq.desc()).limit(1)
        ).first()
        self._seq, self._hash = (head.seq, head.hash) if head else (0, GENESIS)
        self._pending: list[dict[str, Any]] = []

    def _log(self, entity: str, uuid: str, op: str, payload: dict[str, Any]) -> None:
        self._seq += 1
        body = {
            "seq": self._seq,
            "at": self.at,
            "actor": self.actor,
            "entity": entity,
            "uuid": uuid,
            "op": op,
            "payload": payload,
        }
        digest = entry_hash(self._hash, body)
        self._pending.append(
            {**body, "payload": canonical_json(payload), "prev_hash": self._hash, "hash": digest}
        )
        self._hash = digest

    def insert(self, entity: str, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        table = JOURNALED[entity]
        stored = [stored_form(table, r) for r in rows]
        if stored:
            self.conn.execute(insert(table), [self._python(table, r) for r in stored])
            for row in stored:
                self._log(entity, row["uuid"], "create", {"after": row})
        return stored

    def update(self, entity: str, uuid: str, changes: Mapping[str, Any]) -> dict[str, Any] | None:
        """Apply changes; returns the new row, or None when nothing changed (no entry written)."""
        table = JOURNALED[entity]
        before = self.current(entity, uuid)
        if before is None:
            raise KeyError(f"{entity} {uuid} does not exist")
        after = dict(before)
        for name, value in changes.items():
            after[name] = _store(table.c[name], value)
        if after == before:
            return None
        self.conn.execute(
            update(table)
            .where(table.c.uuid == uuid)
            .values({k: v for k, v in self._python(table, after).items() if k != "uuid"})
        )
        self._log(entity, uuid, "update", {"before": before, "after": after})
        return after

    def delete(self, entity: str, uuid: str) -> None:
        table = JOURNALED[entity]
        before = self.current(entity, uuid)
        if before is None:
            raise KeyError(f"{entity} {uuid} does not exist")
        self.conn.execute(delete(table).where(table.c.uuid == uuid))
        self._log(entity, uuid, "delete", {"before": before})

    def current(self, entity: str, uuid: str) -> dict[str, Any] | None:
        table = JOURNALED[entity]
        names = [c.name for c in table.columns]
        row = self.conn.exec_driver_sql(
            f"SELECT {', '.join(names)} FROM {table.name} WHERE uuid = ?", (uuid,)
        ).first()
        return dict(zip(names, row, strict=True)) if row else None

    @staticmethod
    def _python(table: Table, stored: Mapping[str, Any]) -> dict[str, Any]:
        # Core would re-apply the type decorators; hand it Python values back.
        out = {}
        for column in table.columns:
            value = stored[column.name]
            process = getattr(column.type, "process_result_value", None)
            out[column.name] = process(value, None) if process and value is not None else value
        return out

    def flush(self) -> None:
        if self._pending:
            self.conn.execute(insert(journal_table), self._pending)
            self._pending.clear()

    @property
    def head(self) -> str:
        return self._hash


@dataclass(frozen=True)
class JournalFault:
    seq: int | None
    entity: str
    uuid: str
    message: str  # Chinese, for the user

    def __str__(self) -> str:
        where = f"日志第 {self.seq} 条" if self.seq is not None else "当前数据"
        return f"{where}（{self.entity} {self.uuid}）：{self.message}"


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    records: int
    head: str
    faults: list[JournalFault]

    @property
    def ok(self) -> bool:
        return not self.faults


def verify(conn: Connection) -> VerifyResult:
    """Recompute the chain, then compare every current record with its last journaled state."""
    faults: list[JournalFault] = []
    last_state: dict[tuple[str, str], dict[str, Any] | None] = {}
    prev = GENESIS
    expected_seq = 0
    count = 0
    rows = conn.exec_driver_sql(
        "SELECT seq, at, actor, entity, uuid, op, payload, prev_hash, hash FROM journal ORDER BY seq"
    )
    for seq, at, actor, entity, uuid, op, payload_text, prev_hash, digest in rows:
        count += 1
        expected_seq += 1
        if seq != expected_seq:
            faults.append(
                JournalFault(seq, entity, uuid, f"序号不连续（应为 {expected_seq}），有条目被删除或插入")
            )
            expected_seq = seq
        try:
            payload = json.loads(payload_text)
        except (TypeError, ValueError):
            faults.append(JournalFault(seq, entity, uuid, "日志内容不是有效的 JSON，已被改动"))
            break
        body = {
            "seq": seq,
            "at": at,
            "actor": actor,
            "entity": entity,
            "uuid": uuid,
            "op": op,
            "payload": payload,
        }
        if prev_hash != prev:
            faults.append(JournalFault(seq, entity, uuid, "与前一条的哈希不衔接，日志链已断开"))
            break
        if entry_hash(prev, body) != digest:
            faults.append(JournalFault(seq, entity, uuid, "哈希与内容不符，此条日志已被改动"))
            break
        prev = digest
        last_state[(entity, uuid)] = payload.get("after") if op != "delete" else None

    if faults:
        # Past a break in the chain the journal proves nothing, so comparing data would only add noise.
        return VerifyResult(count, 0, prev, faults)
    records = 0
    for entity, table in JOURNALED.items():
        names = [c.name for c in table.columns]
        seen: set[str] = set()
        for raw in conn.exec_driver_sql(f"SELECT {', '.join(names)} FROM {table.name}"):
            records += 1
            row = dict(zip(names, raw, strict=True))
            seen.add(row["uuid"])
            key = (entity, row["uuid"])
            if key not in last_state or last_state[key] is None:
                faults.append(JournalFault(None, entity, row["uuid"], "记录不在日志中（绕过软件写入）"))
                continue
            logged = last_state[key]
            assert logged is not None
            changed = sorted(n for n in names if logged.get(n) != row[n])
            if changed:
                detail = "；".join(f"{n}: 日志为 {logged.get(n)!r}，现为 {row[n]!r}" for n in changed)
                faults.append(JournalFault(None, entity, row["uuid"], f"记录与日志不符（{detail}）"))
        for (logged_entity, uuid), state in last_state.items():
            if logged_entity == entity and state is not None and uuid not in seen:
                faults.append(JournalFault(None, entity, uuid, "日志中存在的记录已被删除（绕过软件删除）"))
    return VerifyResult(count, records, prev, faults)


def head_hash(conn: Connection) -> str:
    row = conn.execute(text("SELECT hash FROM journal ORDER BY seq DESC LIMIT 1")).first()
    return row[0] if row else GENESIS


def head_row(conn: Connection) -> tuple[str, str] | None:
    """(hash, at) of the newest journal entry, or None for an empty journal."""
    row = conn.execute(text("SELECT hash, at FROM journal ORDER BY seq DESC LIMIT 1")).first()
    return (row[0], row[1]) if row else None


def latest_hashes(conn: Connection, entities: tuple[str, ...]) -> dict[str, str]:
    """uuid → hash of the newest journal entry about that record, for records of the given entities."""
    marks = ", ".join(f"'{e}'" for e in entities if e.isidentifier())
    rows = conn.execute(
        text(
            f"SELECT uuid, hash FROM journal WHERE seq IN "
            f"(SELECT MAX(seq) FROM journal WHERE entity IN ({marks}) GROUP BY uuid)"
        )
    )
    return {uuid: digest for uuid, digest in rows}
