"""Export a period as a signed package for the higher committee; the period becomes submitted.

The package carries the period's entries with their computed attendance and results, the roster
as of the period's end, the dues summary (amounts and bands, no salaries), the findings of
`check`, and the corrections made since the previous package. Format: docs/package-format.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid as uuid_mod
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import __version__
from app.domain.canonical import canonical_bytes, canonical_json
from app.domain.dues import ZERO
from app.domain.periods import Period, month_code, month_of
from app.io.package.age_crypt import AgeError, encrypt, parse_recipient
from app.io.package.package_file import seal
from app.services import records as records_service
from app.services.branch_profile import BranchProfile, get_setting, load_profile, put_setting
from app.services.compliance import check_period
from app.services.dues import load_dues
from app.services.errors import UserError
from app.services.json_views import finding_json, member_json, record_json
from app.services.roster import load_roster
from app.services.signing_keys import current_key, unlock
from app.storage.journal import head_hash
from app.storage.models import JournalEntry, PackageExport
from app.storage.workspace import Workspace, schema_head

PACKAGE_SUFFIX = ".bbpkg"
RECIPIENT_KEY = "package_recipient"


def package_recipient(ws: Workspace) -> str:
    """The committee's age recipient the branch encrypts packages to, if it was given one."""
    return get_setting(ws, RECIPIENT_KEY) or ""


def set_package_recipient(ws: Workspace, recipient: str, actor: str = "书记") -> None:
    recipient = recipient.strip()
    if recipient:
        try:
            parse_recipient(recipient)
        except AgeError as exc:
            raise UserError(str(exc)) from None
    with ws.write(actor) as writer:
        put_setting(writer, RECIPIENT_KEY, recipient)


@dataclass(frozen=True)
class ExportedPackage:
    path: Path
    sequence: int
    periods: tuple[str, ...]
    sha256: str  # of the (unencrypted) package, which the next package names
    manifest_sha256: str
    counts: dict[str, int]
    encrypted: bool


@dataclass(frozen=True)
class ExportRecord:
    sequence: int
    periods: tuple[str, ...]
    created_at: str
    sha256: str
    file_name: str
    encrypted: bool
    journal_head: str


def history(ws: Workspace) -> list[ExportRecord]:
    with ws.read() as conn:
        rows = conn.execute(select(PackageExport.__table__).order_by(PackageExport.sequence)).all()
    return [
        ExportRecord(
            r.sequence,
            tuple(json.loads(r.periods)),
            r.created_at,
            r.sha256,
            r.file_name,
            r.encrypted,
            r.journal_head,
        )
        for r in rows
    ]


def default_file_name(ws: Workspace, period: Period) -> str:
    past = history(ws)
    sequence = (past[-1].sequence if past else 0) + 1
    return f"{load_profile(ws).code}-{period.code()}-第{sequence}号{PACKAGE_SUFFIX}"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _dues_data(ws: Workspace, period: Period) -> dict[str, Any]:
    first, last = month_of(period.start), month_of(period.end)
    book = load_dues(ws, last, horizon=last)
    members = []
    total_due = total_paid = ZERO
    for m in book.members:
        due = sum((m.dues[k].amount for k in range(first, last + 1) if k in m.dues), ZERO)
        paid = sum((m.paid.get(k, ZERO) for k in range(first, last + 1)), ZERO)
        if not due and not paid and not any(k in m.dues for k in range(first, last + 1)):
            continue
        arrears = book.arrears(m)
        last_due = m.dues.get(last)
        members.append(
            {
                "uuid": m.uuid,
                "name": m.name,
                "category": m.category.value if m.category else None,
                "band": m.band(last),
                "monthly": _money(last_due.amount) if last_due else None,
                "due": _money(due),
                "paid": _money(paid),
                "paid_through": arrears.paid_through_code(),
                "months_unpaid": arrears.months_unpaid,
            }
        )
        total_due += due
        total_paid += paid
    voluntary = [p for m in book.members for p in m.voluntary if period.contains(p.paid_on)]
    remitted = sum((amount for day, amount, _, _ in book.remittances if period.contains(day)), ZERO)
    data = {
        "months": [month_code(k) for k in range(first, last + 1)],
        "members": sorted(members, key=lambda row: (row["name"], row["uuid"])),
        "totals": {
            "due": _money(total_due),
            "collected": _money(total_paid),
            "voluntary": _money(sum((p.amount for p in voluntary), ZERO)),
            "remitted": _money(remitted),
        },
    }
    return data


def _corrections_since_last(ws: Workspace, last_head: str | None) -> set[str]:
    with ws.read() as conn:
        since = 0
        if last_head:
            since = conn.execute(select(JournalEntry.seq).where(JournalEntry.hash == last_head)).scalar() or 0
        return set(
            conn.execute(
                select(JournalEntry.uuid).where(
                    JournalEntry.entity == "correction", JournalEntry.op == "create", JournalEntry.seq > since
                )
            ).scalars()
        )


def branch_header(profile: BranchProfile) -> dict[str, Any]:
    """The branch as package and archive manifests name it."""
    return {
        "code": profile.code,
        "name": profile.name,
        "class": int(profile.org_class) if profile.org_class else None,
        "committee": profile.higher_committee,
    }


def package_data(ws: Workspace, period: Period, last_head: str | None, today: dt.date) -> dict[str, Any]:
    """The data files' contents (before encoding), by file name."""
    profile = load_profile(ws)
    groups = {g.uuid: g.name for g in profile.groups}
    views = records_service.load_records(ws)
    in_period = [v for v in views if period.contains(v.draft.date)]
    roster = []
    for m in load_roster(ws, period.end):
        row = member_json(m.uuid, m.draft)
        row["status"] = m.standing.status.value if m.standing.status else row["status"]
        roster.append(row)
    wanted = _corrections_since_last(ws, last_head)
    corrections = []
    for view in views:
        for c in view.corrections:
            if c.uuid in wanted:
                corrections.append(
                    {
                        "uuid": c.uuid,
                        "entry_uuid": view.uuid,
                        "made_on": c.made_on.isoformat(),
                        "reason": c.reason,
                        "changed": c.changed(),
                        "entry": record_json(view, groups),
                    }
                )
    dues = _dues_data(ws, period)
    findings = [finding_json(f) for f in check_period(ws, period, today)]
    return {
        "data/branch.json": {
            "code": profile.code,
            "name": profile.name,
            "class": int(profile.org_class) if profile.org_class else None,
            "committee": profile.higher_committee,
            "groups": sorted(g.name for g in profile.groups),
            "period": {
                "code": period.code(),
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
        },
        "data/roster.json": roster,
        "data/entries.json": [record_json(v, groups) for v in in_period],
        "data/corrections.json": sorted(corrections, key=lambda c: (c["made_on"], c["uuid"])),
        "data/dues.json": dues,
        "data/findings.json": findings,
    }


def preview_counts(ws: Workspace, period: Period, today: dt.date | None = None) -> dict[str, int]:
    """What the next package for `period` would carry, as export_package would count it."""
    return preview_package(ws, period, today)[0]


def preview_package(
    ws: Workspace, period: Period, today: dt.date | None = None
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """The counts and the findings the next package for `period` would carry (the 上报 page lists them)."""
    past = history(ws)
    data = package_data(ws, period, past[-1].journal_head if past else None, today or dt.date.today())
    return counts_of(data), list(data["data/findings.json"])


def counts_of(data: dict[str, Any]) -> dict[str, int]:
    return {
        "members": len(data["data/roster.json"]),
        "entries": len(data["data/entries.json"]),
        "corrections": len(data["data/corrections.json"]),
        "findings": len(data["data/findings.json"]),
        "dues_members": len(data["data/dues.json"]["members"]),
    }


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


def export_package(
    ws: Workspace,
    period: Period,
    target: Path,
    passphrase: str,
    *,
    encrypt_to: str | None = None,
    actor: str = "书记",
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExportedPackage:
    """Seal, sign and write the package, then mark the period submitted. Nothing is written on error."""
    now = now or _now()
    today = now.date()
    if today <= period.end:
        raise UserError(f"{period.label()}尚未结束（到 {period.end.isoformat()} 为止），结束后才能上报")
    key = current_key(ws)
    if key is None:
        raise UserError("本支部还没有签名密钥，请先在“设置 → 签名密钥”中生成")
    if encrypt_to:
        try:
            parse_recipient(encrypt_to)
        except AgeError as exc:
            raise UserError(str(exc)) from None
    pair = unlock(ws, passphrase, key)
    say = progress or (lambda _text: None)
    say("正在整理本期记录……")
    past = history(ws)
    last_sha = past[-1].sha256 if past else None
    last_head = past[-1].journal_head if past else None
    with ws.read() as conn:
        journal_head = head_hash(conn)
    data = package_data(ws, period, last_head, today)
    profile = load_profile(ws)
    sequence = (past[-1].sequence if past else 0) + 1
    files = {name: canonical_bytes(value) for name, value in data.items()}
    counts = counts_of(data)
    say("正在签名……")
    package, manifest = seal(
        files,
        {
            "schema_version": schema_head(),
            "app_version": __version__,
            "created_at": now.isoformat(),
            "branch": branch_header(profile),
            "periods": [period.code()],
            "sequence": sequence,
            "previous_package_sha256": last_sha,
            "journal_head": journal_head,
            "counts": counts,
        },
        pair,
    )
    sha = hashlib.sha256(package).hexdigest()
    content = encrypt(package, encrypt_to) if encrypt_to else package
    target = Path(target)
    temp = target.with_name(target.name + ".part")
    say("正在写入文件……")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise UserError(f"无法写入 {target}：{exc.strerror or exc}") from None
    try:
        with ws.write(actor) as writer:
            writer.insert(
                "package_export",
                [
                    {
                        "uuid": str(uuid_mod.uuid4()),
                        "sequence": sequence,
                        "periods": canonical_json([period.code()]),
                        "created_at": now.isoformat(),
                        "sha256": sha,
                        "previous_sha256": last_sha,
                        "journal_head": journal_head,
                        "key_id": key.key_id,
                        "file_name": target.name,
                        "encrypted": bool(encrypt_to),
                    }
                ],
            )
            records_service.lock_period_in(writer, period, "submitted", today)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:
        os.replace(temp, target)
    except OSError as exc:
        raise UserError(f"上报包已生成在 {temp}，但无法改名为 {target.name}：{exc.strerror or exc}") from None
    return ExportedPackage(target, sequence, (period.code(),), sha, manifest.sha256, counts, bool(encrypt_to))
