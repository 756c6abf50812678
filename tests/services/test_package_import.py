"""Importing packages into a committee workspace: every refusal with its reason and nothing written, dry
runs, re-imports, updates, sequence gaps, folders and encrypted packages.

Tampered packages are made the way a tamperer or a bad USB stick would make them: re-zipped with the
standard library, cut short, or re-signed with a real but wrong key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from app.domain.periods import Period
from app.io.package import minisign
from app.io.package.age_crypt import encrypt
from app.io.package.package_file import MANIFEST_NAME, SIGNATURE_NAME
from app.services import committee_keys, package_export
from app.services.package_import import Outcome, import_packages
from app.storage.workspace import Workspace
from tests.fixtures.packages import (
    A_CODE,
    A_EXPORTS,
    B_CODE,
    NEW_PHONE,
    PASSPHRASE,
    CommitteeState,
    Kit,
    committee_fixture,  # noqa: F401
    committee_state,
    copy_workspace,
    kit_fixture,  # noqa: F401
    manifest_of,
    open_ws,
    read_members,
    reseal,
    rezip,
    sign_manifest,
)


def one(ws: Workspace, path: Path, **kwargs: object) -> Outcome:
    (outcome,) = import_packages(ws, [path], **kwargs)  # type: ignore[arg-type]
    return outcome


def assert_rejected(ws: Workspace, path: Path, reason: str, before: CommitteeState | None = None) -> Outcome:
    """Refused with `reason`, and the committee workspace exactly as it was."""
    before = before or committee_state(ws)
    outcome = one(ws, path)
    assert (outcome.status, outcome.reason) == ("rejected", reason), outcome.message
    assert outcome.message  # a sentence for the clerk
    assert committee_state(ws) == before
    return outcome


# ---- refusals, each with nothing written ----------------------------------------------------------

Builder = Callable[[Kit, Path], Path]


def _members(kit: Kit, seq: int = 1) -> dict[str, bytes]:
    return read_members(kit.a.packages[seq])


def changed_data_byte(kit: Kit, tmp: Path) -> Path:
    files = _members(kit)
    roster = files["data/roster.json"]
    i = roster.index(b'"phone":"1') + len(b'"phone":"1')
    files["data/roster.json"] = roster[:i] + (b"9" if roster[i : i + 1] != b"9" else b"8") + roster[i + 1 :]
    return rezip(files, tmp / "byte.bbpkg")


def added_file(kit: Kit, tmp: Path) -> Path:
    return rezip({**_members(kit), "data/extra.json": b"[]"}, tmp / "added.bbpkg")


def removed_file(kit: Kit, tmp: Path) -> Path:
    files = _members(kit)
    del files["data/findings.json"]
    return rezip(files, tmp / "removed.bbpkg")


def removed_signature(kit: Kit, tmp: Path) -> Path:
    files = _members(kit)
    del files[SIGNATURE_NAME]
    return rezip(files, tmp / "unsigned.bbpkg")


def edited_manifest(kit: Kit, tmp: Path) -> Path:
    files = _members(kit)
    manifest = json.loads(files[MANIFEST_NAME])
    manifest["counts"]["members"] += 1
    files[MANIFEST_NAME] = json.dumps(
        manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()
    return rezip(files, tmp / "manifest.bbpkg")


def unknown_key(kit: Kit, tmp: Path) -> Path:
    return reseal(kit.a.packages[1], minisign.generate(), tmp / "stranger.bbpkg")


def wrong_branch(kit: Kit, tmp: Path) -> Path:
    return reseal(kit.a.packages[1], kit.b.pair, tmp / "a-by-b.bbpkg")


def dot_dot(kit: Kit, tmp: Path) -> Path:
    return rezip({**_members(kit), "../escape.json": b"[]"}, tmp / "dotdot.bbpkg")


def absolute(kit: Kit, tmp: Path) -> Path:
    return rezip({**_members(kit), "/tmp/escape.json": b"[]"}, tmp / "absolute.bbpkg")


def symlink(kit: Kit, tmp: Path) -> Path:
    return rezip(_members(kit), tmp / "link.bbpkg", symlinks={"data/passwd.json": "/etc/passwd"})


def bomb(kit: Kit, tmp: Path) -> Path:
    path = rezip({**_members(kit), "data/zeros.json": bytes(32 * 1024 * 1024)}, tmp / "bomb.bbpkg")
    assert path.stat().st_size < 200 * 1024  # 32 MB of zeros in a few dozen KB: a real bomb
    return path


def truncated(kit: Kit, tmp: Path) -> Path:
    data = kit.a.packages[1].read_bytes()
    target = tmp / "cut.bbpkg"
    target.write_bytes(data[: len(data) * 2 // 3])
    return target


def too_new_format(kit: Kit, tmp: Path) -> Path:
    files = {k: v for k, v in _members(kit).items() if k not in (MANIFEST_NAME, SIGNATURE_NAME)}
    manifest = {**manifest_of(kit.a.packages[1]), "format_version": 2}
    target = tmp / "v2.bbpkg"
    target.write_bytes(sign_manifest(files, manifest, kit.a.pair))
    return target


def too_new_data(kit: Kit, tmp: Path) -> Path:
    files = {k: v for k, v in _members(kit).items() if k not in (MANIFEST_NAME, SIGNATURE_NAME)}
    manifest = {**manifest_of(kit.a.packages[1]), "data_version": 7}
    target = tmp / "d7.bbpkg"
    target.write_bytes(sign_manifest(files, manifest, kit.a.pair))
    return target


def not_zip(kit: Kit, tmp: Path) -> Path:
    target = tmp / "notes.bbpkg"
    target.write_text("这不是上报包，是一份会议记录。\n" * 20, encoding="utf-8")
    return target


def encrypted_to_someone(kit: Kit, tmp: Path) -> Path:
    from app.io.package.age_crypt import generate_identity, recipient_of

    target = tmp / "sealed.bbpkg.age"
    target.write_bytes(encrypt(kit.a.packages[1].read_bytes(), recipient_of(generate_identity())))
    return target


REFUSALS: list[tuple[Builder, str]] = [
    (changed_data_byte, "hash"),
    (added_file, "file_set"),
    (removed_file, "file_set"),
    (removed_signature, "file_set"),
    (edited_manifest, "signature"),
    (unknown_key, "unknown_key"),
    (wrong_branch, "wrong_branch"),
    (dot_dot, "unsafe_path"),
    (absolute, "unsafe_path"),
    (symlink, "unsafe_path"),
    (bomb, "bomb"),
    (truncated, "truncated"),
    (too_new_format, "too_new"),
    (too_new_data, "too_new"),
    (not_zip, "not_zip"),
    (encrypted_to_someone, "encrypted"),
]


@pytest.mark.parametrize(("build", "reason"), REFUSALS, ids=[b.__name__ for b, _ in REFUSALS])
def test_refused_with_reason_and_nothing_written(
    build: Builder, reason: str, kit: Kit, committee: Workspace, tmp_path: Path
) -> None:
    path = build(kit, tmp_path)
    outcome = assert_rejected(committee, path, reason)
    assert outcome.file == str(path)
    assert committee_state(committee).evidence == ()
    # the genuine package still imports afterwards: the refusal did not poison anything
    assert one(committee, kit.a.packages[1]).status == "imported"


def test_checks_run_in_the_design_order(kit: Kit, committee: Workspace, tmp_path: Path) -> None:
    """size → safe unzip → file set → signature → hashes → versions: the first failing step is reported."""
    files = _members(kit)
    manifest = json.loads(files[MANIFEST_NAME])
    manifest["sequence"] = 7
    edited = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    # an unsafe path beats an extra file; an extra file beats a bad signature
    assert_rejected(
        committee,
        rezip({**files, "../x.json": b"[]", "data/x.json": b"[]"}, tmp_path / "1.bbpkg"),
        "unsafe_path",
    )
    assert_rejected(
        committee,
        rezip({**files, MANIFEST_NAME: edited, "data/x.json": b"[]"}, tmp_path / "2.bbpkg"),
        "file_set",
    )
    # a bad signature beats a changed data file
    changed = read_members(changed_data_byte(kit, tmp_path))
    assert_rejected(committee, rezip({**changed, MANIFEST_NAME: edited}, tmp_path / "3.bbpkg"), "signature")
    # a changed data file beats a version that is too new
    data = {k: v for k, v in changed.items() if k not in (MANIFEST_NAME, SIGNATURE_NAME)}
    newer = {**manifest_of(kit.a.packages[1]), "format_version": 2}
    target = tmp_path / "4.bbpkg"
    target.write_bytes(sign_manifest(data, newer, kit.a.pair))
    assert_rejected(committee, target, "hash")


def test_tampered_packages_made_with_stdlib_still_import_when_untouched(
    kit: Kit, committee: Workspace, tmp_path: Path
) -> None:
    """The refusals above are about the changes, not about our zip writer: a faithful re-zip imports."""
    path = rezip(_members(kit), tmp_path / "rezipped.bbpkg")
    assert path.read_bytes() != kit.a.packages[1].read_bytes()
    outcome = one(committee, path)
    assert outcome.status == "imported", outcome.message


def test_revoked_key_is_refused(kit: Kit, committee: Workspace) -> None:
    committee_keys.revoke(committee, kit.a.key.key_id, "钥匙文件丢失")
    outcome = assert_rejected(committee, kit.a.packages[1], "revoked_key")
    assert (outcome.branch, outcome.seq) == (A_CODE, 1)
    assert one(committee, kit.b.packages[1]).status == "imported"  # other branches are unaffected


def test_unknown_key_when_the_branch_was_never_enrolled(kit: Kit, tmp_path: Path) -> None:
    from app.services import workspaces

    ws = workspaces.create_committee(tmp_path / "only-a.branchbook", name="另一党委", code="C02")
    try:
        committee_keys.enroll(ws, kit.a.card_text)
        outcome = assert_rejected(ws, kit.b.packages[1], "unknown_key")
        assert outcome.branch == B_CODE
    finally:
        ws.close()


def test_replay_unchanged_and_conflict(kit: Kit, committee: Workspace, tmp_path: Path) -> None:
    first = import_packages(committee, [kit.a.packages[1], kit.a.packages[2]])
    assert [o.status for o in first] == ["imported", "imported"]
    after = committee_state(committee)
    # the identical seq 1 again: unchanged, nothing written
    again = one(committee, kit.a.packages[1])
    assert again.status == "unchanged" and again.reason == ""
    assert committee_state(committee) == after
    # a seq 1 with other content (properly signed by A): the same number, different content
    other = reseal(
        kit.a.packages[1], kit.a.pair, tmp_path / "other-1.bbpkg", created_at="2026-10-06T08:00:00+08:00"
    )
    assert other.read_bytes() != kit.a.packages[1].read_bytes()
    assert_rejected(committee, other, "conflict", after)
    # the same for seq 2
    other2 = reseal(kit.a.packages[2], kit.a.pair, tmp_path / "other-2.bbpkg", app_version="9.9.9")
    assert_rejected(committee, other2, "conflict", after)


def test_an_older_package_never_imported_is_a_replay(kit: Kit, committee: Workspace) -> None:
    assert one(committee, kit.a.packages[2]).status == "imported"
    assert_rejected(committee, kit.a.packages[1], "replay")


def test_a_package_that_names_another_predecessor_breaks_the_chain(
    kit: Kit, committee: Workspace, tmp_path: Path
) -> None:
    assert one(committee, kit.a.packages[1]).status == "imported"
    forged = reseal(kit.a.packages[2], kit.a.pair, tmp_path / "fork.bbpkg", previous_package_sha256="0" * 64)
    assert_rejected(committee, forged, "chain")


# ---- dry run, re-import, updates, gaps -------------------------------------------------------------


def test_dry_run_reports_counts_and_writes_nothing(kit: Kit, committee: Workspace) -> None:
    before = committee_state(committee)
    outcomes = import_packages(
        committee, [kit.a.packages[1], kit.a.packages[2], kit.b.packages[1]], dry_run=True
    )
    assert [o.status for o in outcomes] == ["would_import"] * 3
    assert committee_state(committee) == before
    assert not (committee.folder / "packages").exists()
    first, second, b = outcomes
    roster1 = json.loads(read_members(kit.a.packages[1])["data/roster.json"])
    entries1 = json.loads(read_members(kit.a.packages[1])["data/entries.json"])
    assert first.diff.as_dict() == {
        "new": len(roster1) + len(entries1),
        "updated": 0,
        "unchanged": 0,
        "conflicting": 0,
    }
    # within the dry run, seq 2 is compared with seq 1 as if it had been imported
    entries2 = json.loads(read_members(kit.a.packages[2])["data/entries.json"])
    assert second.diff.new == len(entries2) and second.diff.unchanged == len(roster1)
    assert b.branch == B_CODE and b.diff.new == len(
        json.loads(read_members(kit.b.packages[1])["data/roster.json"])
    )
    # and the real import reports the same
    real = import_packages(committee, [kit.a.packages[1], kit.a.packages[2], kit.b.packages[1]])
    assert [o.status for o in real] == ["imported"] * 3
    assert [o.diff.as_dict() for o in real] == [o.diff.as_dict() for o in outcomes]


def test_dry_run_after_an_import_reports_unchanged(kit: Kit, committee: Workspace) -> None:
    one(committee, kit.a.packages[1])
    before = committee_state(committee)
    outcome = one(committee, kit.a.packages[1], dry_run=True)
    assert outcome.status == "unchanged"
    assert (
        outcome.diff.unchanged
        == manifest_of(kit.a.packages[1])["counts"]["members"]
        + manifest_of(kit.a.packages[1])["counts"]["entries"]
    )
    assert committee_state(committee) == before


def test_dry_run_of_an_empty_folder_reports_nothing(committee: Workspace, tmp_path: Path) -> None:
    empty = tmp_path / "usb"
    empty.mkdir()
    assert import_packages(committee, [empty]) == []
    # a dry run must behave the same; it must not crash on an empty list of packages
    assert import_packages(committee, [empty], dry_run=True) == []


def test_import_then_identical_reimport_is_a_no_op(kit: Kit, committee: Workspace, tmp_path: Path) -> None:
    outcome = one(committee, kit.a.packages[1])
    assert (outcome.status, outcome.branch, outcome.seq, outcome.periods) == (
        "imported",
        A_CODE,
        1,
        ("2026-09",),
    )
    state = committee_state(committee)
    assert state.received == 1 and state.members == manifest_of(kit.a.packages[1])["counts"]["members"]
    evidence = committee.folder / "packages" / A_CODE / "000001.bbpkg"
    assert state.evidence == (f"packages/{A_CODE}", f"packages/{A_CODE}/000001.bbpkg")
    assert evidence.read_bytes() == kit.a.packages[1].read_bytes()
    # the same bytes under another name are still the same package
    copy = tmp_path / "copy-of-first.bbpkg"
    copy.write_bytes(kit.a.packages[1].read_bytes())
    for path in (kit.a.packages[1], copy):
        again = one(committee, path)
        assert again.status == "unchanged"
        assert committee_state(committee) == state


def test_a_later_package_updates_members(kit: Kit, committee: Workspace) -> None:
    outcomes = import_packages(committee, [kit.a.packages[1], kit.a.packages[2]])
    assert [o.status for o in outcomes] == ["imported"] * 2
    assert outcomes[1].diff.updated == 0
    before = committee_state(committee)
    dry = one(committee, kit.a.packages[3], dry_run=True)
    assert dry.status == "would_import" and dry.diff.updated >= 1
    assert committee_state(committee) == before
    third = one(committee, kit.a.packages[3])
    assert third.status == "imported"
    assert third.diff.as_dict() == dry.diff.as_dict()
    assert third.diff.updated >= 1 and third.diff.conflicting == 0
    with committee.read() as conn:
        payload = conn.exec_driver_sql(
            "SELECT payload FROM branch_record WHERE branch_code = ? AND kind = 'member' AND uuid = ?",
            (A_CODE, kit.phone_member),
        ).scalar()
        as_of = {
            r[0]
            for r in conn.exec_driver_sql("SELECT as_of FROM branch_member WHERE branch_code = ?", (A_CODE,))
        }
    assert json.loads(payload)["phone"] == NEW_PHONE
    assert as_of == {"2026-11-30"}


def test_sequence_gap_is_reported(kit: Kit, committee: Workspace) -> None:
    outcomes = import_packages(committee, [kit.a.packages[1], kit.a.packages[3]])
    assert [o.status for o in outcomes] == ["imported", "imported"]
    assert outcomes[0].gaps == () and outcomes[1].gaps == (2,)
    assert "2" in outcomes[1].message
    from app.services.committee_reports import branch_overview

    overview = {r.code: r for r in branch_overview(committee)}
    assert overview[A_CODE].gaps == (2,) and overview[A_CODE].last_sequence == 3


def test_folder_import_gives_one_outcome_per_package(kit: Kit, committee: Workspace, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    (usb / "二车间").mkdir(parents=True)
    for seq in (1, 2):
        (usb / kit.a.packages[seq].name).write_bytes(kit.a.packages[seq].read_bytes())
    (usb / "二车间" / kit.b.packages[1].name).write_bytes(kit.b.packages[1].read_bytes())
    changed_data_byte(kit, tmp_path).replace(usb / "A-tampered.bbpkg")
    (usb / "说明.txt").write_text("不是上报包", encoding="utf-8")
    outcomes = import_packages(committee, [usb])
    by_name = {Path(o.file).name: o for o in outcomes}
    assert len(outcomes) == 4
    assert {n: (o.status, o.reason) for n, o in by_name.items()} == {
        kit.a.packages[1].name: ("imported", ""),
        kit.a.packages[2].name: ("imported", ""),
        kit.b.packages[1].name: ("imported", ""),
        "A-tampered.bbpkg": ("rejected", "hash"),
    }
    state = committee_state(committee)
    assert state.received == 3
    assert len(state.evidence) == 3 + 2  # three files in two branch folders


# ---- encrypted packages --------------------------------------------------------------------------


def test_encrypted_package_imports_with_the_receiving_key(
    kit: Kit, committee: Workspace, tmp_path: Path
) -> None:
    recipient = committee_keys.create_receiving_key(committee, PASSPHRASE)
    assert recipient.startswith("age1") and committee_keys.receiving_recipient(committee) == recipient
    branch = open_ws(copy_workspace(kit.a.snapshots["fresh"], tmp_path / "branch"))
    try:
        package_export.set_package_recipient(branch, recipient)
        assert package_export.package_recipient(branch) == recipient
        period, now = A_EXPORTS[1]
        target = tmp_path / "sep.bbpkg.age"
        result = package_export.export_package(
            branch, Period.parse(period), target, PASSPHRASE, encrypt_to=recipient, now=now
        )
    finally:
        branch.close()
    assert target.read_bytes().startswith(b"age-encryption.org/v1")
    before = committee_state(committee)
    for passphrase in (None, "a wrong passphrase"):
        outcome = one(committee, target, passphrase=passphrase)
        assert (outcome.status, outcome.reason) == ("rejected", "encrypted"), outcome.message
        assert committee_state(committee) == before
    outcome = one(committee, target, passphrase=PASSPHRASE)
    assert (outcome.status, outcome.branch, outcome.seq) == ("imported", A_CODE, 1), outcome.message
    evidence = committee.folder / "packages" / A_CODE / "000001.bbpkg"
    plain = evidence.read_bytes()
    assert plain.startswith(b"PK\x03\x04")
    assert hashlib.sha256(plain).hexdigest() == result.sha256  # the decrypted package is kept as evidence
    with committee.read() as conn:
        sha = conn.exec_driver_sql("SELECT sha256 FROM received_package").scalar()
    assert sha == result.sha256
    # the encrypted file again is the same package: unchanged
    assert one(committee, target, passphrase=PASSPHRASE).status == "unchanged"
