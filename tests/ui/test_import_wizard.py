"""导入名册 on real .xlsx files: preview in the background, errors block, skipping imports the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app.io.excel.roster_sheet import write_roster_sheet
from app.services import roster
from app.ui.import_preview_model import ERROR_BACKGROUND
from app.ui.import_wizard import RosterImportWizard
from app.ui.session import Session
from tests.fixtures.sheets import write_fake_xls
from tests.ui.helpers import person_id, type_chinese, with_wrong_check_digit


def _row(name: str, birth: str, gender: str = "男", **extra: str) -> dict[str, object]:
    return {
        "name": name,
        "gender": gender,
        "id_number": person_id(birth, gender),
        "birth_date": f"{birth[:4]}.{birth[4:6]}",
        "joined_on": "2010.07",
        "full_on": "2011.07",
        "status": "正式党员",
        "category": "在职",
        "group": "第一党小组",
        "team": "甲班",
        **extra,
    }


@pytest.fixture
def wizard(qtbot: QtBot, branch_session: Session) -> RosterImportWizard:
    wizard = RosterImportWizard(branch_session)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _preview(qtbot: QtBot, wizard: RosterImportWizard, path: Path) -> None:
    type_chinese(wizard.file_page.path, str(path))
    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.busy or wizard.currentPage() is wizard.preview_page  # the sheet is read in the background
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=10_000)


def test_bad_row_blocks_until_skipped(
    qtbot: QtBot, wizard: RosterImportWizard, branch_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "花名册.xlsx"
    bad = _row("吴丽", "19900315", "女")
    bad["id_number"] = with_wrong_check_digit(str(bad["id_number"]))
    write_roster_sheet(path, [_row("周𠮷", "19800101"), bad, _row("郑强", "19850620", group="第四党小组")])
    _preview(qtbot, wizard, path)

    page = wizard.preview_page
    assert "共 3 行" in page.summary.text() and "有错误 1" in page.summary.text()
    assert "将新建党小组：第一党小组、第四党小组" in page.details.text()
    model = page.model
    assert model.rowCount() == 3
    actions = [model.data(model.index(r, 2)) for r in range(3)]
    assert actions == ["新增", "有错误", "新增"]
    assert "校验位错误" in model.data(model.index(1, 3))
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole).color() == ERROR_BACKGROUND
    assert "校验位错误" in page.row_details.text()  # the whole message, not a cut-off cell

    page.only_problems.setChecked(True)
    assert model.rowCount() == 1
    page.only_problems.setChecked(False)

    import_button = wizard.button(QWizard.WizardButton.CommitButton)
    assert import_button.text() == "导入"
    assert not import_button.isEnabled()
    assert "跳过有错误的行" in page.explain.text()
    assert page.skip_invalid.isEnabled()
    page.skip_invalid.setChecked(True)
    assert import_button.isEnabled()
    import_button.click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=10_000)

    assert wizard.result_page.result_label.text().startswith("新增 2，更新 0，无变化 0，跳过 1")
    names = sorted(m.name for m in roster.load_roster(branch_session.ws))
    assert names == sorted(["周𠮷", "郑强"])


def test_clean_file_imports_all_and_reimport_changes_nothing(
    qtbot: QtBot, wizard: RosterImportWizard, branch_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "名册.xlsx"
    rows = [_row("甲一", "19700101"), _row("乙二", "19750505", "女"), _row("丙三", "19801212")]
    write_roster_sheet(path, rows)
    _preview(qtbot, wizard, path)
    assert not wizard.preview_page.skip_invalid.isEnabled()
    import_button = wizard.button(QWizard.WizardButton.CommitButton)
    assert import_button.isEnabled()
    import_button.click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=10_000)
    assert "新增 3，更新 0，无变化 0，跳过 0" in wizard.result_page.result_label.text()
    assert len(roster.load_roster(branch_session.ws)) == 3

    again = RosterImportWizard(branch_session)
    qtbot.addWidget(again)
    again.show()
    rows[0]["phone"] = "13900000000"
    write_roster_sheet(path, rows)
    _preview(qtbot, again, path)
    model = again.preview_page.model
    assert [model.data(model.index(r, 2)) for r in range(3)] == ["更新", "无变化", "无变化"]
    assert "联系电话：（空） → 13900000000" in model.data(model.index(0, 3))


def test_xls_file_is_refused_on_the_first_page(
    qtbot: QtBot, wizard: RosterImportWizard, branch_session: Session, tmp_path: Path
) -> None:
    path = write_fake_xls(tmp_path / "名册.xls")
    type_chinese(wizard.file_page.path, str(path))
    wizard.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(lambda: not wizard.busy, timeout=10_000)
    assert wizard.currentPage() is wizard.file_page
    assert ".xlsx" in wizard.file_page.error.text()
    assert wizard.file_page.error.isVisible()
    assert roster.load_roster(branch_session.ws) == []


def test_closing_while_reading_cancels(
    qtbot: QtBot, wizard: RosterImportWizard, branch_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "名册.xlsx"
    write_roster_sheet(path, [_row("甲一", "19700101")])
    type_chinese(wizard.file_page.path, str(path))
    wizard.button(QWizard.WizardButton.NextButton).click()
    wizard.reject()
    assert not wizard.isVisible()
    task = wizard.task()
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert wizard.plan is None  # the result was dropped
    assert roster.load_roster(branch_session.ws) == []
