"""Import branch packages into a committee workspace.

Per package, in the order DESIGN.md §5 fixes, all before anything is written: size → safe unzip →
exact file set → signature against the pinned, unrevoked key of the branch the manifest names →
hashes → versions → sequence (replay, conflict, chain, gap) → diff against what the committee holds
(new / updated / unchanged / conflicting). Accepted packages are written in one transaction per
chunk with a savepoint per package, so a package is either wholly in or wholly out. A dry run takes
the same path and rolls back. The package file itself is kept in the workspace folder as evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import uuid as uuid_mod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from app.domain.canonical import canonical_json
from app.domain.periods import Period, PeriodError
from app.io.package.age_crypt import AgeError, decrypt, is_encrypted
from app.io.package.container import LIMITS, PackageRejected, read_zip, write_zip
from app.io.package.minisign import key_id_text, parse_public_key
from app.io.package.package_file import Unpacked, check_hashes, check_signature, check_versions, unpack
from app.services.committee_keys import require_committee, unlock_receiving
from app.services.committee_reports import gaps_of
from app.services.errors import UserError
from app.storage.journal import JournaledWriter, now_text
from app.storage.workspace import Workspace

CHUNK = 256  # packages per transaction: bounded memory, few commits
PACKAGE_SUFFIXES = (".bbpkg", ".age")

STATUS_LABELS = {
    "imported": "已导入",
    "unchanged": "无变化",
    "rejected": "已拒收",
    "would_import": "可导入",
}


@dataclass
class Diff:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicting: int = 0
    conflicts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "conflicting": self.conflicting,
        }


@dataclass
class Outcome:
    file: str
    status: str  # imported / unchanged / rejected / would_import (dry run)
    reason: str = ""  # a stable code when rejected
    message: str = ""
    branch: str | None = None
    branch_name: str | None = None
    seq: int | None = None
    periods: tuple[str, ...] = ()
    diff: Diff = field(default_factory=Diff)
    gaps: tuple[int, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "branch": self.branch,
            "seq": self.seq,
            "status": self.status,
            "reason": self.reason or None,
            "message": self.message,
            "periods": list(self.periods),
            "records": self.diff.as_dict(),
            "conflicts": self.diff.conflicts,
            "gaps": list(self.gaps),
        }


class _Reject(Exception):
    def __init__(
        self,
        reason: str,
        message: str,
        branch: str | None = None,
        seq: int | None = None,
        diff: Diff | None = None,
    ) -> None:
        super().__init__(message)
        self.reason, self.branch, self.seq, self.diff = reason, branch, seq, diff


def package_files(paths: Iterable[Path]) -> list[Path]:
    """The package files named, and those in the folders named (a whole USB stick), in name order."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(PACKAGE_SUFFIXES)
                )
            )
        else:
            found.append(path)
    return found


# ---- parsed data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    kind: str
    uuid: str
    day: str | None
    payload: str
    sha256: str


@dataclass(frozen=True)
class _Parsed:
    records: list[_Record]
    corrected: set[str]  # entry uuids a correction in this package names
    periods: list[Period]
    members: list[tuple[Any, ...]]  # branch_member rows without branch_code/as_of
    dues_due: Decimal
    dues_collected: Decimal
    findings: list[dict[str, Any]]


def _load(files: dict[str, bytes], name: str) -> Any:
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Reject("data", f"数据文件 {name} 无法读取") from None


_DECODER = json.JSONDecoder()


def _load_items(files: dict[str, bytes], name: str) -> list[tuple[Any, str]]:
    """A data file's list, each item with its own canonical text. Our files are canonical, so each
    item's text is its exact slice of the file: no re-encoding (a fifth of the import's time at scale).
    Anything else is decoded whole and each item re-encoded."""
    try:
        text = files[name].decode("utf-8")
    except UnicodeDecodeError:
        raise _Reject("data", f"数据文件 {name} 无法读取") from None
    items: list[tuple[Any, str]] = []
    if text != "[]":
        try:
            if not text.startswith("["):
                raise ValueError
            index = 1
            while True:
                item, end = _DECODER.raw_decode(text, index)
                items.append((item, text[index:end]))
                if text[end] == "]" and end == len(text) - 1:
                    break
                if text[end] != ",":
                    raise ValueError
                index = end + 1
        except (ValueError, IndexError):
            value = _load(files, name)
            if not isinstance(value, list):
                raise _Reject("data", f"数据文件 {name} 的结构不对") from None
            items = [(item, canonical_json(item)) for item in value]
    return items


def _record(kind: str, item: Any, name: str, day_key: str | None = None, text: str | None = None) -> _Record:
    if not isinstance(item, dict) or not isinstance(item.get("uuid"), str) or not item["uuid"]:
        raise _Reject("data", f"数据文件 {name} 中有缺少编号的记录")
    payload = text if text is not None else canonical_json(item)
    day = item.get(day_key) if day_key else None
    return _Record(kind, item["uuid"], day if isinstance(day, str) else None, payload, _sha(payload))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _birth(value: Any) -> tuple[int | None, int | None]:
    if not isinstance(value, str):
        return None, None
    parts = value.split("-")
    try:
        return int(parts[0]), (int(parts[1]) if len(parts) > 1 else None)
    except ValueError:
        return None, None


def _parse(unpacked: Unpacked) -> _Parsed:
    files = unpacked.files
    try:
        periods = [Period.parse(p) for p in unpacked.manifest.periods]
    except PeriodError:
        raise _Reject("manifest", "清单中的上报期间无效") from None
    entry_items = _load_items(files, "data/entries.json")
    roster_items = _load_items(files, "data/roster.json")
    roster = [item for item, _ in roster_items]
    corrections = _load(files, "data/corrections.json")
    dues = _load(files, "data/dues.json")
    findings = _load(files, "data/findings.json")
    if not all(isinstance(x, list) for x in (corrections, findings)) or not isinstance(dues, dict):
        raise _Reject("data", "数据文件的结构不对")
    records = [_record("entry", e, "data/entries.json", "date", t) for e, t in entry_items]
    records += [_record("member", m, "data/roster.json", None, t) for m, t in roster_items]
    corrected: set[str] = set()
    for c in corrections:
        records.append(_record("correction", c, "data/corrections.json", "made_on"))
        entry = c.get("entry")
        if isinstance(entry, dict):
            records.append(_record("entry", entry, "data/corrections.json", "date"))
            corrected.add(entry["uuid"])
    members = []
    for m in roster:
        year, month = _birth(m.get("birth_date"))
        members.append(
            (m["uuid"], str(m.get("gender") or ""), year, month, str(m.get("education") or ""),
             str(m.get("status") or ""), m.get("category"))
        )  # fmt: skip
    try:
        totals = dues.get("totals", {})
        due, collected = Decimal(totals["due"]), Decimal(totals["collected"])
    except (KeyError, TypeError, InvalidOperation):
        raise _Reject("data", "数据文件 data/dues.json 缺少应交、实交合计") from None
    if not all(isinstance(f, dict) for f in findings):
        raise _Reject("data", "数据文件 data/findings.json 的结构不对")
    return _Parsed(records, corrected, periods, members, due, collected, findings)


# ---- the pipeline --------------------------------------------------------------------------------


@dataclass
class _Keys:
    by_id: dict[str, Any]

    @classmethod
    def load(cls, conn: Connection) -> _Keys:
        rows = conn.exec_driver_sql(
            "SELECT key_id, branch_code, public_key, state, ended_on FROM enrolled_key"
        ).all()
        return cls({r.key_id: r for r in rows})


def _verify(data: bytes, keys: _Keys, identity: Callable[[], str]) -> tuple[Unpacked, bytes]:
    """Everything up to and including versions. Returns the unpacked package and its plain bytes."""
    if is_encrypted(data):
        try:
            data = decrypt(data, identity())
        except AgeError as exc:
            raise _Reject("encrypted", str(exc)) from None
    try:
        unpacked = unpack(data)
    except PackageRejected as exc:
        raise _Reject(exc.reason, str(exc)) from None
    manifest = unpacked.manifest
    code, seq = manifest.branch_code, manifest.sequence
    signer = key_id_text(unpacked.signer_key_id)
    key = keys.by_id.get(signer)
    if key is None:
        raise _Reject("unknown_key", f"签名密钥 {signer} 未登记，请先登记该支部的公钥卡", code, seq)
    if key.state == "revoked":
        raise _Reject("revoked_key", f"签名密钥 {signer} 已于 {key.ended_on} 吊销", code, seq)
    if key.branch_code != code:
        raise _Reject(
            "wrong_branch",
            f"上报包自称来自支部 {code}，却由支部 {key.branch_code} 的密钥 {signer} 签名",
            code,
            seq,
        )
    try:
        check_signature(unpacked, *parse_public_key(key.public_key))
        if key.state == "replaced" and manifest.created_at[:10] > str(key.ended_on):
            raise _Reject(
                "replaced_key", f"签名密钥 {signer} 已于 {key.ended_on} 交接给新密钥，之后不能再用", code, seq
            )
        check_hashes(unpacked)
        check_versions(manifest, list(unpacked.files))
    except PackageRejected as exc:
        raise _Reject(exc.reason, str(exc), code, seq) from None
    return unpacked, data


def _sequence(ws: Workspace, conn: Connection, unpacked: Unpacked, sha: str) -> str | None:
    """None to go on, "unchanged" for an identical re-import; raises for replay, conflict, broken chain.

    Identity is the signed manifest's hash (it lists every file's hash), not the zip's bytes: a bit
    flipped on a USB stick in a zip field nobody reads changes the bytes but not the package."""
    m = unpacked.manifest
    code, seq, previous = m.branch_code, m.sequence, m.previous
    rows = conn.exec_driver_sql(
        "SELECT sequence, sha256, manifest_sha256 FROM received_package WHERE branch_code = ?", (code,)
    ).all()
    known = {r.sequence: r for r in rows}
    if seq in known:
        if known[seq].manifest_sha256 == m.sha256:
            return "unchanged"
        raise _Reject("conflict", f"已收到过支部 {code} 第 {seq} 号上报包，内容与这个不同", code, seq)
    if known and seq < max(known):
        raise _Reject(
            "replay", f"第 {seq} 号比已收到的第 {max(known)} 号旧，可能是重复或旧的上报包，已拒收", code, seq
        )
    if seq - 1 in known and previous not in (known[seq - 1].sha256, _as_written(ws, code, seq - 1)):
        raise _Reject(
            "chain", f"第 {seq} 号记载的上一包与已收到的第 {seq - 1} 号不符，请与支部核实", code, seq
        )
    if seq == 1 and previous is not None:
        raise _Reject("chain", "第 1 号上报包不应记载上一包", code, seq)
    return None


def _as_written(ws: Workspace, code: str, seq: int) -> str | None:
    """The hash of a kept package as the branch wrote it: packages are deterministic zips, so zipping
    the verified members again gives the branch's bytes even if the copy we got was damaged in transit."""
    try:
        members = read_zip(_evidence_path(ws, code, seq).read_bytes())
    except (OSError, PackageRejected):
        return None
    return hashlib.sha256(write_zip(members)).hexdigest()


def _gaps(conn: Connection, code: str) -> tuple[int, ...]:
    rows = conn.exec_driver_sql("SELECT sequence FROM received_package WHERE branch_code = ?", (code,))
    return gaps_of({r[0] for r in rows})


def _diff(conn: Connection, code: str, parsed: _Parsed) -> Diff:
    diff = Diff()
    uuids = list({r.uuid for r in parsed.records})
    existing: dict[tuple[str, str], Any] = {}
    foreign: dict[str, str] = {}
    for start in range(0, len(uuids), 500):
        part = uuids[start : start + 500]
        marks = ",".join("?" * len(part))
        for row in conn.exec_driver_sql(
            f"SELECT branch_code, kind, uuid, sha256, day FROM branch_record WHERE uuid IN ({marks})",
            tuple(part),
        ):
            if row.branch_code == code:
                existing[(row.kind, row.uuid)] = row
            else:
                foreign[row.uuid] = row.branch_code
    seen: set[tuple[str, str]] = set()
    for record in parsed.records:
        key = (record.kind, record.uuid)
        if key in seen:
            continue
        seen.add(key)
        if record.uuid in foreign:
            diff.conflicting += 1
            diff.conflicts.append(f"记录 {record.uuid} 已属于支部 {foreign[record.uuid]}")
            continue
        old = existing.get(key)
        if old is None:
            diff.new += 1
        elif old.sha256 == record.sha256:
            diff.unchanged += 1
        elif record.kind == "member" or (
            record.kind == "entry"
            and (
                record.uuid in parsed.corrected or (_within(old.day, parsed) and _within(record.day, parsed))
            )
        ):
            diff.updated += 1
        else:
            diff.conflicting += 1
            what = {"entry": "记录", "correction": "更正"}.get(record.kind, record.kind)
            diff.conflicts.append(
                f"{what} {record.uuid}（{old.day or ''}）已上报过，这次内容不同却没有更正说明"
            )
    return diff


def _within(day: str | None, parsed: _Parsed) -> bool:
    if not day:
        return False
    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        return False
    return any(p.contains(when) for p in parsed.periods)


def _evidence_path(ws: Workspace, code: str, seq: int) -> Path:
    safe = re.sub(r"[^0-9A-Za-z_-]", "_", code)
    if safe != code:
        safe += "-" + hashlib.sha256(code.encode("utf-8")).hexdigest()[:8]
    return ws.folder / "packages" / safe / f"{seq:06d}.bbpkg"


def _write(
    conn: Connection,
    writer: JournaledWriter,
    unpacked: Unpacked,
    parsed: _Parsed,
    sha: str,
    file_name: str,
    imported_at: str,
) -> None:
    m = unpacked.manifest
    code, seq = m.branch_code, m.sequence
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO branch_record (branch_code, kind, uuid, day, sha256, sequence, payload) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(code, r.kind, r.uuid, r.day, r.sha256, seq, r.payload) for r in parsed.records],
    )
    violations = sum(1 for f in parsed.findings if f.get("severity") == "violation")
    not_entered = sum(1 for f in parsed.findings if f.get("severity") == "not_entered")
    warnings = len(parsed.findings) - violations - not_entered
    findings_json = canonical_json(parsed.findings)
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO branch_period (branch_code, period, sequence, created_at, members, entries, "
        "dues_due, dues_collected, violations, warnings, findings, not_entered) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (code, p.code(), seq, m.created_at, len(parsed.members), m.counts.get("entries", 0),
             f"{parsed.dues_due:.2f}", f"{parsed.dues_collected:.2f}", violations, warnings, findings_json,
             not_entered)
            for p in parsed.periods
        ],
    )  # fmt: skip
    as_of = max(p.end for p in parsed.periods).isoformat()
    current = conn.exec_driver_sql(
        "SELECT MAX(as_of) FROM branch_member WHERE branch_code = ?", (code,)
    ).scalar()
    if current is None or as_of >= current:
        conn.exec_driver_sql("DELETE FROM branch_member WHERE branch_code = ?", (code,))
        conn.exec_driver_sql(
            "INSERT INTO branch_member (branch_code, uuid, as_of, gender, birth_year, birth_month, education, "
            "status, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(code, u, as_of, *rest) for u, *rest in parsed.members],
        )
    _learn_branch(writer, m)
    writer.insert(
        "received_package",
        [
            {
                "uuid": str(uuid_mod.uuid4()),
                "branch_code": code,
                "sequence": seq,
                "periods": canonical_json(m.periods),
                "sha256": sha,
                "previous_sha256": m.previous,
                "manifest_sha256": m.sha256,
                "journal_head": m.journal_head,
                "key_id": m.key_id,
                "created_at": m.created_at,
                "imported_at": imported_at,
                "file_name": file_name,
                "counts": canonical_json(m.counts),
            }
        ],
    )


def _learn_branch(writer: JournaledWriter, m: Any) -> None:
    """Fill in a branch's name and class from its signed manifest where the clerk left them open."""
    row = writer.conn.exec_driver_sql(
        "SELECT uuid, name, code, org_class FROM enrolled_branch WHERE code = ?", (m.branch_code,)
    ).first()
    if row is None:
        return
    changes: dict[str, Any] = {}
    if row.name == row.code and m.branch_name:
        changes["name"] = m.branch_name
    claimed = m.raw["branch"].get("class")
    if row.org_class is None and claimed in (1, 2, 3, 4):
        changes["org_class"] = claimed
    if changes:
        writer.update("enrolled_branch", row.uuid, changes)


def import_packages(
    ws: Workspace,
    paths: Sequence[Path],
    *,
    dry_run: bool = False,
    passphrase: str | None = None,
    actor: str = "党委",
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Outcome]:
    """One outcome per package file. Within a call, packages are applied in file-name order."""
    require_committee(ws)
    own = ws.folder.resolve()
    # The workspace's own evidence copies are not packages to import (e.g. "import ." beside it).
    files = [p for p in package_files(paths) if own not in p.resolve().parents]
    outcomes: list[Outcome] = []
    identity_cache: list[str] = []

    def identity() -> str:
        if not identity_cache:
            if not passphrase:
                raise AgeError("上报包已加密，需要输入本党委接收密钥的口令")
            try:
                identity_cache.append(unlock_receiving(ws, passphrase))
            except UserError as exc:
                raise AgeError(str(exc)) from None
        return identity_cache[0]

    imported_at = now_text()
    done = 0
    chunk = max(len(files), 1) if dry_run else CHUNK
    for start in range(0, max(len(files), 1), chunk):
        batch = files[start : start + chunk]
        if not batch:
            break
        written: list[Path] = []
        with ws.engine.connect() as conn:
            transaction = conn.begin()
            try:
                keys = _Keys.load(conn)
                for path in batch:
                    if cancelled and cancelled():
                        break
                    outcome = _one(ws, conn, path, keys, identity, dry_run, actor, imported_at, written)
                    outcomes.append(outcome)
                    done += 1
                    if progress:
                        progress(done, len(files), path.name)
                if dry_run:
                    transaction.rollback()
                else:
                    if written and hasattr(os, "sync"):
                        os.sync()  # the evidence files reach the disk before the rows that name them
                    transaction.commit()
            except BaseException:
                transaction.rollback()
                for path in written:
                    path.unlink(missing_ok=True)
                raise
        if cancelled and cancelled():
            break
    return outcomes


def _one(
    ws: Workspace,
    conn: Connection,
    path: Path,
    keys: _Keys,
    identity: Callable[[], str],
    dry_run: bool,
    actor: str,
    imported_at: str,
    written: list[Path],
) -> Outcome:
    name = str(path)
    try:
        try:
            size = path.stat().st_size
            if size > LIMITS.package_bytes:
                raise _Reject("too_large", f"文件过大（{size // (1024 * 1024)} MB）")
            data = path.read_bytes()
        except OSError as exc:
            raise _Reject("unreadable", f"无法读取文件：{exc.strerror or exc}") from None
        unpacked, plain = _verify(data, keys, identity)
        m = unpacked.manifest
        sha = hashlib.sha256(plain).hexdigest()
        parsed = _parse(unpacked)
        base = Outcome(
            name,
            "",
            branch=m.branch_code,
            branch_name=m.branch_name,
            seq=m.sequence,
            periods=tuple(m.periods),
        )
        if _sequence(ws, conn, unpacked, sha) == "unchanged":
            base.status, base.message = "unchanged", "与已导入的同号上报包完全相同，未作改动"
            base.diff = Diff(unchanged=len({(r.kind, r.uuid) for r in parsed.records}))
            base.gaps = _gaps(conn, m.branch_code)
            return base
        diff = _diff(conn, m.branch_code, parsed)
        base.diff = diff
        if diff.conflicting:
            raise _Reject(
                "conflict", f"有 {diff.conflicting} 条记录与已收到的内容冲突：" + "；".join(diff.conflicts[:3]),
                m.branch_code, m.sequence, diff,
            )  # fmt: skip
        savepoint = conn.begin_nested()
        target = _evidence_path(ws, m.branch_code, m.sequence)
        try:
            writer = JournaledWriter(conn, actor)
            _write(conn, writer, unpacked, parsed, sha, path.name, imported_at)
            writer.flush()
            if not dry_run:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(plain)
                written.append(target)
            savepoint.commit()
        except BaseException:
            savepoint.rollback()
            raise
        base.gaps = _gaps(conn, m.branch_code)
        base.status = "would_import" if dry_run else "imported"
        base.message = f"新增 {diff.new} 条，更新 {diff.updated} 条，未变 {diff.unchanged} 条" + (
            f"；序号缺口：第 {'、'.join(map(str, base.gaps))} 号未收到" if base.gaps else ""
        )
        return base
    except _Reject as exc:
        return Outcome(
            name, "rejected", exc.reason, str(exc), exc.branch, seq=exc.seq, diff=exc.diff or Diff()
        )
