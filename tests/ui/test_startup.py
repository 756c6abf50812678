"""Starting up: which workspace opens, a second instance, unexpected errors, font and translation."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from app.services import workspaces
from app.services.errors import UserError
from app.ui import crash_handler, qt_app
from app.ui.main_window import MainWindow
from app.ui.session import Session
from app.ui.startup import demo_path, open_startup_workspace
from app.ui.workspace_wizard import WorkspaceWizard
from tests.ui.helpers import accept_box, answer_modal, reject_dialog


def _cancel_wizard(widget: QWidget) -> None:
    assert isinstance(widget, WorkspaceWizard)
    reject_dialog(widget)


def test_explicit_path_opens_it(qtbot: QtBot, branch_path: Path) -> None:
    ws = open_startup_workspace(branch_path, demo_requested=False)
    assert ws is not None and ws.path == branch_path
    workspaces.close(ws)


def test_last_used_workspace_opens(qtbot: QtBot, branch_path: Path) -> None:
    workspaces.remember_workspace(branch_path)
    ws = open_startup_workspace(None, demo_requested=True)  # the last one wins over the demo
    assert ws is not None and ws.path == branch_path.resolve()
    workspaces.close(ws)


def test_demo_is_created_in_the_data_folder(qtbot: QtBot, _user_folders: Path) -> None:
    ws = open_startup_workspace(None, demo_requested=True)
    assert ws is not None
    assert ws.path == demo_path() == _user_folders / "示例支部.branchbook"
    workspaces.close(ws)
    ws = open_startup_workspace(None, demo_requested=True)  # second start: opened, not created again
    assert ws is not None
    workspaces.close(ws)


def test_no_workspace_shows_the_wizard(qtbot: QtBot) -> None:
    wizard = answer_modal(qtbot, _cancel_wizard, kind=WorkspaceWizard)
    assert open_startup_workspace(None, demo_requested=False) is None
    assert wizard.titles == ["支部记录本 — 工作区"]


def test_same_process_lock_conflicts(branch_path: Path) -> None:
    """The lock is per open file (flock), so a second open in this very process is refused too."""
    ws = workspaces.open_existing(branch_path)
    try:
        with pytest.raises(UserError, match="此工作区正在被使用"):
            workspaces.open_existing(branch_path)
    finally:
        workspaces.close(ws)


def test_workspace_in_use_is_explained_then_the_wizard_offered(qtbot: QtBot, branch_path: Path) -> None:
    holder = workspaces.open_existing(branch_path)  # another instance has it
    try:
        box = answer_modal(qtbot, accept_box)
        wizard = answer_modal(qtbot, _cancel_wizard, kind=WorkspaceWizard)
        assert open_startup_workspace(branch_path, demo_requested=False) is None
        assert "此工作区正在被使用" in box.text
        assert wizard.seen  # offered to open another or create one, instead of crashing
    finally:
        workspaces.close(holder)


def test_workspace_held_by_another_process(qtbot: QtBot, branch_path: Path, demo_window: MainWindow) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from app.services import workspaces
        ws = workspaces.open_existing(Path({str(branch_path)!r}))
        print("open", flush=True)
        sys.stdin.readline()
        workspaces.close(ws)
        """
    )
    other = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "open"
        before = demo_window.session.ws
        box = answer_modal(qtbot, accept_box)
        assert not demo_window.open_workspace_path(branch_path)
        assert "此工作区正在被使用" in box.text
        assert demo_window.session.ws is before  # still working on the workspace it had
        assert demo_window.windowTitle() == "支部记录本 — 示例车间党支部"
    finally:
        other.communicate("\n", timeout=30)
    assert demo_window.open_workspace_path(branch_path)  # free again: opens
    assert demo_window.windowTitle() == "支部记录本 — 三车间党支部"


def test_unexpected_error_is_logged_and_explained(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    folder = tmp_path / "工作区.branchbook.d" / "logs"
    crash_handler.install_excepthook(lambda: folder)
    box = answer_modal(qtbot, accept_box)
    try:
        raise ValueError("boom")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert "发生意外错误。" in box.text and "已保存的记录不受影响" in box.text
    assert str(folder / "errors.log") in box.text
    log = (folder / "errors.log").read_text(encoding="utf-8")
    assert "ValueError: boom" in log and "Traceback" in log


def test_user_error_reaching_the_hook_is_shown_as_it_is(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    crash_handler.install_excepthook(lambda: tmp_path)
    box = answer_modal(qtbot, accept_box)
    exc = UserError("请另存为 .xlsx")
    sys.excepthook(UserError, exc, None)
    assert box.text == "请另存为 .xlsx"
    assert not (tmp_path / "errors.log").exists()


def test_standard_buttons_are_chinese(qtbot: QtBot) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"


def test_bundled_font_or_a_quiet_fallback(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    font_before = qapp.font()
    try:
        if (qt_app.FONT_DIR / qt_app.FONT_FILE).is_file():
            assert qt_app.install_font(qapp) == "BranchBook Sans"
            assert qapp.font().family() == "BranchBook Sans"
        monkeypatch.setattr(qt_app, "FONT_DIR", tmp_path)  # not there: the system font, said at INFO
        with caplog.at_level(logging.INFO, logger="app.ui.qt_app"):
            assert qt_app.install_font(qapp) is None
        assert [r.levelno for r in caplog.records] == [logging.INFO]
        assert qapp.font().pointSizeF() == qt_app.FONT_POINT_SIZE
    finally:
        qapp.setFont(font_before)


def test_session_workspace_switch(qtbot: QtBot, demo_window: MainWindow, branch_path: Path) -> None:
    old = demo_window.session.ws
    assert demo_window.open_workspace_path(branch_path)
    assert demo_window.session.ws is not old
    assert workspaces.last_workspace() == branch_path.resolve()
    reopened = workspaces.open_existing(old.path)  # the old one was closed, so it can be opened again
    workspaces.close(reopened)
    assert isinstance(demo_window.session, Session)
    demo_window.session.notify_changed()  # the old workspace's pages are gone; nothing reacts badly
    assert demo_window.current_page().title == "首页"
    box = answer_modal(qtbot, accept_box)
    assert not demo_window.open_workspace_path(branch_path)
    assert box.text == "这个工作区已经打开。"
