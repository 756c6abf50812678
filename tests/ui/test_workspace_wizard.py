"""The first-run wizard creates real workspace files, driven by the keyboard and an input method."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app.domain.branch import BranchClass
from app.services import branch_profile, workspaces
from app.ui.workspace_wizard import WorkspaceWizard
from tests.ui.helpers import type_chinese


def _wizard(qtbot: QtBot) -> WorkspaceWizard:
    wizard = WorkspaceWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    return wizard


def _enter(qtbot: QtBot, wizard: WorkspaceWizard) -> None:
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)


def test_create_branch_workspace_by_keyboard(qtbot: QtBot, _user_folders: Path) -> None:
    wizard = _wizard(qtbot)
    assert wizard.currentPage() is wizard.choice_page
    _enter(qtbot, wizard)  # 新建支部工作区 is the default choice; Enter goes forward
    page = wizard.branch_page
    assert wizard.currentPage() is page

    _enter(qtbot, wizard)  # nothing filled in: stays, and says what is missing under the fields
    assert wizard.currentPage() is page
    assert page.name_box.shown()[0] == "请填写支部名称"
    assert "支部代码" in page.code_box.shown()[0]

    type_chinese(page.name, "第三车间党支部")
    qtbot.keyClicks(page.code, "0301")
    qtbot.keyClick(page.org_class, Qt.Key.Key_Down)  # 一类（主体生产）
    type_chinese(page.committee, "某某公司党委")
    expected = _user_folders / "第三车间党支部.branchbook"
    assert page.path.edit.text() == str(expected)  # the default file follows the branch name
    page.name.setFocus()
    _enter(qtbot, wizard)  # 创建

    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.workspace is not None
    try:
        profile = branch_profile.load_profile(wizard.workspace)
    finally:
        workspaces.close(wizard.workspace)
    assert expected.exists()
    assert (profile.name, profile.code) == ("第三车间党支部", "0301")
    assert profile.org_class is BranchClass.MAIN_PRODUCTION
    assert profile.higher_committee == "某某公司党委"


def test_existing_file_is_refused_inline(qtbot: QtBot, branch_path: Path) -> None:
    wizard = _wizard(qtbot)
    wizard.next()
    page = wizard.branch_page
    type_chinese(page.name, "另一个支部")
    qtbot.keyClicks(page.code, "0302")
    page.path.edit.clear()
    type_chinese(page.path.edit, str(branch_path))  # the path holds Chinese
    _enter(qtbot, wizard)
    assert wizard.currentPage() is page
    assert "文件已存在" in page.path_box.shown()[0]


def test_create_committee_workspace(qtbot: QtBot, _user_folders: Path) -> None:
    wizard = _wizard(qtbot)
    wizard.choice_page.group.button(wizard.choice_page.NEW_COMMITTEE).setChecked(True)
    _enter(qtbot, wizard)
    page = wizard.committee_page
    assert wizard.currentPage() is page
    type_chinese(page.name, "某某公司党委")
    qtbot.keyClicks(page.code, "01")
    _enter(qtbot, wizard)
    assert wizard.workspace is not None
    assert wizard.workspace.kind.value == "committee"
    workspaces.close(wizard.workspace)
    assert (_user_folders / "某某公司党委.branchbook").exists()


def test_open_existing_workspace(qtbot: QtBot, branch_path: Path) -> None:
    wizard = _wizard(qtbot)
    wizard.choice_page.group.button(wizard.choice_page.OPEN).setChecked(True)
    _enter(qtbot, wizard)
    page = wizard.open_page
    _enter(qtbot, wizard)
    assert "请选择" in page.path_box.shown()[0]
    type_chinese(page.path.edit, str(branch_path))  # the path holds Chinese
    _enter(qtbot, wizard)
    assert wizard.workspace is not None and wizard.workspace.path == branch_path
    workspaces.close(wizard.workspace)


def test_escape_cancels(qtbot: QtBot) -> None:
    wizard = _wizard(qtbot)
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Escape)
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert wizard.workspace is None
