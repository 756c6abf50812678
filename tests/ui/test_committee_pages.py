"""The committee pages on real workspaces and real signed packages: enrol, import, summary, stats, keys."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.domain.periods import Period
from app.io.package.age_crypt import encrypt
from app.services import (
    committee_keys,
    committee_reports,
    package_export,
    package_import,
    roster,
    signing_keys,
)
from app.services import workspaces as workspace_service
from app.services.demo import create_demo_workspace
from app.ui import workers
from app.ui.committee_branch_dialogs import BranchEditDialog, RevokeDialog
from app.ui.committee_branches_page import CommitteeBranchesPage
from app.ui.committee_import_page import CommitteeImportPage, ReceivingPassphraseDialog
from app.ui.committee_settings_tab import ReceivingKeyDialog
from app.ui.committee_stats_page import CommitteeStatsPage
from app.ui.committee_summary_page import CommitteeSummaryPage
from app.ui.enroll_dialog import CONFIRM_TEXT, EnrollDialog
from app.ui.main_window import MainWindow
from app.ui.session import Session
from app.ui.settings_page import SettingsPage
from tests.ui.helpers import accept_box, answer_modal, click_button, type_chinese

PASSPHRASE = "correct horse battery"
RECEIVING = "receiving key phrase"
CODE = "DEMO-001"
OCTOBER = Period.parse("2026-10")


@dataclass(frozen=True)
class Kit:
    card: Path  # the branch's first key card
    package: Path  # seq 1, 2026-10, signed with the first key
    statement: Path  # the handover to a second key (signature beside it)
    members: int  # on the package's roster (at the end of October)
    records: int  # entries and members the package carries


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    """One real branch, built once: its key card, a signed package and a handover statement."""
    folder = tmp_path_factory.mktemp("branch")
    ws = create_demo_workspace(folder / "示例支部.branchbook", activity=True)
    try:
        signing_keys.create_key(ws, PASSPHRASE)
        card, _pdf = signing_keys.write_key_card(ws, folder / "card.pub")
        package_export.export_package(ws, OCTOBER, folder / "p1.bbpkg", PASSPHRASE)
        members = len(roster.load_roster(ws, OCTOBER.end))
        signing_keys.handover(ws, PASSPHRASE, PASSPHRASE + "2", "换届，新任书记王伟")
        statement, _signature = signing_keys.write_handover(ws, folder / "handover.json")
    finally:
        ws.close()
    probe = workspace_service.create_committee(folder / "probe.branchbook", name="探针", code="P")
    try:
        committee_keys.enroll(probe, card.read_text(encoding="utf-8"))
        (outcome,) = package_import.import_packages(probe, [folder / "p1.bbpkg"], dry_run=True)
    finally:
        probe.close()
    return Kit(card, folder / "p1.bbpkg", statement, members, outcome.diff.new)


@pytest.fixture
def committee(tmp_path: Path) -> Iterator[Session]:
    ws = workspace_service.create_committee(tmp_path / "党委.branchbook", name="示例公司党委", code="C01")
    session = Session(ws)
    yield session
    workers.wait_for_all(10_000)
    session.close()


def _enrol(session: Session, kit: Kit) -> None:
    committee_keys.enroll(session.ws, kit.card.read_text(encoding="utf-8"))


def _imported(session: Session, kit: Kit) -> None:
    _enrol(session, kit)
    (outcome,) = package_import.import_packages(session.ws, [kit.package])
    assert outcome.status == "imported"


def _show(qtbot: QtBot, page: QWidget) -> None:
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)


def _overview(session: Session) -> committee_reports.BranchOverview:
    (branch,) = committee_reports.branch_overview(session.ws)
    return branch


# ---- the window ------------------------------------------------------------------------------------


def test_committee_window_has_the_committee_pages(qtbot: QtBot, committee: Session) -> None:
    window = MainWindow(committee)
    qtbot.addWidget(window)
    window.show()
    assert window.section_titles() == ["支部", "导入", "汇总", "统计", "设置"]
    kinds = [
        CommitteeBranchesPage,
        CommitteeImportPage,
        CommitteeSummaryPage,
        CommitteeStatsPage,
        SettingsPage,
    ]
    for index, kind in enumerate(kinds):
        window.nav.setCurrentRow(index)
        assert isinstance(window.current_page(), kind)
        assert window.current_page().isVisible()
    settings = window.current_page()
    assert isinstance(settings, SettingsPage) and settings.receiving_tab is not None
    assert settings.tabs.tabText(settings.tabs.indexOf(settings.receiving_tab)) == "接收加密密钥"
    window.close()


# ---- 支部 ----------------------------------------------------------------------------------------------


def test_enrol_needs_the_fingerprint_confirmed(qtbot: QtBot, committee: Session, kit: Kit) -> None:
    page = CommitteeBranchesPage(committee)
    _show(qtbot, page)
    assert page.empty.isVisible() and page.model.rowCount() == 0
    card = committee_keys.read_key_card(kit.card.read_text(encoding="utf-8"))
    seen: dict[str, object] = {}

    def act(widget: QWidget) -> None:
        assert isinstance(widget, EnrollDialog)
        seen["fingerprint"] = " ".join(widget.fingerprint.text().split())
        seen["code"] = widget.code.text()
        seen["enabled_before"] = widget.ok_button.isEnabled()
        widget.submit()  # Enter before confirming does nothing
        seen["open_after_early_submit"] = widget.isVisible()
        widget.confirmed.setChecked(True)
        widget.code.clear()
        seen["enabled_without_code"] = widget.ok_button.isEnabled()
        type_chinese(widget.code, CODE)
        type_chinese(widget.name, "示例车间党支部")
        widget.org_class.setCurrentIndex(widget.org_class.findData(2))
        seen["enabled_after"] = widget.ok_button.isEnabled()
        widget.ok_button.click()

    answer = answer_modal(qtbot, act, EnrollDialog)
    assert page.enroll_card(kit.card)
    assert answer.titles == ["登记支部公钥"]
    assert seen == {
        "fingerprint": card.fingerprint,
        "code": CODE,
        "enabled_before": False,
        "open_after_early_submit": True,
        "enabled_without_code": False,
        "enabled_after": True,
    }
    assert CONFIRM_TEXT == "已与支部核对指纹一致"
    branch = _overview(committee)
    assert (branch.code, branch.name, branch.org_class, branch.key_state) == (
        CODE,
        "示例车间党支部",
        2,
        "有效",
    )
    assert page.model.rowCount() == 1 and not page.empty.isVisible()
    assert page.model.cell(0, "密钥编号") == card.key_id
    assert page.model.cell(0, "密钥状态") == "有效"
    assert page.model.cell(0, "最近上报") == "未收到"
    assert page.selected() is not None and page.selected().code == CODE  # type: ignore[union-attr]


def test_enrol_cancelled_pins_nothing(qtbot: QtBot, committee: Session, kit: Kit) -> None:
    page = CommitteeBranchesPage(committee)
    _show(qtbot, page)
    answer_modal(qtbot, lambda w: w.reject(), EnrollDialog)  # type: ignore[attr-defined]
    assert not page.enroll_card(kit.card)
    assert committee_keys.enrolled_keys(committee.ws) == []


def test_a_file_that_is_not_a_key_card_is_refused(qtbot: QtBot, committee: Session, tmp_path: Path) -> None:
    page = CommitteeBranchesPage(committee)
    _show(qtbot, page)
    wrong = tmp_path / "notes.pub"
    wrong.write_text("这不是公钥\n", encoding="utf-8")
    answer = answer_modal(qtbot, accept_box)
    assert not page.enroll_card(wrong)
    assert "公钥卡无法读取" in answer.text


def test_revoke_through_the_page(qtbot: QtBot, committee: Session, kit: Kit) -> None:
    _enrol(committee, kit)
    page = CommitteeBranchesPage(committee)
    _show(qtbot, page)
    assert not page.revoke_button.isEnabled()  # nothing selected
    assert page.select_branch(CODE)
    assert page.revoke_button.isEnabled()
    seen: dict[str, bool] = {}

    def act(widget: QWidget) -> None:
        assert isinstance(widget, RevokeDialog)
        seen["enabled_empty"] = widget.ok_button.isEnabled()
        type_chinese(widget.reason, "U盘丢失")
        seen["enabled_with_reason"] = widget.ok_button.isEnabled()
        widget.ok_button.click()

    answer_modal(qtbot, act, RevokeDialog)
    confirm = answer_modal(qtbot, click_button("吊销"))
    assert page.revoke_selected()
    assert seen == {"enabled_empty": False, "enabled_with_reason": True}
    assert "U盘丢失" in confirm.text
    (key,) = committee_keys.enrolled_keys(committee.ws)
    assert (key.state, key.reason) == ("revoked", "U盘丢失")
    assert page.model.cell(0, "密钥状态") == "已吊销"
    assert not page.revoke_button.isEnabled()


def test_revoke_cancelled_at_the_confirmation_keeps_the_key(
    qtbot: QtBot, committee: Session, kit: Kit
) -> None:
    _enrol(committee, kit)
    page = CommitteeBranchesPage(committee)
    _show(qtbot, page)
    page.select_branch(CODE)

    def act(widget: QWidget) -> None:
        assert isinstance(widget, RevokeDialog)
        type_chinese(widget.reason, "误操作")
        widget.ok_button.click()

    answer_modal(qtbot, act, RevokeDialog)
    answer_modal(qtbot, click_button("取消"))
    assert not page.revoke_selected()
    assert _overview(committee).key_state == "有效"


def test_handover_statement_through_the_page(qtbot: QtBot, committee: Session, kit: Kit) -> None:
    _enrol(committee, kit)
    old = _overview(committee).key_id
    page = CommitteeBranchesPage(committee)
    _show(qtbot, page)
    info = answer_modal(qtbot, accept_box)
    assert page.accept_handover_file(kit.statement)
    branch = _overview(committee)
    assert branch.key_id != old and branch.key_state == "有效"
    assert "新密钥指纹" in info.text and branch.fingerprint in info.text  # type: ignore[operator]
    assert page.model.cell(0, "密钥编号") == branch.key_id
    states = {k.key_id: k.state for k in committee_keys.enrolled_keys(committee.ws)}
    assert states == {old: "replaced", branch.key_id: "active"}


def test_handover_without_its_signature_file_is_refused(
    qtbot: QtBot, committee: Session, kit: Kit, tmp_path: Path
) -> None:
    _enrol(committee, kit)
    alone = tmp_path / "handover.json"
    shutil.copy(kit.statement, alone)
    page = CommitteeBranchesPage(committee)
    _show(qtbot, page)
    answer = answer_modal(qtbot, accept_box)
    assert not page.accept_handover_file(alone)
    assert "handover.json.minisig" in answer.text
    assert _overview(committee).key_state == "有效"


def test_edit_name_and_class(qtbot: QtBot, committee: Session, kit: Kit) -> None:
    _enrol(committee, kit)
    page = CommitteeBranchesPage(committee)
    _show(qtbot, page)
    page.select_branch(CODE)

    def act(widget: QWidget) -> None:
        assert isinstance(widget, BranchEditDialog)
        widget.name.clear()
        type_chinese(widget.name, "一车间党支部")
        widget.org_class.setCurrentIndex(widget.org_class.findData(3))
        widget.ok_button.click()

    answer_modal(qtbot, act, BranchEditDialog)
    assert page.edit_selected()
    branch = _overview(committee)
    assert (branch.name, branch.org_class, branch.pass_mark) == ("一车间党支部", 3, 70)
    assert page.model.cell(0, "名称") == "一车间党支部"
    assert page.model.cell(0, "达标/先进分") == "70 / 80"


# ---- 导入 ----------------------------------------------------------------------------------------------


def _wait_stage(qtbot: QtBot, page: CommitteeImportPage, stage: str) -> None:
    qtbot.waitUntil(lambda: page.stage == stage, timeout=15_000)


def test_import_checks_then_writes_then_sees_no_change(qtbot: QtBot, committee: Session, kit: Kit) -> None:
    _enrol(committee, kit)
    page = CommitteeImportPage(committee)
    _show(qtbot, page)
    assert not page.import_button.isEnabled()

    assert page.check_paths([kit.package]) is not None
    assert page.busy() and page.progress_box.isVisible() and page.cancel_button.isEnabled()
    assert not page.files_button.isEnabled() and not page.import_button.isEnabled()
    _wait_stage(qtbot, page, "checked")
    assert not page.progress_box.isVisible()
    assert page.model.rowCount() == 1
    assert page.model.cell(0, "结果") == "可导入"
    assert page.model.cell(0, "新增") == str(kit.records) and kit.records > kit.members
    assert page.model.cell(0, "支部") == f"{CODE} 示例车间党支部"
    assert page.model.cell(0, "序号") == "1"
    assert page.model.cell(0, "期间") == "2026年10月"
    assert page.stage_label.text() == "检查结果（尚未写入）"
    assert "可导入 1 个" in page.total.text()
    assert page.import_button.isEnabled()
    assert _overview(committee).last_sequence is None  # the check wrote nothing

    changed: list[bool] = []
    committee.data_changed.connect(lambda: changed.append(True))
    assert page.import_now() is not None
    _wait_stage(qtbot, page, "imported")
    assert page.model.cell(0, "结果") == "已导入"
    assert page.stage_label.text() == "导入结果"
    assert "已导入 1 个" in page.total.text()
    assert changed and not page.import_button.isEnabled()
    assert _overview(committee).last_sequence == 1

    page.check_paths([kit.package])
    _wait_stage(qtbot, page, "checked")
    assert page.model.cell(0, "结果") == "无变化"
    assert page.model.cell(0, "未变") == str(kit.records)
    assert "没有需要导入的上报包" in page.total.text()
    assert not page.import_button.isEnabled()


def _truncated(kit: Kit, folder: Path) -> Path:
    bad = folder / "truncated.bbpkg"
    data = kit.package.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    return bad


def _one_byte_changed(kit: Kit, folder: Path) -> Path:
    """A byte of the roster changed and the zip rebuilt, so only the signed hashes can tell."""
    import zipfile

    bad = folder / "altered.bbpkg"
    with zipfile.ZipFile(kit.package) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "data/roster.json":
                data = data.replace(b'"gender":"\xe7\x94\xb7"', b'"gender":"\xe5\xa5\xb3"', 1)
            target.writestr(info, data)
    assert bad.read_bytes() != kit.package.read_bytes()
    return bad


@pytest.mark.parametrize("spoil", [_truncated, _one_byte_changed], ids=["truncated", "altered"])
def test_tampered_package_is_rejected_and_nothing_written(
    qtbot: QtBot, committee: Session, kit: Kit, tmp_path: Path, spoil: object
) -> None:
    _enrol(committee, kit)
    bad = spoil(kit, tmp_path)  # type: ignore[operator]
    page = CommitteeImportPage(committee)
    _show(qtbot, page)
    page.check_paths([bad])
    _wait_stage(qtbot, page, "checked")
    assert page.model.cell(0, "结果") == "已拒收"
    reason = page.model.cell(0, "说明")
    assert reason, "a rejection says why"
    assert page.model.cell(0, "新增") == ""
    assert "已拒收 1 个" in page.total.text()
    assert not page.import_button.isEnabled()
    assert page.import_now() is None
    assert _overview(committee).last_sequence is None


def test_a_folder_with_good_and_bad_packages(
    qtbot: QtBot, committee: Session, kit: Kit, tmp_path: Path
) -> None:
    _enrol(committee, kit)
    stick = tmp_path / "U盘"
    stick.mkdir()
    shutil.copy(kit.package, stick / "a-good.bbpkg")
    _truncated(kit, tmp_path).rename(stick / "b-bad.bbpkg")
    (stick / "readme.txt").write_text("not a package", encoding="utf-8")
    page = CommitteeImportPage(committee)
    _show(qtbot, page)
    page.check_paths([stick])
    _wait_stage(qtbot, page, "checked")
    assert [page.model.cell(r, "文件") for r in range(2)] == ["a-good.bbpkg", "b-bad.bbpkg"]
    assert [page.model.cell(r, "结果") for r in range(2)] == ["可导入", "已拒收"]
    assert page.import_button.isEnabled()
    page.import_now()
    _wait_stage(qtbot, page, "imported")
    assert [page.model.cell(r, "结果") for r in range(2)] == ["已导入", "已拒收"]
    assert "共 2 个上报包，已导入 1 个，无变化 0 个，已拒收 1 个" in page.total.text()
    assert _overview(committee).last_sequence == 1


def test_unknown_key_is_rejected(qtbot: QtBot, committee: Session, kit: Kit) -> None:
    page = CommitteeImportPage(committee)
    _show(qtbot, page)
    page.check_paths([kit.package])
    _wait_stage(qtbot, page, "checked")
    assert page.model.cell(0, "结果") == "已拒收"
    assert "未登记" in page.model.cell(0, "说明")


def test_empty_folder_says_so(qtbot: QtBot, committee: Session, tmp_path: Path) -> None:
    page = CommitteeImportPage(committee)
    _show(qtbot, page)
    assert page.check_paths([tmp_path]) is None
    assert "没有上报包" in page.total.text()


def test_encrypted_package_asks_the_receiving_passphrase(
    qtbot: QtBot, committee: Session, kit: Kit, tmp_path: Path
) -> None:
    _enrol(committee, kit)
    recipient = committee_keys.create_receiving_key(committee.ws, RECEIVING)
    sealed = tmp_path / "p1.bbpkg"
    sealed.write_bytes(encrypt(kit.package.read_bytes(), recipient))
    page = CommitteeImportPage(committee)
    _show(qtbot, page)
    errors: list[str] = []

    def act(widget: QWidget) -> None:
        assert isinstance(widget, ReceivingPassphraseDialog)
        widget.passphrase.setText("wrong passphrase")
        widget.submit()

        def retry() -> bool:
            if widget.busy or not widget.error.isVisible():
                return False
            errors.append(widget.error.text())
            widget.passphrase.setText(RECEIVING)
            widget.submit()
            return True

        qtbot.waitUntil(retry, timeout=10_000)

    answer = answer_modal(qtbot, act, ReceivingPassphraseDialog)
    page.check_paths([sealed])
    _wait_stage(qtbot, page, "checked")
    assert answer.titles == ["输入接收密钥口令"]
    assert errors == ["解密密钥口令不正确"]
    assert page.passphrase == RECEIVING
    assert page.model.cell(0, "结果") == "可导入"
    page.import_now()
    _wait_stage(qtbot, page, "imported")
    assert page.model.cell(0, "结果") == "已导入"


def test_encrypted_package_without_a_receiving_key(
    qtbot: QtBot, committee: Session, kit: Kit, tmp_path: Path
) -> None:
    from app.io.package.age_crypt import generate_identity, recipient_of

    _enrol(committee, kit)
    sealed = tmp_path / "p1.bbpkg"
    sealed.write_bytes(encrypt(kit.package.read_bytes(), recipient_of(generate_identity())))
    page = CommitteeImportPage(committee)
    _show(qtbot, page)
    page.check_paths([sealed])
    _wait_stage(qtbot, page, "checked")
    assert page.model.cell(0, "结果") == "已拒收"
    assert "还没有接收加密密钥" in page.key_hint.text()


# ---- 汇总 ----------------------------------------------------------------------------------------------


def test_summary_shows_the_branch_received(qtbot: QtBot, committee: Session, kit: Kit) -> None:
    _imported(committee, kit)
    page = CommitteeSummaryPage(committee)
    _show(qtbot, page)
    assert page.period().code() == "2026Q3"  # the last finished quarter on 2026-11-21
    page.chooser.select(OCTOBER)
    assert page.period() == OCTOBER
    model = page.summary_model
    assert model.rowCount() == 1
    assert model.cell(0, "代码") == CODE
    assert model.cell(0, "已收到") == "是"
    assert model.cell(0, "已核验") == "是"
    assert model.cell(0, "党员") == str(kit.members)
    assert model.cell(0, "类别") == "一类 80/90"
    assert "已收到 1 个" in page.headline.text()
    row = page.rows[0]
    assert page.findings_model.rowCount() == row.violations + row.warnings > 0

    periods = [page.matrix_model.columns[c].header for c in range(2, 6)]
    assert periods == ["2026年第1季度", "2026年第2季度", "2026年第3季度", "2026年第4季度"]
    assert page.matrix_model.cell(0, "2026年第3季度") == "未收"
    assert page.matrix_model.cell(0, "2026年第4季度") == "未到期"

    page.chooser.select(Period.parse("2026Q3"))
    assert page.summary_model.cell(0, "已收到") == "否"
    assert page.summary_model.cell(0, "党员") == ""


def test_summary_export_writes_a_workbook(qtbot: QtBot, committee: Session, kit: Kit, tmp_path: Path) -> None:
    _imported(committee, kit)
    page = CommitteeSummaryPage(committee)
    _show(qtbot, page)
    page.chooser.select(OCTOBER)
    page.export_to(tmp_path / "汇总")  # the suffix is added
    qtbot.waitUntil(lambda: page.message.text().startswith("已导出"), timeout=15_000)
    written = tmp_path / "汇总.xlsx"
    assert written.is_file() and f"已导出：{written}" == page.message.text()
    book = openpyxl.load_workbook(written, read_only=True)
    rows = list(book["汇总"].iter_rows(values_only=True))
    (branch,) = [r for r in rows if r[0] == CODE]
    assert branch[1] == "示例车间党支部" and branch[5] == "是" and branch[8] == kit.members
    book.close()


# ---- 统计 ----------------------------------------------------------------------------------------------


def test_stats_totals_equal_the_roster(qtbot: QtBot, committee: Session, kit: Kit) -> None:
    _imported(committee, kit)
    page = CommitteeStatsPage(committee)
    _show(qtbot, page)
    rows = page.model.rows()
    assert rows[-1].cells[:3] == ("合计", "", str(kit.members))
    assert f"共有党员 {kit.members} 名" in page.headline.text()
    groups: dict[str, int] = {}
    current = ""
    for row in rows[:-1]:
        current = row.cells[0] or current
        groups[current] = groups.get(current, 0) + int(row.cells[2])
    assert list(groups) == ["党员状态", "性别", "年龄段", "学历", "类别"]
    assert set(groups.values()) == {kit.members}
    assert rows[-1].cells[3] == "100.0%"


def test_stats_without_packages(qtbot: QtBot, committee: Session) -> None:
    page = CommitteeStatsPage(committee)
    _show(qtbot, page)
    assert page.model.rows()[-1].cells[2] == "0"
    assert "还没有支部上报名册" in page.headline.text()


# ---- 设置 → 接收加密密钥 ------------------------------------------------------------------------------


def test_receiving_key_created_in_settings(qtbot: QtBot, committee: Session) -> None:
    page = SettingsPage(committee)
    _show(qtbot, page)
    tab = page.receiving_tab
    assert tab is not None
    page.tabs.setCurrentWidget(tab)
    assert tab.no_key_box.isVisible() and not tab.key_box.isVisible()

    def act(widget: QWidget) -> None:
        assert isinstance(widget, ReceivingKeyDialog)
        widget.passphrase.setText(RECEIVING)
        widget.again.setText(RECEIVING)
        widget.submit()

    answer_modal(qtbot, act, ReceivingKeyDialog)
    assert tab.create_key()
    recipient = committee_keys.receiving_recipient(committee.ws)
    assert recipient and recipient.startswith("age1")
    assert tab.key_box.isVisible() and tab.recipient.text() == recipient


@pytest.mark.parametrize("dry_run", [True, False], ids=["check", "import"])
def test_stopping_after_the_first_package(
    qtbot: QtBot, committee: Session, kit: Kit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry_run: bool
) -> None:
    _enrol(committee, kit)
    stick = tmp_path / "stick"
    stick.mkdir()
    shutil.copy(kit.package, stick / "a.bbpkg")
    shutil.copy(kit.package, stick / "b.bbpkg")
    page = CommitteeImportPage(committee)
    _show(qtbot, page)
    real = package_import.import_packages

    def stop_after_first(ws: object, paths: object, **kwargs: object) -> object:
        progress = kwargs["progress"]

        def report(done: int, total: int, name: str) -> None:
            progress(done, total, name)  # type: ignore[operator]
            page.stop_requested.set()  # as the 停止 button does, between two packages

        return real(ws, paths, **{**kwargs, "progress": report})  # type: ignore[arg-type]

    if not dry_run:
        page.check_paths([stick])
        _wait_stage(qtbot, page, "checked")
    monkeypatch.setattr(package_import, "import_packages", stop_after_first)
    if dry_run:
        page.check_paths([stick])
        _wait_stage(qtbot, page, "checked")
        assert [page.model.cell(r, "结果") for r in range(page.model.rowCount())] == ["可导入"]
        assert "已停止，其余 1 个未检查" in page.total.text()
        assert not page.import_button.isEnabled()
        assert _overview(committee).last_sequence is None
    else:
        page.import_now()
        _wait_stage(qtbot, page, "imported")
        assert [page.model.cell(r, "结果") for r in range(page.model.rowCount())] == ["已导入"]
        assert "其余 1 个未导入。已导入的已经写入" in page.total.text()
        assert _overview(committee).last_sequence == 1  # what was done before the stop is kept
