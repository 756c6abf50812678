"""Exporting a period as a signed package: the manifest, the lock, corrections, what is left out, and the
stock tools (minisign, sha256sum, age) agreeing with our files.

One branch (a copy of the kit's branch A before its first export) is taken through a whole season in a
module-scoped fixture: a distinctive salary entered, September exported, one September entry corrected,
October and November exported. The tests read what that left behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.domain.canonical import canonical_bytes
from app.domain.members import Category
from app.domain.periods import Period
from app.io.package.package_file import (
    DATA_FILES,
    FORMAT_VERSION,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    seal,
    verify_with_public_key,
)
from app.services import records, signing_keys
from app.services.dues import add_base
from app.services.errors import UserError
from app.services.package_export import ExportedPackage, export_package, history, package_data
from app.services.roster import load_roster
from app.storage.journal import head_hash
from app.storage.workspace import schema_head
from tests.fixtures.branch import TODAY
from tests.fixtures.packages import (
    A_CODE,
    A_EXPORTS,
    A_NAME,
    B_LATE_JOINER,
    B_MEMBERS,
    PASSPHRASE,
    Kit,
    at,
    copy_workspace,
    kit_fixture,  # noqa: F401
    manifest_of,
    open_ws,
    read_members,
)

MINISIGN, SHA256SUM, AGE, AGE_KEYGEN = (
    "/usr/bin/minisign",
    "/usr/bin/sha256sum",
    "/usr/bin/age",
    "/usr/bin/age-keygen",
)

# A salary nobody else has: the package must not carry it, nor the deductions, nor the base they give.
GROSS, INCOME_TAX, SOCIAL = "98765.43", "4321.09", "1234.56"
BASES = ("94444.34", "93209.78")  # GROSS - INCOME_TAX (the default), and minus SOCIAL too
CORRECTED_PLACE = "更正后的会议地点：党员活动室"
CORRECTION_REASON = "会议地点记错"


@dataclass(frozen=True)
class Season:
    path: Path  # the branch workspace (closed)
    packages: dict[int, Path]
    exported: dict[int, ExportedPackage]
    heads: dict[int, str]  # journal head just before each export
    head_after: dict[int, str]  # journal head just after each export
    locked_before: list[str]  # locked periods before the first export
    sept_entry: str  # uuid of the corrected September entry
    sept_locked_before: bool
    sept_locked_after: bool
    oct_locked_after_seq1: bool
    correction: str  # uuid


@pytest.fixture(scope="module")
def season(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Season:
    home = tmp_path_factory.mktemp("season")
    path = copy_workspace(kit.a.snapshots["fresh"], home / "branch")
    ws = open_ws(path)
    try:
        employed = next(m for m in load_roster(ws, TODAY) if m.draft.category is Category.EMPLOYED)
        add_base(
            ws, employed.uuid, "2026-09", Category.EMPLOYED, gross=GROSS, income_tax=INCOME_TAX, social=SOCIAL
        )
        with ws.read() as conn:
            locked_before = [p.code() for p, _ in records.locked_periods(conn)]
        views = records.load_records(ws)
        sept = next(v for v in views if v.draft.date.month == 9)
        sept_locked_before = sept.locked

        packages, exported, heads, head_after = {}, {}, {}, {}

        def export(seq: int) -> None:
            period, now = A_EXPORTS[seq]
            with ws.read() as conn:
                heads[seq] = head_hash(conn)
            packages[seq] = home / f"A-{period}.bbpkg"
            exported[seq] = export_package(ws, Period.parse(period), packages[seq], PASSPHRASE, now=now)
            with ws.read() as conn:
                head_after[seq] = head_hash(conn)

        export(1)
        after = {v.uuid: v for v in records.load_records(ws)}
        sept_locked_after = after[sept.uuid].locked
        oct_locked = next(v for v in after.values() if v.draft.date.month == 10).locked
        correction = records.correct_entry(
            ws,
            sept.uuid,
            dataclasses.replace(sept.draft, place=CORRECTED_PLACE),
            CORRECTION_REASON,
            today=dt.date(2026, 10, 20),
        )
        export(2)
        export(3)
    finally:
        ws.close()
    return Season(
        path, packages, exported, heads, head_after, locked_before, sept.uuid, sept_locked_before,
        sept_locked_after, oct_locked, correction,
    )  # fmt: skip


def data_file(path: Path, name: str) -> object:
    return json.loads(read_members(path)[name])


# ---- the manifest ---------------------------------------------------------------------------------


def test_manifest_chains_sequence_previous_hash_and_journal_head(season: Season, kit: Kit) -> None:
    previous = None
    for seq in (1, 2, 3):
        path = season.packages[seq]
        manifest = manifest_of(path)
        period, now = A_EXPORTS[seq]
        assert manifest["sequence"] == seq == season.exported[seq].sequence
        assert manifest["previous_package_sha256"] == previous
        assert manifest["journal_head"] == season.heads[seq]
        # the head is taken before the export records itself, and the export does record itself
        assert season.head_after[seq] != season.heads[seq]
        assert manifest["periods"] == [period]
        assert manifest["created_at"] == now.isoformat()
        assert manifest["branch"]["code"] == A_CODE and manifest["branch"]["name"] == A_NAME
        assert manifest["branch"]["class"] == 1
        assert manifest["key_id"] == kit.a.key.key_id
        assert manifest["format_version"] == FORMAT_VERSION
        assert manifest["schema_version"] == schema_head()
        file_sha = hashlib.sha256(path.read_bytes()).hexdigest()
        assert season.exported[seq].sha256 == file_sha
        assert (
            season.exported[seq].manifest_sha256
            == hashlib.sha256(read_members(path)[MANIFEST_NAME]).hexdigest()
        )
        previous = file_sha
    ws = open_ws(season.path)
    try:
        assert [(h.sequence, h.sha256) for h in history(ws)] == [
            (seq, season.exported[seq].sha256) for seq in (1, 2, 3)
        ]
    finally:
        ws.close()


def test_manifest_lists_every_file_with_size_and_hash_and_counts_match_the_data(season: Season) -> None:
    for seq, path in season.packages.items():
        members = read_members(path)
        manifest = json.loads(members[MANIFEST_NAME])
        listed = {item["path"]: item for item in manifest["files"]}
        assert set(listed) == set(members) - {MANIFEST_NAME, SIGNATURE_NAME}
        assert set(DATA_FILES) <= set(listed)
        for name, item in listed.items():
            assert item["size"] == len(members[name])
            assert item["sha256"] == hashlib.sha256(members[name]).hexdigest()
        data = {name: json.loads(members[name]) for name in DATA_FILES}
        expected = {
            "members": len(data["data/roster.json"]),
            "entries": len(data["data/entries.json"]),
            "corrections": len(data["data/corrections.json"]),
            "findings": len(data["data/findings.json"]),
            "dues_members": len(data["data/dues.json"]["members"]),
        }
        assert manifest["counts"] == expected == season.exported[seq].counts
        assert expected["members"] > 0 and expected["dues_members"] > 0, seq
        # the entries are the period's, and only those
        period = Period.parse(manifest["periods"][0])
        assert all(period.contains(dt.date.fromisoformat(e["date"])) for e in data["data/entries.json"])
        # canonical data files: UTF-8 JSON with sorted keys and no insignificant whitespace
        for name in DATA_FILES:
            assert members[name] == canonical_bytes(json.loads(members[name])), name
    assert manifest_of(season.packages[2])["counts"]["entries"] >= 1


# ---- locking and corrections ----------------------------------------------------------------------


def test_export_locks_the_period_updates_are_refused_corrections_are_not(season: Season) -> None:
    assert season.locked_before == []
    assert season.sept_locked_before is False and season.sept_locked_after is True
    assert season.oct_locked_after_seq1 is False  # only the exported period is locked
    ws = open_ws(season.path)
    try:
        with ws.read() as conn:
            locks = {p.code(): state for p, state in records.locked_periods(conn)}
            head = head_hash(conn)
        assert locks == {"2026-09": "submitted", "2026-10": "submitted", "2026-11": "submitted"}
        views = {v.uuid: v for v in records.load_records(ws)}
        sept = views[season.sept_entry]
        assert sept.locked and sept.original.place != CORRECTED_PLACE
        assert sept.draft.place == CORRECTED_PLACE  # the correction was accepted
        assert [c.uuid for c in sept.corrections] == [season.correction]
        with pytest.raises(UserError, match="已上报"):
            records.update_entry(
                ws, sept.uuid, dataclasses.replace(sept.original, place="直接改"), today=TODAY
            )
        with pytest.raises(UserError):
            records.delete_entry(ws, sept.uuid)
        with ws.read() as conn:
            assert head_hash(conn) == head  # the refused changes left no trace
        assert records.get_record(ws, sept.uuid).draft.place == CORRECTED_PLACE
    finally:
        ws.close()


def test_the_next_package_carries_the_correction_and_the_one_after_does_not(season: Season) -> None:
    assert data_file(season.packages[1], "data/corrections.json") == []
    carried = data_file(season.packages[2], "data/corrections.json")
    assert isinstance(carried, list) and len(carried) == 1
    (correction,) = carried
    assert correction["uuid"] == season.correction
    assert correction["entry_uuid"] == season.sept_entry
    assert correction["reason"] == CORRECTION_REASON
    assert correction["made_on"] == "2026-10-20"
    assert correction["entry"]["uuid"] == season.sept_entry
    assert correction["entry"]["place"] == CORRECTED_PLACE
    assert manifest_of(season.packages[2])["counts"]["corrections"] == 1
    assert data_file(season.packages[3], "data/corrections.json") == []
    assert manifest_of(season.packages[3])["counts"]["corrections"] == 0
    # September's own package still says what the entry said when it was sent
    sent = next(
        e for e in data_file(season.packages[1], "data/entries.json") if e["uuid"] == season.sept_entry
    )
    assert sent["place"] != CORRECTED_PLACE


# ---- what the package holds -----------------------------------------------------------------------


def test_no_salaries_in_any_package(season: Season) -> None:
    for path in season.packages.values():
        raw = path.read_bytes()
        plain = b"\n".join(read_members(path).values())
        for secret in (GROSS, INCOME_TAX, SOCIAL, *BASES):
            assert secret.encode() not in raw and secret.encode() not in plain, (path.name, secret)
        for word in (b'"gross"', b'"income_tax"', b'"social"', b'"base"'):
            assert word not in plain, (path.name, word)
    # the salary did reach the dues: the member's October dues are the top band's, from that base
    dues = data_file(season.packages[2], "data/dues.json")
    assert isinstance(dues, dict)
    top = [m for m in dues["members"] if m["monthly"] == "1888.89"]  # 2% of 94444.34
    assert len(top) == 1 and top[0]["band"] == "基数 > 10000：2%"


def test_roster_is_as_of_the_period_end(kit: Kit) -> None:
    roster = data_file(kit.b.packages[1], "data/roster.json")
    assert isinstance(roster, list)
    names = sorted(m["name"] for m in roster)
    assert names == sorted(m.name for m in B_MEMBERS if m.name != B_LATE_JOINER)
    late = next(m for m in B_MEMBERS if m.name == B_LATE_JOINER)
    assert late.joined.iso() > "2026-10-31"
    assert manifest_of(kit.b.packages[1])["counts"]["members"] == len(B_MEMBERS) - 1
    # status as of the period end: the probationary member is probationary
    zhou = next(m for m in roster if m["name"] == "周五")
    assert zhou["status"] == "probationary"


# ---- refusals that write nothing ------------------------------------------------------------------


def _nothing_written(ws_path: Path, target: Path, head: str) -> None:
    assert not target.exists()
    assert not list(target.parent.glob("*.part"))
    ws = open_ws(ws_path)
    try:
        with ws.read() as conn:
            assert records.locked_periods(conn) == []
            assert head_hash(conn) == head
        assert history(ws) == []
    finally:
        ws.close()


def _fresh(kit: Kit, tmp_path: Path) -> tuple[Path, str]:
    path = copy_workspace(kit.a.snapshots["fresh"], tmp_path / "branch")
    ws = open_ws(path)
    with ws.read() as conn:
        head = head_hash(conn)
    ws.close()
    return path, head


def test_unfinished_period_is_refused(kit: Kit, tmp_path: Path) -> None:
    path, head = _fresh(kit, tmp_path)
    target = tmp_path / "out" / "dec.bbpkg"
    ws = open_ws(path)
    try:
        with pytest.raises(UserError, match="尚未结束"):
            export_package(ws, Period.parse("2026-12"), target, PASSPHRASE, now=at(2026, 12, 30, 23))
        with pytest.raises(UserError, match="尚未结束"):
            export_package(ws, Period.parse("2026Q4"), target, PASSPHRASE, now=at(2026, 12, 1))
    finally:
        ws.close()
    _nothing_written(path, target, head)


def test_wrong_passphrase_is_refused_and_nothing_is_written(kit: Kit, tmp_path: Path) -> None:
    path, head = _fresh(kit, tmp_path)
    target = tmp_path / "out" / "sep.bbpkg"
    ws = open_ws(path)
    try:
        with pytest.raises(UserError, match="口令不正确"):
            export_package(ws, Period.parse("2026-09"), target, "not the passphrase", now=A_EXPORTS[1][1])
        with pytest.raises(UserError, match="age1"):
            export_package(
                ws,
                Period.parse("2026-09"),
                target,
                PASSPHRASE,
                encrypt_to="age1nonsense",
                now=A_EXPORTS[1][1],
            )
    finally:
        ws.close()
    _nothing_written(path, target, head)


# ---- the stock tools ------------------------------------------------------------------------------


def _extract(package: Path, folder: Path) -> dict[str, object]:
    folder.mkdir(parents=True)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)  # our own package, just made: safe to extract for the tools
    return json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))


def test_stock_minisign_and_sha256sum_verify_our_package(season: Season, kit: Kit, tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    manifest = _extract(season.packages[2], folder)
    card = tmp_path / "card.pub"
    card.write_text(kit.a.card_text, encoding="utf-8")
    done = subprocess.run(
        [MINISIGN, "-Vm", MANIFEST_NAME, "-p", str(card)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    manifest_sha = hashlib.sha256((folder / MANIFEST_NAME).read_bytes()).hexdigest()
    assert f"BranchBook package branch={A_CODE} seq=2 manifest_sha256={manifest_sha}" in done.stdout

    assert isinstance(manifest["files"], list)
    sums = "".join(f"{item['sha256']}  {item['path']}\n" for item in manifest["files"])
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    done = subprocess.run(
        [SHA256SUM, "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(line.split(":")[0] for line in done.stdout.splitlines()) == sorted(DATA_FILES)

    # …and the tools do notice tampering (so the passes above mean something)
    roster = folder / "data" / "roster.json"
    roster.write_bytes(roster.read_bytes().replace(b'"name":"', b'"name":"X', 1))
    assert subprocess.run([SHA256SUM, "-c", "SHA256SUMS"], cwd=folder, capture_output=True).returncode != 0
    manifest_file = folder / MANIFEST_NAME
    manifest_file.write_bytes(manifest_file.read_bytes().replace(b'"sequence":2', b'"sequence":9'))
    done = subprocess.run([MINISIGN, "-Vm", MANIFEST_NAME, "-p", str(card)], cwd=folder, capture_output=True)
    assert done.returncode != 0


def test_encrypted_export_opens_with_stock_age_to_the_same_package(kit: Kit, tmp_path: Path) -> None:
    identity = tmp_path / "committee.agekey"
    subprocess.run([AGE_KEYGEN, "-o", str(identity)], check=True, capture_output=True, timeout=30)
    recipient = next(
        line.split(":", 1)[1].strip()
        for line in identity.read_text(encoding="ascii").splitlines()
        if line.startswith("# public key:")
    )
    path, _ = _fresh(kit, tmp_path)
    target = tmp_path / "out" / "sep.bbpkg.age"
    ws = open_ws(path)
    try:
        result = export_package(
            ws, Period.parse("2026-09"), target, PASSPHRASE, encrypt_to=recipient, now=A_EXPORTS[1][1]
        )
        assert result.encrypted and history(ws)[0].encrypted
    finally:
        ws.close()
    sealed = target.read_bytes()
    assert sealed.startswith(b"age-encryption.org/v1\n")
    assert not zipfile.is_zipfile(target)
    for secret in (b"roster.json", A_NAME.encode()):
        assert secret not in sealed
    plain_path = tmp_path / "plain.bbpkg"
    done = subprocess.run(
        [AGE, "-d", "-i", str(identity), "-o", str(plain_path), str(target)], capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    plain = plain_path.read_bytes()
    assert hashlib.sha256(plain).hexdigest() == result.sha256
    unpacked = verify_with_public_key(plain, kit.a.card_text)
    assert unpacked.manifest.sequence == 1 and unpacked.manifest.periods == ["2026-09"]
    # the same workspace state exported at the same time gives the very same package as the kit's
    assert plain == kit.a.packages[1].read_bytes()


def test_same_data_sealed_twice_is_byte_identical(kit: Kit, tmp_path: Path) -> None:
    path, _ = _fresh(kit, tmp_path)
    ws = open_ws(path)
    try:
        pair = signing_keys.unlock(ws, PASSPHRASE)
        period, now = A_EXPORTS[1]
        header = manifest_of(kit.a.packages[1])
        header = {
            k: v
            for k, v in header.items()
            if k not in ("format", "format_version", "data_version", "key_id", "files")
        }
        packages = []
        for _ in range(2):
            data = package_data(ws, Period.parse(period), None, now.date())
            files = {name: canonical_bytes(value) for name, value in data.items()}
            packages.append(seal(files, header, pair)[0])
    finally:
        ws.close()
    assert packages[0] == packages[1]
    assert packages[0] == kit.a.packages[1].read_bytes()
