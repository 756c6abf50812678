"""The committee side: pinned keys (enrol, revoke, handover) and the reports over imported packages
(summary, completeness, roster statistics, class marks, the Excel summary)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.domain.periods import Period, PeriodKind
from app.io.package import minisign
from app.services import committee_keys, committee_reports, package_export, signing_keys, workspaces
from app.services.errors import UserError
from app.services.package_import import import_packages
from app.storage.workspace import Workspace
from tests.fixtures.branch import TODAY
from tests.fixtures.packages import (
    A_CODE,
    A_EXPORTS,
    A_NAME,
    B_CODE,
    B_NAME,
    PASSPHRASE,
    Kit,
    committee_fixture,  # noqa: F401
    committee_state,
    copy_workspace,
    kit_fixture,  # noqa: F401
    open_ws,
    read_members,
)

NEW_PASSPHRASE = "a new secretary's passphrase"
HANDOVER_DAY = dt.date(2026, 11, 25)  # after A's seq 2 (Nov 15), before its seq 3 (Dec 2)


def keys_of(ws: Workspace) -> dict[str, tuple[str, str, dt.date | None]]:
    return {k.key_id: (k.branch_code, k.state, k.ended_on) for k in committee_keys.enrolled_keys(ws)}


def card_for(code: str) -> tuple[str, minisign.KeyPair]:
    pair = minisign.generate()
    key_id = minisign.key_id_text(pair.key_id)
    return minisign.public_key_file_text(
        pair.key_id, pair.public, f"BranchBook branch={code} key={key_id}"
    ), pair


# ---- enrolment and revocation ---------------------------------------------------------------------


def test_enrol_shows_the_branch_fingerprint(kit: Kit, tmp_path: Path) -> None:
    ws = workspaces.create_committee(tmp_path / "c.branchbook", name="党委", code="C9")
    try:
        card = committee_keys.read_key_card(kit.a.card_text)
        assert (card.key_id, card.fingerprint, card.branch_code) == (
            kit.a.key.key_id,
            kit.a.key.fingerprint,
            A_CODE,
        )
        view = committee_keys.enroll(ws, kit.a.card_text, today=TODAY)
        assert view.fingerprint == kit.a.key.fingerprint
        assert len(view.fingerprint.split()) == 8 and all(len(g) == 4 for g in view.fingerprint.split())
        assert (view.branch_code, view.key_id, view.public_key, view.state) == (
            A_CODE, kit.a.key.key_id, kit.a.key.public_key, "active",
        )  # fmt: skip
        (branch,) = committee_keys.enrolled_branches(ws)
        assert branch.code == A_CODE and branch.enrolled_on == TODAY
        # the first package fills in the branch's name and class from its signed manifest
        assert import_packages(ws, [kit.a.packages[1]])[0].status == "imported"
        (branch,) = committee_keys.enrolled_branches(ws)
        assert (branch.name, branch.org_class) == (A_NAME, 1)
    finally:
        ws.close()


def test_enrolling_a_branch_workspace_is_refused(kit: Kit, tmp_path: Path) -> None:
    branch = open_ws(copy_workspace(kit.b.snapshots["fresh"], tmp_path / "b"))
    try:
        with pytest.raises(UserError, match="支部工作区"):
            committee_keys.enroll(branch, kit.a.card_text)
    finally:
        branch.close()


def test_the_same_key_twice_is_refused(kit: Kit, committee: Workspace) -> None:
    before = keys_of(committee)
    with pytest.raises(UserError, match="已经登记过"):
        committee_keys.enroll(committee, kit.a.card_text)
    # even under another branch code
    with pytest.raises(UserError, match="已经登记过"):
        committee_keys.enroll(committee, kit.a.card_text, branch_code="0999")
    assert keys_of(committee) == before


def test_a_second_active_key_for_a_branch_is_refused_until_the_first_is_revoked(
    kit: Kit, committee: Workspace
) -> None:
    card, _ = card_for(A_CODE)
    before = committee_state(committee)
    keys_before = keys_of(committee)
    with pytest.raises(UserError, match="已有有效密钥"):
        committee_keys.enroll(committee, card)
    assert keys_of(committee) == keys_before and committee_state(committee) == before
    committee_keys.revoke(committee, kit.a.key.key_id, "旧钥匙泄露", today=dt.date(2026, 11, 30))
    view = committee_keys.enroll(committee, card)
    assert view.state == "active" and view.branch_code == A_CODE
    assert keys_of(committee)[kit.a.key.key_id] == (A_CODE, "revoked", dt.date(2026, 11, 30))


def test_revoke(kit: Kit, committee: Workspace) -> None:
    with pytest.raises(UserError, match="原因"):
        committee_keys.revoke(committee, kit.a.key.key_id, "  ")
    with pytest.raises(UserError, match="没有登记"):
        committee_keys.revoke(committee, "0123456789ABCDEF", "不存在")
    committee_keys.revoke(committee, kit.a.key.key_id.lower(), "U盘丢失", today=dt.date(2026, 11, 22))
    view = next(k for k in committee_keys.enrolled_keys(committee) if k.key_id == kit.a.key.key_id)
    assert (view.state, view.ended_on, view.reason, view.state_label) == (
        "revoked", dt.date(2026, 11, 22), "U盘丢失", "已吊销",
    )  # fmt: skip
    with pytest.raises(UserError, match="已经吊销"):
        committee_keys.revoke(committee, kit.a.key.key_id, "再吊销一次")
    # B's key is untouched and B's packages still import; A's are refused
    assert keys_of(committee)[kit.b.key.key_id][1] == "active"
    outcomes = import_packages(committee, [kit.a.packages[1], kit.b.packages[1]])
    assert [(o.status, o.reason) for o in outcomes] == [("rejected", "revoked_key"), ("imported", "")]


# ---- handover ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandedOver:
    statement: bytes
    signature: str
    new_key: signing_keys.KeyInfo
    new_seq3: Path  # A's November package, signed with the new key


@pytest.fixture(scope="module")
def handed_over(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> HandedOver:
    """Branch A as it was after seq 2, handed over to a new secretary, then exporting November."""
    home = tmp_path_factory.mktemp("handover")
    ws = open_ws(copy_workspace(kit.a.snapshots["after-seq2"], home / "branch"))
    try:
        result = signing_keys.handover(
            ws, PASSPHRASE, NEW_PASSPHRASE, "换届，新任书记王五", today=HANDOVER_DAY
        )
        statement, signature = signing_keys.write_handover(ws, home / "handover.json")
        assert signature.name == "handover.json.minisig"
        period, now = A_EXPORTS[3]
        with pytest.raises(UserError, match="口令不正确"):  # the new key has the new passphrase
            package_export.export_package(ws, Period.parse(period), home / "x.bbpkg", PASSPHRASE, now=now)
        exported = package_export.export_package(
            ws, Period.parse(period), home / "A-2026-11-new.bbpkg", NEW_PASSPHRASE, now=now
        )
        assert exported.sequence == 3
    finally:
        ws.close()
    return HandedOver(
        statement.read_bytes(), signature.read_text(encoding="ascii"), result.new_key, exported.path
    )


def test_handover_signed_by_the_pinned_old_key_is_accepted(
    kit: Kit, committee: Workspace, handed_over: HandedOver
) -> None:
    statement = json.loads(handed_over.statement)
    assert (
        statement["old_key_id"] == kit.a.key.key_id and statement["new_key_id"] == handed_over.new_key.key_id
    )
    assert import_packages(committee, [kit.a.packages[1]])[0].status == "imported"
    view = committee_keys.accept_handover(
        committee, handed_over.statement, handed_over.signature, today=TODAY
    )
    assert view.key_id == handed_over.new_key.key_id and view.state == "active"
    assert view.fingerprint == handed_over.new_key.fingerprint
    keys = keys_of(committee)
    assert keys[kit.a.key.key_id] == (A_CODE, "replaced", HANDOVER_DAY)
    # a package the old key signed before the handover still imports
    assert import_packages(committee, [kit.a.packages[2]])[0].status == "imported"
    # one the old key signed after the handover day is refused, with nothing written
    before = committee_state(committee)
    (old,) = import_packages(committee, [kit.a.packages[3]])
    assert (old.status, old.reason) == ("rejected", "replaced_key"), old.message
    assert committee_state(committee) == before
    # the new key's package imports
    (new,) = import_packages(committee, [handed_over.new_seq3])
    assert (new.status, new.seq) == ("imported", 3), new.message
    # the same statement a second time is refused (the old key is no longer active)
    with pytest.raises(UserError):
        committee_keys.accept_handover(committee, handed_over.statement, handed_over.signature)
    # and the branch overview shows the new key as the branch's key
    overview = {r.code: r for r in committee_reports.branch_overview(committee, today=TODAY)}
    assert overview[A_CODE].key_id == handed_over.new_key.key_id and overview[A_CODE].key_state == "有效"


def test_handover_signed_by_another_key_is_refused(
    kit: Kit, committee: Workspace, handed_over: HandedOver
) -> None:
    before = keys_of(committee)
    for pair in (kit.b.pair, minisign.generate()):
        forged = minisign.sign(handed_over.statement, pair, "BranchBook key handover")
        with pytest.raises(UserError, match="签名无效"):
            committee_keys.accept_handover(committee, handed_over.statement, forged)
    # a statement changed to name someone else's key, under the genuine signature
    _, evil = card_for(A_CODE)
    statement = json.loads(handed_over.statement)
    statement["new_key_id"] = minisign.key_id_text(evil.key_id)
    statement["new_public_key"] = minisign.public_key_line(evil.key_id, evil.public)
    changed = json.dumps(statement, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(UserError, match="签名无效"):
        committee_keys.accept_handover(committee, changed, handed_over.signature)
    assert keys_of(committee) == before


def test_handover_whose_old_key_is_revoked_is_refused(
    kit: Kit, committee: Workspace, handed_over: HandedOver
) -> None:
    committee_keys.revoke(committee, kit.a.key.key_id, "泄露")
    before = keys_of(committee)
    with pytest.raises(UserError, match="已吊销"):
        committee_keys.accept_handover(committee, handed_over.statement, handed_over.signature)
    assert keys_of(committee) == before
    (new,) = import_packages(committee, [handed_over.new_seq3])
    assert (new.status, new.reason) == ("rejected", "unknown_key")


def test_handover_for_a_key_never_pinned_is_refused(
    kit: Kit, handed_over: HandedOver, tmp_path: Path
) -> None:
    ws = workspaces.create_committee(tmp_path / "c.branchbook", name="党委", code="C9")
    try:
        committee_keys.enroll(ws, kit.b.card_text)
        with pytest.raises(UserError, match="没有登记"):
            committee_keys.accept_handover(ws, handed_over.statement, handed_over.signature)
        assert len(committee_keys.enrolled_keys(ws)) == 1
    finally:
        ws.close()


# ---- reports -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reported(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committee that imported A's September and October and B's October; C (0303) never sent one."""
    path = copy_workspace(kit.committee, tmp_path_factory.mktemp("reported"))
    ws = open_ws(path)
    try:
        committee_keys.enroll(ws, card_for("0303")[0], branch_name="三车间党支部", org_class=3)
        outcomes = import_packages(ws, [kit.a.packages[1], kit.a.packages[2], kit.b.packages[1]])
        assert [o.status for o in outcomes] == ["imported"] * 3
    finally:
        ws.close()
    return path


@pytest.fixture
def reports(reported: Path, tmp_path: Path) -> Iterator[Workspace]:
    ws = open_ws(copy_workspace(reported, tmp_path / "c"))
    yield ws
    ws.close()


def package_data(path: Path) -> dict[str, object]:
    return {
        name: json.loads(content) for name, content in read_members(path).items() if name.startswith("data/")
    }


def test_summary_for_the_period(kit: Kit, reports: Workspace) -> None:
    rows = {r.code: r for r in committee_reports.summary(reports, Period.parse("2026-10"), today=TODAY)}
    assert set(rows) == {A_CODE, B_CODE, "0303"}
    for branch, late in ((kit.a, True), (kit.b, False)):
        seq = max(s for s, e in branch.exported.items() if e.periods == ("2026-10",))
        data = package_data(branch.packages[seq])
        row = rows[branch.code]
        findings = data["data/findings.json"]
        dues = data["data/dues.json"]
        assert isinstance(findings, list) and isinstance(dues, dict)
        violations = sum(1 for f in findings if f["severity"] == "violation")
        assert row.received and row.verified
        assert row.late is late  # A sent October on Nov 15, after the 10th; B on Nov 6
        assert row.members == len(data["data/roster.json"])  # type: ignore[arg-type]
        assert row.dues_collected == Decimal(dues["totals"]["collected"])
        assert row.dues_due == Decimal(dues["totals"]["due"])
        assert (row.violations, row.warnings) == (violations, len(findings) - violations)
        assert row.entries == len(data["data/entries.json"])  # type: ignore[arg-type]
        assert row.sequences == (seq,) and row.gaps == ()
        as_json = row.as_json()
        assert as_json["dues_collected"] == dues["totals"]["collected"]
        assert as_json["findings"] == len(findings) and as_json["received"] is True
    assert rows[A_CODE].dues_collected > 0 and rows[A_CODE].members == 28
    assert (rows[A_CODE].name, rows[B_CODE].name) == (A_NAME, B_NAME)
    assert (rows[A_CODE].pass_mark, rows[A_CODE].advanced_mark) == (80, 90)
    assert (rows[B_CODE].pass_mark, rows[B_CODE].advanced_mark) == (75, 85)
    missing = rows["0303"]
    assert not missing.received and not missing.verified and missing.members is None
    assert missing.dues_collected == 0 and (missing.pass_mark, missing.advanced_mark) == (70, 80)


def test_summary_of_a_quarter_needs_every_month(kit: Kit, reports: Workspace) -> None:
    rows = {r.code: r for r in committee_reports.summary(reports, Period.parse("2026Q3"), today=TODAY)}
    assert not rows[A_CODE].received  # only September of July–September
    q4 = {r.code: r for r in committee_reports.summary(reports, Period.parse("2026Q4"), today=TODAY)}
    assert not q4[A_CODE].received and q4[A_CODE].sequences == (2,)


def test_summary_is_not_verified_once_the_signing_key_is_revoked(kit: Kit, reports: Workspace) -> None:
    committee_keys.revoke(reports, kit.a.key.key_id, "泄露")
    rows = {r.code: r for r in committee_reports.summary(reports, Period.parse("2026-10"), today=TODAY)}
    assert rows[A_CODE].received and not rows[A_CODE].verified
    assert rows[B_CODE].verified


def test_completeness_marks_received_late_missing_and_not_due(reports: Workspace) -> None:
    periods, rows = committee_reports.completeness(reports, 2026, PeriodKind.MONTH, today=TODAY)
    assert [p.code() for p in periods] == [f"2026-{m:02d}" for m in range(1, 13)]
    cells = {r.code: [c.state for c in r.cells] for r in rows}
    assert cells[A_CODE] == ["missing"] * 8 + ["received", "late", "not_due", "not_due"]
    assert cells[B_CODE] == ["missing"] * 9 + ["received", "not_due", "not_due"]
    assert cells["0303"] == ["missing"] * 10 + ["not_due", "not_due"]
    a = next(r for r in rows if r.code == A_CODE)
    assert a.cells[8].sequences == (1,) and a.cells[9].sequences == (2,)
    # a day before October's deadline passed, the empty October was not yet due
    _, early = committee_reports.completeness(reports, 2026, PeriodKind.MONTH, today=dt.date(2026, 11, 10))
    assert next(r for r in early if r.code == "0303").cells[9].state == "not_due"
    _, later = committee_reports.completeness(reports, 2026, PeriodKind.MONTH, today=dt.date(2026, 11, 11))
    assert next(r for r in later if r.code == "0303").cells[9].state == "missing"
    # by the rule file's cadence (quarters): Q3 has only September, Q4 is not due before Jan 10
    periods, rows = committee_reports.completeness(reports, 2026, today=TODAY)
    assert [p.code() for p in periods] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert [c.state for c in next(r for r in rows if r.code == A_CODE).cells] == [
        "missing", "missing", "missing", "not_due",
    ]  # fmt: skip


def test_roster_stats_for_a_known_roster(reports: Workspace) -> None:
    stats = committee_reports.roster_stats(reports, dt.date(2026, 10, 31), branch_codes=[B_CODE])
    assert stats.total == 5
    assert stats.by_gender == {"男": 3, "女": 2}
    assert stats.by_age == {"35岁及以下": 2, "36–45岁": 1, "46–59岁": 1, "60岁及以上": 1}
    assert stats.by_education == {"大专及以上": 2, "高中、中专": 1, "初中及以下": 1, "未填": 1}
    assert stats.by_status == {"正式党员": 4, "预备党员": 1}
    assert stats.by_category == {"在职": 4, "离退休": 1}
    assert stats.branches == 1  # only B was asked for


def test_roster_stats_across_branches(reports: Workspace) -> None:
    stats = committee_reports.roster_stats(reports, dt.date(2026, 10, 31))
    assert stats.total == 28 + 5 and stats.branches == 2
    assert sum(stats.by_gender.values()) == sum(stats.by_age.values()) == stats.total
    assert sum(stats.by_education.values()) == sum(stats.by_status.values()) == stats.total
    as_json = stats.as_json()
    assert as_json["total"] == 33 and as_json["as_of"] == "2026-10-31"


def test_class_marks_come_from_the_rule_file() -> None:
    day = dt.date(2026, 10, 31)
    label, pass_mark, advanced = committee_reports.class_marks(1, day)
    assert (pass_mark, advanced) == (80, 90) and label.startswith("一类")
    label, pass_mark, advanced = committee_reports.class_marks(2, day)
    assert (pass_mark, advanced) == (75, 85) and label.startswith("二类")
    assert committee_reports.class_marks(None, day) == ("未定类", None, None)


def test_export_summary_writes_a_workbook(kit: Kit, reports: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "汇总.xlsx"
    assert committee_reports.export_summary(reports, Period.parse("2026-10"), target, today=TODAY) == target
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["汇总", "报送情况", "党员统计", "检查发现"]
    sheet = book["汇总"]
    headers = [c.value for c in sheet[2]]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {A_CODE, B_CODE, "0303"}
    a = rows[A_CODE]
    dues = package_data(kit.a.packages[2])["data/dues.json"]
    assert isinstance(dues, dict)
    assert a["支部名称"] == A_NAME and a["已收到"] == "是" and a["逾期"] == "是"
    assert a["党员人数"] == 28 and a["达标分"] == 80 and a["先进分"] == 90
    assert Decimal(str(a["实交党费"])).quantize(Decimal("0.01")) == Decimal(dues["totals"]["collected"])
    assert rows["0303"]["已收到"] == "否"
    stats = list(book["党员统计"].iter_rows(min_row=3, values_only=True))
    assert [r[2] for r in stats if r[0] == "合计"] == [33]  # as of the period end, both branches
    roster_a = package_data(kit.a.packages[2])["data/roster.json"]
    assert isinstance(roster_a, list)
    women = sum(1 for m in roster_a if m["gender"] == "女") + 2  # B has two women in October
    assert ("性别", "女", women) in stats
    findings = list(book["检查发现"].iter_rows(min_row=3, values_only=True))
    a_findings = package_data(kit.a.packages[2])["data/findings.json"]
    assert isinstance(a_findings, list)
    assert sum(1 for f in findings if f[0] == A_CODE) == len(a_findings)
