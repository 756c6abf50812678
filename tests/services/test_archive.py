"""The year-end archive: what the folder and zip hold, the signature (ours and the stock minisign), tamper
detection, the lock and its journal, reopening with a reason, and every refusal leaving nothing behind.

One demo branch is built for 2025 (meetings October–December, a 民主评议 in December, the year's dues) with a
2024 entry corrected after 2024 was submitted and a December 2025 entry corrected after December was
submitted. It is archived once (module fixture, read by most tests); tests that change things work on copies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from app.domain.canonical import canonical_bytes
from app.domain.compliance import Severity
from app.domain.entries import EntryDraft, EntryType, Grade
from app.domain.members import Status
from app.domain.periods import Period
from app.io.package import minisign
from app.io.package.archive_manifest import MANIFEST_NAME, PUBLIC_KEY_NAME, SIGNATURE_NAME, trusted_comment
from app.services import archive, records, signing_keys
from app.services.archive import (
    ArchiveCancelled,
    ArchiveResult,
    archive_history,
    archive_preview,
    create_archive,
    reopen_year,
    verify_archive,
)
from app.services.compliance import check_period
from app.services.demo import create_demo_workspace
from app.services.errors import UserError
from app.services.json_views import finding_json
from app.services.roster import load_roster, update_member
from app.storage.journal import head_hash, verify
from app.storage.models import JournalEntry
from app.storage.workspace import Workspace
from tests.fixtures.packages import PASSPHRASE, copy_workspace, open_ws
from tests.fixtures.pdf import assert_fonts_embedded, pdf_text, squeeze

YEAR = 2025
PERIOD = Period.year(YEAR)
MADE = dt.date(2025, 12, 20)  # the demo's "today": its meetings fall in October–December 2025
TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 1, 10, 10, 0, tzinfo=TZ)
BRANCH_NAME, BRANCH_CODE = "示例车间党支部", "DEMO-001"
FOLDER = f"{BRANCH_CODE}-{YEAR}-年度归档"
PDFS = {
    f"{t}-{YEAR}.pdf"
    for t in ("党支部工作记录本", "党员花名册", "党费收缴登记表", "检查报告", "民主评议结果汇总表")
}
XLSX = {f"{t}-{YEAR}.xlsx" for t in ("党员花名册", "党费收缴登记表", "检查报告", "记录清单")}
DATA = {
    f"data/{n}.json" for n in ("branch", "corrections", "dues", "entries", "findings", "roster")
}  # fmt: skip
MINISIGN = "/usr/bin/minisign"
CORRECTED_2024 = "二〇二四年补记：主持人更正"
CORRECTED_2025 = "更正后的地点：党员活动室"
REOPEN_REASON = "发现12月支委会记录漏记一名缺席人员，需补正"
RARE_NAME = "𠮷祥"  # U+20BB7, beyond the BMP


@dataclass(frozen=True)
class Base:
    keyless: Path  # the branch, closed, without a signing key
    keyed: Path  # the same branch with a signing key
    key: signing_keys.KeyInfo
    dec_entry: str  # a December 2025 entry (December submitted, then corrected)
    oct_entry: str  # an October 2025 entry (never submitted)
    correction_2025: str
    correction_2024: str


def _review(ws: Workspace, day: dt.date) -> EntryDraft:
    roster = load_roster(ws, day)
    return EntryDraft(
        EntryType.MEMBER_REVIEW,
        day,
        dt.time(15, 0),
        dt.time(17, 0),
        "车间三楼会议室",
        roster[0].draft.name,
        roster[1].draft.name,
        topics=("民主评议党员",),
        grades={
            m.uuid: Grade.QUALIFIED for m in roster if m.standing.status is Status.FULL
        },  # probationary: not graded
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    home = tmp_path_factory.mktemp("archive-base")
    with pytest.MonkeyPatch.context() as mp:  # module scope: keep settings and logs out of ~
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(home / "user" / var.lower()))
        ws = create_demo_workspace(home / "keyless" / "示例.branchbook", today=MADE, activity=True)
        host = load_roster(ws, MADE)[0].draft.name
        member = load_roster(ws, MADE)[2]
        update_member(ws, member.uuid, dataclasses.replace(member.draft, name=RARE_NAME))
        old = records.add_entry(
            ws,
            EntryDraft(
                EntryType.THEME_DAY, dt.date(2024, 11, 8), host=host, recorder=host, topics=("重温誓词",)
            ),
            today=MADE,
        )
        records.lock_period(ws, Period.year(2024), "submitted", today=MADE)
        fix_2024 = records.correct_entry(
            ws,
            old,
            dataclasses.replace(records.get_record(ws, old).draft, place=CORRECTED_2024),
            "补记",
            today=MADE,
        )
        records.add_entry(ws, _review(ws, dt.date(2025, 12, 15)), today=MADE)
        views = records.load_records(ws, PERIOD)
        dec = next(
            v for v in views if v.draft.date.month == 12 and v.draft.type is EntryType.BRANCH_COMMITTEE
        )
        octo = next(v for v in views if v.draft.date.month == 10)
        records.lock_period(ws, Period.month(YEAR, 12), "submitted", today=MADE)
        fix_2025 = records.correct_entry(
            ws, dec.uuid, dataclasses.replace(dec.draft, place=CORRECTED_2025), "地点记错", today=MADE
        )
        keyless = ws.path
        ws.close()
        keyed = copy_workspace(keyless, home / "keyed")
        ws = open_ws(keyed)
        key = signing_keys.create_key(ws, PASSPHRASE, today=MADE)
        ws.close()
    return Base(keyless, keyed, key, dec.uuid, octo.uuid, fix_2025, fix_2024)


@dataclass(frozen=True)
class Archived:
    workspace: Path  # closed
    out: Path
    result: ArchiveResult
    steps: list[tuple[int, int, str]]
    head_before: str
    violations_before: list[dict[str, str]]


@pytest.fixture(scope="module")
def archived(base: Base, tmp_path_factory: pytest.TempPathFactory) -> Archived:
    home = tmp_path_factory.mktemp("archived")
    path = copy_workspace(base.keyed, home / "ws")
    ws = open_ws(path)
    try:
        with ws.read() as conn:
            head = head_hash(conn)
        violations = [finding_json(f) for f in archive_preview(ws, YEAR, NOW.date()).violations]
        steps: list[tuple[int, int, str]] = []
        result = create_archive(
            ws,
            YEAR,
            home / "out",
            PASSPHRASE,
            confirm_violations=True,
            now=NOW,
            progress=lambda done, total, text: steps.append((done, total, text)),
        )
    finally:
        ws.close()
    return Archived(path, home / "out", result, steps, head, violations)


@pytest.fixture
def fresh(base: Base, tmp_path: Path) -> Iterator[Workspace]:
    """A copy of the keyed branch, open, not archived."""
    ws = open_ws(copy_workspace(base.keyed, tmp_path / "ws"))
    yield ws
    ws.close()


def manifest(folder: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / MANIFEST_NAME).read_bytes())


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def zip_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


@dataclass(frozen=True)
class State:
    head: str
    locks: list[tuple[str, str]]
    archives: int


def state(ws: Workspace) -> State:
    with ws.read() as conn:
        locks = sorted((p.code(), s) for p, s in records.locked_periods(conn))
        count = conn.exec_driver_sql("SELECT COUNT(*) FROM year_archive").scalar()
        return State(head_hash(conn), locks, int(count or 0))


def assert_nothing_left(out: Path) -> None:
    """The output folder did not exist before: it must not exist after (no temp files, no empty folder)."""
    assert not out.exists(), sorted(p.name for p in out.rglob("*"))


# ---- what the archive holds ------------------------------------------------------------------------


def test_folder_and_zip_hold_exactly_the_manifest_files_with_matching_hashes(archived: Archived) -> None:
    folder, zip_path = archived.result.folder, archived.result.zip_path
    assert folder == archived.out / FOLDER and zip_path == archived.out / f"{FOLDER}.zip"
    assert sorted(p.name for p in archived.out.iterdir()) == sorted([FOLDER, f"{FOLDER}.zip"])  # no temp left
    m = manifest(folder)
    listed = {f["path"]: f for f in m["files"]}
    assert set(listed) == PDFS | XLSX | DATA | {PUBLIC_KEY_NAME}
    on_disk = folder_files(folder)
    assert set(on_disk) == set(listed) | {MANIFEST_NAME, SIGNATURE_NAME}
    for name, item in listed.items():
        assert item["size"] == len(on_disk[name]), name
        assert item["sha256"] == hashlib.sha256(on_disk[name]).hexdigest(), name
    # the zip is the folder, under the folder's name, byte for byte
    assert zip_files(zip_path) == {f"{FOLDER}/{name}": content for name, content in on_disk.items()}
    # what the service returned is what the manifest lists
    assert {(f.path, f.size, f.sha256) for f in archived.result.files} == {
        (f["path"], f["size"], f["sha256"]) for f in m["files"]
    }
    assert archived.result.manifest_sha256 == hashlib.sha256(on_disk[MANIFEST_NAME]).hexdigest()


def test_manifest_names_branch_year_key_journal_and_counts(archived: Archived, base: Base) -> None:
    m = manifest(archived.result.folder)
    assert m["format"] == "branchbook-archive" and m["format_version"] == 1
    assert m["branch"]["code"] == BRANCH_CODE and m["branch"]["name"] == BRANCH_NAME
    assert m["year"] == YEAR and m["created_at"] == NOW.isoformat()
    assert m["key_id"] == base.key.key_id == archived.result.key_id
    assert m["journal_head"] == archived.head_before == archived.result.journal_head
    data = folder_files(archived.result.folder)
    assert m["counts"]["entries"] == len(json.loads(data["data/entries.json"]))
    assert m["counts"]["members"] == len(json.loads(data["data/roster.json"]))
    assert {f["path"]: f["pages"] for f in m["forms"]}.keys() == PDFS
    assert all(f["pages"] >= 1 for f in m["forms"])


def test_signature_verifies_with_stock_minisign_and_names_the_year(archived: Archived, base: Base) -> None:
    folder = archived.result.folder
    done = subprocess.run(
        [MINISIGN, "-Vm", MANIFEST_NAME, "-p", PUBLIC_KEY_NAME], cwd=folder, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    sha = hashlib.sha256((folder / MANIFEST_NAME).read_bytes()).hexdigest()
    assert f"Trusted comment: {trusted_comment(BRANCH_CODE, YEAR, sha)}" in done.stdout
    # the bundled public key is the branch's own key
    assert minisign.parse_public_key((folder / PUBLIC_KEY_NAME).read_text(encoding="utf-8")) == base.key.raw


def test_verify_archive_passes_for_folder_and_zip_with_every_key_source(
    archived: Archived, base: Base
) -> None:
    card = base.key.public_key
    for path in (archived.result.folder, archived.result.zip_path):
        bundled = verify_archive(path)
        assert bundled.ok, bundled.problems
        assert (bundled.branch_code, bundled.branch_name, bundled.year) == (BRANCH_CODE, BRANCH_NAME, YEAR)
        assert bundled.fingerprint == base.key.fingerprint and bundled.key_id == base.key.key_id
        assert bundled.key_source == "bundled" and base.key.fingerprint in bundled.notice
        given = verify_archive(path, card)
        assert given.ok and given.key_source == "given" and given.notice == ""
        ws = open_ws(archived.workspace)
        try:
            own = verify_archive(path, ws=ws)
        finally:
            ws.close()
        assert own.ok and own.key_source == "workspace"
        assert own.confirmed_violations == len(archived.violations_before)


def test_pdfs_open_name_the_branch_and_embed_the_font(archived: Archived) -> None:
    for name in PDFS:
        path = archived.result.folder / name
        text = squeeze(pdf_text(path))
        assert BRANCH_NAME in text, name
        assert_fonts_embedded(path)
    assert RARE_NAME in squeeze(pdf_text(archived.result.folder / f"党员花名册-{YEAR}.pdf"))
    # paper and data match: the record book's cover prints the journal head the manifest names
    cover = squeeze(pdf_text(archived.result.folder / f"党支部工作记录本-{YEAR}.pdf"))
    assert archived.result.journal_head in cover


def test_workbooks_open_and_the_roster_lists_the_members_at_year_end(archived: Archived) -> None:
    for name in XLSX:
        book = openpyxl.load_workbook(archived.result.folder / name, read_only=True)
        assert any(sheet.max_row and sheet.max_row > 1 for sheet in book.worksheets), name
    ws = open_ws(archived.workspace)
    try:
        names = {m.draft.name for m in load_roster(ws, PERIOD.end)}
    finally:
        ws.close()
    book = openpyxl.load_workbook(archived.result.folder / f"党员花名册-{YEAR}.xlsx", read_only=True)
    cells = {
        str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    }
    assert names <= cells and RARE_NAME in names


def test_json_data_is_the_years_data_from_the_workspace(archived: Archived, base: Base) -> None:
    files = folder_files(archived.result.folder)
    entries = json.loads(files["data/entries.json"])
    roster = json.loads(files["data/roster.json"])
    ws = open_ws(archived.workspace)
    try:
        views = records.load_records(ws, PERIOD)
        members = load_roster(ws, PERIOD.end)
        findings = [finding_json(f) for f in check_period(ws, PERIOD, NOW.date())]
    finally:
        ws.close()
    assert [e["uuid"] for e in entries] == [v.uuid for v in views]
    assert all(PERIOD.contains(dt.date.fromisoformat(e["date"])) for e in entries)
    assert sorted(r["uuid"] for r in roster) == sorted(m.uuid for m in members)
    assert json.loads(files["data/findings.json"]) == findings
    assert json.loads(files["data/branch.json"])["period"]["code"] == "2025"
    assert json.loads(files["data/dues.json"])["months"][0] == "2025-01"
    # corrections: the 2025 entry's, not the 2024 entry's (made before, but about another year)
    corrections = json.loads(files["data/corrections.json"])
    assert [c["uuid"] for c in corrections] == [base.correction_2025]
    assert corrections[0]["entry"]["place"] == CORRECTED_2025
    assert files["data/entries.json"] == canonical_bytes(entries)  # canonical JSON, as in packages


def test_progress_runs_through_every_step(archived: Archived) -> None:
    done = [d for d, _, _ in archived.steps]
    total = archived.steps[0][1]
    assert done == list(range(total + 1)) and archived.steps[-1][2] == "归档完成"
    assert any("党支部工作记录本" in text for _, _, text in archived.steps)


# ---- tampering -------------------------------------------------------------------------------------


def flip(content: bytes) -> bytes:
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


TAMPERINGS = {
    "pdf changed": (f"党支部工作记录本-{YEAR}.pdf", "change"),
    "data changed": ("data/entries.json", "change"),
    "xlsx changed": (f"党员花名册-{YEAR}.xlsx", "change"),
    "pdf deleted": (f"检查报告-{YEAR}.pdf", "delete"),
    "file added": ("说明.txt", "add"),
    "manifest edited": (MANIFEST_NAME, "change"),
}


def tamper(files: dict[str, bytes], name: str, how: str) -> dict[str, bytes]:
    files = dict(files)
    if how == "change":
        files[name] = flip(files[name])
    elif how == "delete":
        del files[name]
    else:
        files[name] = "后来放进去的文件".encode()
    return files


@pytest.mark.parametrize("what", list(TAMPERINGS))
def test_a_changed_missing_or_added_file_is_named_in_folder_and_zip(
    archived: Archived, tmp_path: Path, what: str
) -> None:
    name, how = TAMPERINGS[what]
    files = tamper(folder_files(archived.result.folder), name, how)
    folder = tmp_path / FOLDER
    for rel, content in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(content)
    zipped = tmp_path / f"{FOLDER}.zip"
    with zipfile.ZipFile(zipped, "w") as z:  # written as anyone would, not with our writer
        for rel, content in files.items():
            z.writestr(f"{FOLDER}/{rel}", content)
    for path in (folder, zipped):
        report = verify_archive(path)
        assert not report.ok, what
        assert any(name in p for p in report.problems), report.problems
        assert len(report.problems) == 1 or name == MANIFEST_NAME, report.problems


def test_a_manifest_edit_breaks_the_signature(archived: Archived, tmp_path: Path) -> None:
    folder = tmp_path / FOLDER
    shutil.copytree(archived.result.folder, folder)
    m = manifest(folder)
    m["confirmed_violations"] = []  # hide the confirmed violations
    (folder / MANIFEST_NAME).write_bytes(canonical_bytes(m))
    report = verify_archive(folder)
    assert not report.ok and report.confirmed_violations == 0
    assert report.problems == (f"{MANIFEST_NAME} 的签名无效：文件内容与签名不符，已被改动",)


def test_a_different_public_key_is_refused(archived: Archived, tmp_path: Path) -> None:
    other = minisign.generate()
    card = minisign.public_key_file_text(other.key_id, other.public, "another branch")
    report = verify_archive(archived.result.zip_path, card)
    assert not report.ok
    assert any(minisign.key_id_text(other.key_id) in p and SIGNATURE_NAME in p for p in report.problems)
    # an archive re-signed by another key with its own bundled key verifies only against that key,
    # so the fingerprint is what tells it apart
    folder = tmp_path / FOLDER
    shutil.copytree(archived.result.folder, folder)
    (folder / PUBLIC_KEY_NAME).write_text(card, encoding="utf-8")
    forged = verify_archive(folder)
    assert not forged.ok and any(SIGNATURE_NAME in p for p in forged.problems)


def test_unreadable_zip_and_missing_path(tmp_path: Path) -> None:
    bad = tmp_path / "坏.zip"
    bad.write_bytes(b"not a zip at all")
    report = verify_archive(bad)
    assert not report.ok and "不是归档压缩包" in report.problems[0]
    with pytest.raises(UserError, match="找不到归档"):
        verify_archive(tmp_path / "nowhere")


# ---- the lock, reopening and the journal -----------------------------------------------------------


def test_archived_year_is_locked_in_one_journaled_transaction(archived: Archived, base: Base) -> None:
    ws = open_ws(archived.workspace)
    try:
        assert archive.is_archived(ws, YEAR)
        view = records.get_record(ws, base.oct_entry)
        assert view.locked
        with pytest.raises(UserError, match="已归档"):
            records.update_entry(
                ws, base.oct_entry, dataclasses.replace(view.draft, place="别处"), today=NOW.date()
            )
        with ws.read() as conn:
            assert verify(conn).ok
            rows = conn.execute(
                JournalEntry.__table__.select()
                .where(JournalEntry.seq > 0)
                .order_by(JournalEntry.seq.desc())
                .limit(2)
            ).all()
        entities = {r.entity for r in rows}
        assert entities == {"period_lock", "year_archive"} and len({r.at for r in rows}) == 1
        lock = next(json.loads(r.payload)["after"] for r in rows if r.entity == "period_lock")
        assert (lock["period"], lock["state"]) == ("2025", "archived")
        [item] = archive_history(ws)
        assert (item.kind, item.year, item.manifest_sha256) == (
            "archived",
            YEAR,
            archived.result.manifest_sha256,
        )
        assert item.folder_name == FOLDER and item.violations == len(archived.violations_before)
    finally:
        ws.close()


def test_reopen_needs_a_reason_unlocks_is_journaled_and_the_year_can_be_archived_again(
    archived: Archived, base: Base, tmp_path: Path
) -> None:
    ws = open_ws(copy_workspace(archived.workspace, tmp_path / "ws"))
    try:
        with pytest.raises(UserError, match="原因"):
            reopen_year(ws, YEAR, "   ", today=NOW.date())
        assert archive.is_archived(ws, YEAR)
        with pytest.raises(UserError, match="尚未归档"):
            reopen_year(ws, 2024, REOPEN_REASON, today=NOW.date())
        result = reopen_year(ws, YEAR, REOPEN_REASON, today=dt.date(2026, 1, 12))
        assert result.state is None and not archive.is_archived(ws, YEAR)
        # October can be edited directly again; December stays locked by its package
        view = records.get_record(ws, base.oct_entry)
        assert records.update_entry(ws, base.oct_entry, dataclasses.replace(view.draft, place="党员活动室"))
        dec = records.get_record(ws, base.dec_entry)
        with pytest.raises(UserError, match="已上报"):
            records.update_entry(ws, base.dec_entry, dataclasses.replace(dec.draft, place="别处"))
        with ws.read() as conn:
            assert verify(conn).ok
            journal = conn.execute(
                JournalEntry.__table__.select().where(
                    JournalEntry.entity.in_(("period_reopen", "period_lock"))
                )
            ).all()
        reopen = [json.loads(r.payload)["after"] for r in journal if r.entity == "period_reopen"]
        assert [(r["period"], r["reason"], r["reopened_on"]) for r in reopen] == [
            ("2025", REOPEN_REASON, "2026-01-12")
        ]
        assert any(r.op == "delete" and json.loads(r.payload)["before"]["period"] == "2025" for r in journal)
        with pytest.raises(UserError, match="尚未归档"):
            reopen_year(ws, YEAR, REOPEN_REASON, today=NOW.date())
        later = dt.datetime(2026, 1, 15, 9, 0, tzinfo=TZ)
        again = create_archive(ws, YEAR, tmp_path / "again", PASSPHRASE, confirm_violations=True, now=later)
        assert archive.is_archived(ws, YEAR) and verify_archive(again.folder).ok
        assert again.manifest_sha256 != archived.result.manifest_sha256
        history = archive_history(ws)
        assert [(i.kind, i.year) for i in history] == [
            ("archived", YEAR),
            ("reopened", YEAR),
            ("archived", YEAR),
        ]
        assert history[1].reason == REOPEN_REASON and history[2].manifest_sha256 == again.manifest_sha256
    finally:
        ws.close()


def test_reopening_a_year_exported_as_a_package_keeps_it_submitted(fresh: Workspace, tmp_path: Path) -> None:
    from app.services.package_export import export_package

    export_package(fresh, PERIOD, tmp_path / "2025.bbpkg", PASSPHRASE, now=NOW)
    create_archive(fresh, YEAR, tmp_path / "out", PASSPHRASE, confirm_violations=True, now=NOW)
    assert archive.is_archived(fresh, YEAR)
    result = reopen_year(fresh, YEAR, REOPEN_REASON, today=NOW.date())
    assert result.state == "submitted"
    assert ("2025", "submitted") in state(fresh).locks


# ---- refusals: nothing written, nothing locked -----------------------------------------------------


def test_open_violations_must_be_confirmed(fresh: Workspace, tmp_path: Path) -> None:
    preview = archive_preview(fresh, YEAR, NOW.date())
    assert preview.violations and all(f.severity is Severity.VIOLATION for f in preview.violations)
    assert preview.ended and not preview.archived and preview.key_id and preview.has_review
    before = state(fresh)
    with pytest.raises(UserError, match=f"{len(preview.violations)} 项违规"):
        create_archive(fresh, YEAR, tmp_path / "out", PASSPHRASE, confirm_violations=False, now=NOW)
    assert_nothing_left(tmp_path / "out")
    assert state(fresh) == before


def test_confirmed_violations_are_listed_in_the_manifest(archived: Archived) -> None:
    m = manifest(archived.result.folder)
    assert m["confirmed_violations"] == archived.violations_before
    assert len(archived.result.confirmed_violations) == len(archived.violations_before) > 0


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("year not ended", "尚未结束"),
        ("wrong passphrase", "口令不正确"),
        ("target exists", "已存在"),
        ("zip exists", "已存在"),
        ("bad year", "年度无效"),
    ],
)
def test_refusals_write_and_lock_nothing(fresh: Workspace, tmp_path: Path, case: str, message: str) -> None:
    out = tmp_path / "out"
    now, passphrase, year = NOW, PASSPHRASE, YEAR
    if case == "year not ended":
        now = dt.datetime(2025, 12, 31, 23, 0, tzinfo=TZ)
    elif case == "wrong passphrase":
        passphrase = "not the passphrase"
    elif case == "target exists":
        (out / FOLDER).mkdir(parents=True)
    elif case == "zip exists":
        out.mkdir()
        (out / f"{FOLDER}.zip").write_bytes(b"old")
    else:
        year = 12025
    existed = out.exists()
    existing = sorted(p.name for p in out.iterdir()) if existed else []
    before = state(fresh)
    with pytest.raises(UserError, match=message):
        create_archive(fresh, year, out, passphrase, confirm_violations=True, now=now)
    assert out.exists() == existed
    assert (sorted(p.name for p in out.iterdir()) if existed else []) == existing
    assert state(fresh) == before


def test_no_signing_key_is_refused(base: Base, tmp_path: Path) -> None:
    ws = open_ws(copy_workspace(base.keyless, tmp_path / "ws"))
    try:
        assert archive_preview(ws, YEAR, NOW.date()).key_id is None
        before = state(ws)
        with pytest.raises(UserError, match="签名密钥"):
            create_archive(ws, YEAR, tmp_path / "out", PASSPHRASE, confirm_violations=True, now=NOW)
        assert_nothing_left(tmp_path / "out")
        assert state(ws) == before
    finally:
        ws.close()


def test_an_archived_year_is_not_archived_twice(archived: Archived, tmp_path: Path) -> None:
    ws = open_ws(copy_workspace(archived.workspace, tmp_path / "ws"))
    try:
        assert archive_preview(ws, YEAR, NOW.date()).archived
        with pytest.raises(UserError, match="已归档"):
            create_archive(ws, YEAR, tmp_path / "out", PASSPHRASE, confirm_violations=True, now=NOW)
        assert_nothing_left(tmp_path / "out")
    finally:
        ws.close()


@pytest.mark.parametrize("after", [1, 5, 12])  # after a PDF, a workbook, the zip
def test_cancelling_midway_leaves_nothing(fresh: Workspace, tmp_path: Path, after: int) -> None:
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > after

    before = state(fresh)
    with pytest.raises(ArchiveCancelled):
        create_archive(
            fresh, YEAR, tmp_path / "out", PASSPHRASE, confirm_violations=True, now=NOW, cancelled=cancelled
        )
    assert len(asked) == after + 1
    assert_nothing_left(tmp_path / "out")
    assert state(fresh) == before


def test_a_failed_lock_transaction_removes_the_written_archive(
    fresh: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(archive.records_service, "lock_period_in", broken)
    before = state(fresh)
    with pytest.raises(RuntimeError):
        create_archive(fresh, YEAR, tmp_path / "out", PASSPHRASE, confirm_violations=True, now=NOW)
    assert_nothing_left(tmp_path / "out")
    assert state(fresh) == before
