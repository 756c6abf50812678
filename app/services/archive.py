"""The year-end archive (归档): preview, write and sign it, lock the year; reopen a year; verify an archive.

An archive is a folder `<code>-<year>-年度归档/` and a zip of it beside: the year's forms as PDF and XLSX,
the year's data as canonical JSON, the branch's public key, and a signed manifest of every file's SHA-256.
The year is locked in the same transaction that records the archive. Format: docs/archive-format.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import uuid as uuid_mod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import __version__
from app.domain.canonical import canonical_bytes
from app.domain.compliance import Finding, Severity
from app.domain.entries import EntryType
from app.domain.periods import Period
from app.io.package import archive_manifest as am
from app.io.package import minisign
from app.io.package.package_file import sha256_hex
from app.services import records as records_service
from app.services.branch_profile import load_profile
from app.services.compliance import check_period
from app.services.errors import UserError
from app.services.json_views import finding_json
from app.services.package_export import branch_header, counts_of, history, package_data
from app.services.signing_keys import current_key, key_card_text, unlock
from app.storage import repositories as repo
from app.storage.journal import head_hash
from app.storage.models import JournalEntry, PeriodReopen, YearArchive
from app.storage.workspace import Workspace, WorkspaceKind, schema_head

ARCHIVED = "archived"
FOLDER_SUFFIX = "年度归档"
# The forms of an archive: form name → file stem (the printed title); 民主评议 only when the year had one.
PDF_FORMS = ("recordbook", "roster", "dues", "check", "review")
XLSX_STEMS = {
    "roster": "党员花名册",
    "dues": "党费收缴登记表",
    "check": "检查报告",
    "records": "记录清单",
}

Progress = Callable[[int, int, str], None]  # (steps done, steps in all, what is being done)


class ArchiveCancelled(UserError):
    """The secretary cancelled; nothing was written and nothing locked."""

    def __init__(self) -> None:
        super().__init__("已取消归档：没有写入任何文件，年度未锁定")


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


def _period(year: int) -> Period:
    if not isinstance(year, int) or not 1900 <= year <= 2999:
        raise UserError(f"年度无效：{year}（应写成四位数年份，如 2025）")
    return Period.year(year)


def _safe_code(code: str) -> str:
    """The branch code as part of a file name (a code may hold characters no file system accepts)."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", code).strip("._") or "支部"


def folder_name(code: str, year: int) -> str:
    return f"{_safe_code(code)}-{year}-{FOLDER_SUFFIX}"


def _lock_state(ws: Workspace, period: Period) -> str | None:
    with ws.read() as conn:
        return next((r.state for r in repo.period_lock_rows(conn) if r.period == period.code()), None)


def is_archived(ws: Workspace, year: int) -> bool:
    return _lock_state(ws, _period(year)) == ARCHIVED


# ---- preview -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivePreview:
    year: int
    folder_name: str
    ended: bool  # today is after 31 December of the year
    archived: bool  # already archived (and not reopened)
    key_id: str | None  # the signing key that will sign, None if the branch has none
    violations: tuple[Finding, ...]  # open violations the secretary must confirm
    warnings: int
    entries: int
    has_review: bool  # the year has a 民主评议 entry, so its summary form is included

    @property
    def blockers(self) -> list[str]:
        """Why the archive cannot be made now (empty when it can)."""
        out = []
        if not self.ended:
            out.append(f"{self.year}年尚未结束，{self.year + 1}年1月1日起才能归档")
        if self.archived:
            out.append(f"{self.year}年已归档；如需重新归档，请先撤销归档并写明原因")
        if self.key_id is None:
            out.append("本支部还没有签名密钥，请先在“设置 → 签名密钥”中生成")
        return out


def _has_review(ws: Workspace, period: Period) -> bool:
    return any(v.draft.type is EntryType.MEMBER_REVIEW for v in records_service.load_records(ws, period))


def archive_preview(ws: Workspace, year: int, today: dt.date | None = None) -> ArchivePreview:
    """What the archive of `year` would hold and what stands in its way: the year's check first."""
    today = today or dt.date.today()
    period = _period(year)
    findings = check_period(ws, period, today)
    key = current_key(ws)
    return ArchivePreview(
        year=year,
        folder_name=folder_name(load_profile(ws).code, year),
        ended=today > period.end,
        archived=is_archived(ws, year),
        key_id=key.key_id if key else None,
        violations=tuple(f for f in findings if f.severity is Severity.VIOLATION),
        warnings=sum(1 for f in findings if f.severity is Severity.WARNING),
        entries=len(records_service.load_records(ws, period)),
        has_review=_has_review(ws, period),
    )


# ---- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveFile:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ArchiveResult:
    uuid: str
    year: int
    folder: Path
    zip_path: Path
    manifest_sha256: str
    journal_head: str
    key_id: str
    files: tuple[ArchiveFile, ...]  # as the manifest lists them
    confirmed_violations: tuple[Finding, ...]


def _year_data(ws: Workspace, period: Period, today: dt.date) -> dict[str, Any]:
    """The package data files for the year; corrections are those of the year's entries, whenever made."""
    data = package_data(ws, period, None, today)
    data["data/corrections.json"] = [
        c for c in data["data/corrections.json"] if period.contains(dt.date.fromisoformat(c["entry"]["date"]))
    ]
    return data


def _write_forms(
    ws: Workspace,
    period: Period,
    folder: Path,
    today: dt.date,
    with_review: bool,
    step: Callable[[str], None],
) -> list[dict[str, Any]]:
    """The PDFs and workbooks; returns the PDFs' manifest entries (form, title, path, pages)."""
    from app.services import excel_exports  # written beside the forms; imported when an archive is made
    from app.services.printing import FORM_TITLES, PrintRequest, print_form
    from app.services.roster_export import export_roster

    year = period.start.year
    forms = []
    for form in PDF_FORMS:
        if form == "review" and not with_review:
            continue
        title = FORM_TITLES[form]
        step(f"正在生成{title}……")
        name = f"{title}-{year}.pdf"
        pages = print_form(ws, PrintRequest(form, period), folder / name, today=today)
        forms.append({"form": form, "title": title, "path": name, "pages": pages})
    step("正在导出花名册表格……")
    export_roster(ws, folder / f"{XLSX_STEMS['roster']}-{year}.xlsx", at=period.end)
    step("正在导出党费表格……")
    excel_exports.export_dues_ledger(ws, year, folder / f"{XLSX_STEMS['dues']}-{year}.xlsx")
    step("正在导出检查报告表格……")
    excel_exports.export_findings(ws, period, folder / f"{XLSX_STEMS['check']}-{year}.xlsx", today)
    step("正在导出记录清单……")
    excel_exports.export_records(ws, period, folder / f"{XLSX_STEMS['records']}-{year}.xlsx")
    return forms


def _folder_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _write_bytes(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def create_archive(
    ws: Workspace,
    year: int,
    out_dir: Path,
    passphrase: str,
    *,
    confirm_violations: bool,
    actor: str = "书记",
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ArchiveResult:
    """Write, sign and zip the archive of `year` into `out_dir`, then lock the year and record the archive in
    one transaction. On any error or cancellation nothing is left in `out_dir` and nothing is locked."""
    now = now or _now()
    today = now.date()
    period = _period(year)
    preview = archive_preview(ws, year, today)
    if preview.blockers:
        raise UserError(preview.blockers[0])
    if preview.violations and not confirm_violations:
        first = preview.violations[0]
        raise UserError(
            f"{year}年检查还有 {len(preview.violations)} 项违规未整改（如：{first.message}）；"
            "请逐项核对，确认后再归档"
        )
    key = current_key(ws)
    assert key is not None  # the preview refused a branch without a key
    pair = unlock(ws, passphrase, key)
    out_dir = Path(out_dir)
    target = out_dir / preview.folder_name
    zip_target = out_dir / f"{preview.folder_name}.zip"
    for path in (target, zip_target):
        if path.exists():
            raise UserError(f"{path} 已存在；请换一个文件夹，或先把旧的移走")
    profile = load_profile(ws)
    with ws.read() as conn:
        journal_head = head_hash(conn)

    total = len(PDF_FORMS) - (0 if preview.has_review else 1) + 4 + 4
    done = 0

    def step(text: str) -> None:
        nonlocal done
        if cancelled is not None and cancelled():
            raise ArchiveCancelled
        if progress is not None:
            progress(done, total, text)
        done += 1

    # Hidden working names beside the targets (same file system, so the final renames are atomic),
    # created with the user's usual permissions.
    hidden = f".{preview.folder_name}.{uuid_mod.uuid4().hex[:12]}"
    temp, zip_temp = out_dir / f"{hidden}.part", out_dir / f"{hidden}.zip.part"
    made_out_dir = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        temp.mkdir()
    except OSError as exc:
        raise UserError(f"无法写入 {out_dir}：{exc.strerror or exc}") from None
    placed: list[Path] = []

    def clean_up() -> None:
        _remove(temp, zip_temp, *placed)
        if made_out_dir:
            with contextlib.suppress(OSError):  # only when empty: something else may have appeared there
                out_dir.rmdir()

    try:
        forms = _write_forms(ws, period, temp, today, preview.has_review, step)
        step("正在整理本年度数据……")
        data = _year_data(ws, period, today)
        for name, value in data.items():
            _write_bytes(temp / name, canonical_bytes(value))
        _write_bytes(temp / am.PUBLIC_KEY_NAME, key_card_text(ws, key).encode("utf-8"))
        step("正在签名……")
        files = _folder_files(temp)
        manifest, signature, manifest_sha = am.seal_manifest(
            files,
            {
                "schema_version": schema_head(),
                "app_version": __version__,
                "created_at": now.isoformat(),
                "branch": branch_header(profile),
                "year": year,
                "journal_head": journal_head,
                "counts": {**counts_of(data), "forms": len(forms), "files": len(files)},
                "forms": forms,
                "confirmed_violations": [finding_json(f) for f in preview.violations],
                "warnings": preview.warnings,
            },
            pair,
        )
        _write_bytes(temp / am.MANIFEST_NAME, manifest)
        _write_bytes(temp / am.SIGNATURE_NAME, signature.encode("ascii"))
        step("正在压缩……")
        everything = {**files, am.MANIFEST_NAME: manifest, am.SIGNATURE_NAME: signature.encode("ascii")}
        _write_bytes(zip_temp, am.archive_zip(preview.folder_name, everything))
        step("正在锁定年度……")
        os.replace(temp, target)
        placed.append(target)
        os.replace(zip_temp, zip_target)
        placed.append(zip_target)
        record = str(uuid_mod.uuid4())
        with ws.write(actor) as writer:
            records_service.lock_period_in(writer, period, ARCHIVED, today)
            writer.insert(
                "year_archive",
                [
                    {
                        "uuid": record,
                        "year": year,
                        "created_at": now.isoformat(),
                        "manifest_sha256": manifest_sha,
                        "journal_head": journal_head,
                        "key_id": key.key_id,
                        "folder_name": preview.folder_name,
                        "violations": len(preview.violations),
                    }
                ],
            )
    except OSError as exc:
        clean_up()
        raise UserError(f"无法写入归档：{exc.filename or out_dir}：{exc.strerror or exc}") from None
    except BaseException:
        clean_up()
        raise
    if progress is not None:
        progress(total, total, "归档完成")
    listing = tuple(
        ArchiveFile(name, len(content), sha256_hex(content)) for name, content in sorted(files.items())
    )
    return ArchiveResult(
        record, year, target, zip_target, manifest_sha, journal_head, key.key_id, listing, preview.violations
    )


# ---- reopening and history -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReopenResult:
    uuid: str
    year: int
    reopened_on: dt.date
    reason: str
    state: (
        str | None
    )  # the year's lock afterwards: "submitted" if it was also exported as a package, else None


def reopen_year(
    ws: Workspace, year: int, reason: str, actor: str = "书记", today: dt.date | None = None
) -> ReopenResult:
    """撤销归档: the year's entries can be edited directly again. Needs a reason; both are journaled.
    A year also exported as a whole-year package stays 已上报; submitted months and quarters stay locked."""
    today = today or dt.date.today()
    period = _period(year)
    reason = reason.strip()
    if not reason:
        raise UserError("撤销归档须写明原因")
    submitted = any(period.code() in r.periods for r in history(ws))
    new = str(uuid_mod.uuid4())
    with ws.write(actor) as writer:
        lock = next((r for r in repo.period_lock_rows(writer.conn) if r.period == period.code()), None)
        if lock is None or lock.state != ARCHIVED:
            raise UserError(f"{year}年尚未归档，无需撤销")
        last = writer.conn.execute(
            select(YearArchive.uuid)
            .where(YearArchive.year == year)
            .order_by(YearArchive.created_at.desc())
            .limit(1)
        ).scalar()
        if submitted:
            writer.update("period_lock", lock.uuid, {"state": "submitted"})
        else:
            writer.delete("period_lock", lock.uuid)
        writer.insert(
            "period_reopen",
            [
                {
                    "uuid": new,
                    "period": period.code(),
                    "reopened_on": today,
                    "reason": reason,
                    "archive_uuid": last,
                }
            ],
        )
    return ReopenResult(new, year, today, reason, "submitted" if submitted else None)


@dataclass(frozen=True)
class HistoryItem:
    kind: str  # "archived" or "reopened"
    year: int
    at: str  # when it was journaled (ISO date-time)
    actor: str
    uuid: str
    created_at: str | None = None  # archived: the manifest's created_at
    folder_name: str | None = None
    manifest_sha256: str | None = None
    key_id: str | None = None
    violations: int | None = None
    reason: str | None = None  # reopened

    @property
    def label(self) -> str:
        return "归档" if self.kind == "archived" else "撤销归档"

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def archive_history(ws: Workspace) -> list[HistoryItem]:
    """Every archive and reopening, in the order they were made."""
    with ws.read() as conn:
        archives = {r.uuid: r for r in conn.execute(select(YearArchive.__table__))}
        reopens = {r.uuid: r for r in conn.execute(select(PeriodReopen.__table__))}
        made = conn.execute(
            select(JournalEntry.entity, JournalEntry.uuid, JournalEntry.at, JournalEntry.actor)
            .where(JournalEntry.entity.in_(("year_archive", "period_reopen")), JournalEntry.op == "create")
            .order_by(JournalEntry.seq)
        ).all()
    items = []
    for entity, uuid, at, actor in made:
        if entity == "year_archive" and uuid in archives:
            a = archives[uuid]
            items.append(
                HistoryItem(
                    "archived",
                    a.year,
                    at,
                    actor,
                    uuid,
                    created_at=a.created_at,
                    folder_name=a.folder_name,
                    manifest_sha256=a.manifest_sha256,
                    key_id=a.key_id,
                    violations=a.violations,
                )
            )
        elif entity == "period_reopen" and uuid in reopens:
            r = reopens[uuid]
            items.append(HistoryItem("reopened", int(r.period), at, actor, uuid, reason=r.reason))
    return items


# ---- verifying -----------------------------------------------------------------------------------

KEY_GIVEN, KEY_WORKSPACE, KEY_BUNDLED = "given", "workspace", "bundled"


@dataclass(frozen=True)
class ArchiveReport:
    path: Path
    problems: tuple[str, ...]  # Chinese, each naming its file; empty when the archive is intact
    branch_code: str | None = None
    branch_name: str | None = None
    year: int | None = None
    created_at: str | None = None
    key_id: str | None = None  # the key that signed, as the signature names it
    fingerprint: str | None = None  # of the public key the signature was checked against
    key_source: str | None = None  # given / workspace / bundled
    manifest_sha256: str | None = None
    files: int = 0  # files the manifest lists
    confirmed_violations: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def notice(self) -> str:
        """What the secretary must still do by hand when the signature was checked with the bundled key."""
        if self.key_source != KEY_BUNDLED or not self.fingerprint:
            return ""
        return (
            f"未指定公钥，签名是用归档内附带的 {am.PUBLIC_KEY_NAME} 校验的：这只说明归档自身前后一致。"
            f"请把指纹 {self.fingerprint} 与支部打印的公钥卡核对，一致才能确认归档出自本支部"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "verified": self.ok,
            "branch": self.branch_code,
            "name": self.branch_name,
            "year": self.year,
            "created_at": self.created_at,
            "key_id": self.key_id,
            "fingerprint": self.fingerprint,
            "key_source": self.key_source,
            "manifest_sha256": self.manifest_sha256,
            "files": self.files,
            "confirmed_violations": self.confirmed_violations,
            "problems": list(self.problems),
            "notice": self.notice,
        }


def _workspace_key(ws: Workspace, key_id: str) -> str | None:
    """The public key line of `key_id` in the workspace's key history (branch) or pinned keys (committee)."""
    if ws.kind is WorkspaceKind.COMMITTEE:
        from app.services.committee_keys import enrolled_keys

        pinned = enrolled_keys(ws, key_id)
        return pinned[0].public_key if pinned else None
    from app.services.signing_keys import all_keys

    return next((k.public_key for k in all_keys(ws) if k.key_id == key_id), None)


def _choose_key(
    files: dict[str, bytes], signer: bytes, public_key_text: str | None, ws: Workspace | None
) -> tuple[tuple[bytes, bytes] | None, str, list[str]]:
    """(key id, public key) to check the signature with, where it came from, and problems."""
    signer_text = minisign.key_id_text(signer)
    if public_key_text is not None:
        source, text = KEY_GIVEN, public_key_text
    elif ws is not None:
        source, text = KEY_WORKSPACE, _workspace_key(ws, signer_text) or ""
        if not text:
            return None, source, [f"归档由密钥 {signer_text} 签名，本工作区没有这把密钥"]
    else:
        source = KEY_BUNDLED
        if am.PUBLIC_KEY_NAME not in files:
            return None, source, [f"缺少公钥文件 {am.PUBLIC_KEY_NAME}；请用 --pubkey 指定支部的公钥卡"]
        try:
            text = files[am.PUBLIC_KEY_NAME].decode("utf-8")
        except UnicodeDecodeError:
            return None, source, [f"公钥文件 {am.PUBLIC_KEY_NAME} 无法读取"]
    try:
        key_id, public = minisign.parse_public_key(text)
    except minisign.SignatureError as exc:
        where = am.PUBLIC_KEY_NAME if source == KEY_BUNDLED else "给定的公钥"
        return None, source, [f"{where}无法读取：{exc}"]
    if key_id != signer:
        return (
            (key_id, public),
            source,
            [f"{am.SIGNATURE_NAME}：归档由密钥 {signer_text} 签名，不是公钥 {minisign.key_id_text(key_id)}"],
        )
    return (key_id, public), source, []


def verify_archive(
    path: Path, public_key_text: str | None = None, ws: Workspace | None = None
) -> ArchiveReport:
    """Check an archive folder or its zip: exact file set, every size and SHA-256, and the signature —
    against `public_key_text`, else the workspace's key of that id, else the archive's own 签名公钥.pub."""
    path = Path(path)
    if path.is_dir():
        found = am.read_folder(path)
    elif path.is_file():
        try:
            found = am.read_zip_archive(path.read_bytes())
        except OSError as exc:
            raise UserError(f"无法读取 {path}：{exc.strerror or exc}") from None
    else:
        raise UserError(f"找不到归档：{path}")
    problems = list(found.problems)
    opened, opening = am.open_manifest(found.files) if found.files or not problems else (None, [])
    problems += opening
    if opened is None:
        return ArchiveReport(path, tuple(problems) or (f"{path} 中没有归档文件",))
    raw = opened.raw
    key: tuple[bytes, bytes] | None = None
    source = None
    if opened.signer_key_id is not None:
        key, source, key_problems = _choose_key(found.files, opened.signer_key_id, public_key_text, ws)
        problems += key_problems
        usable = key is not None and not key_problems
    else:
        usable = False
    if usable and key is not None:
        problems += am.check_contents(found.files, opened, *key)
    else:
        # No key to trust: still name every missing, extra or changed file against the manifest as it stands.
        unsigned = am.OpenedManifest(raw, opened.data, opened.sha256, opened.signature_text, None)
        problems += am.check_contents(found.files, unsigned, b"", b"")
    branch = raw.get("branch", {})
    return ArchiveReport(
        path,
        tuple(problems),
        branch_code=branch.get("code"),
        branch_name=branch.get("name"),
        year=raw.get("year"),
        created_at=raw.get("created_at"),
        key_id=minisign.key_id_text(opened.signer_key_id) if opened.signer_key_id else None,
        fingerprint=minisign.fingerprint(*key) if key else None,
        key_source=source,
        manifest_sha256=opened.sha256,
        files=len(raw.get("files", [])),
        confirmed_violations=len(raw.get("confirmed_violations", [])),
    )
