"""Which workspace to open at start: the one named, the last one, the demo, or the wizard's choice."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.services import demo, workspaces
from app.services.errors import UserError
from app.storage.workspace import Workspace
from app.ui.messages import show_error
from app.ui.workspace_wizard import WorkspaceWizard

DEMO_NAME = "示例支部.branchbook"
log = logging.getLogger(__name__)


def demo_path() -> Path:
    return workspaces.data_dir() / DEMO_NAME


def _open_or_create_demo(path: Path) -> Workspace:
    if path.exists():
        return workspaces.open_existing(path)
    return demo.create_demo_workspace(path, activity=True)


def open_startup_workspace(
    path: Path | None, demo_requested: bool, parent: QWidget | None = None
) -> Workspace | None:
    """The workspace to start with, or None if the user closed the wizard.

    A workspace that cannot be opened (in use, damaged, too new) is explained, then the wizard
    lets the user open another or create one; nothing crashes.
    """
    problem = ""
    try:
        if path is not None:
            if demo_requested and not path.exists():
                return demo.create_demo_workspace(path, activity=True)
            return workspaces.open_existing(path)
        last = workspaces.last_workspace()
        if last is not None and last.exists():
            return workspaces.open_existing(last)
        if demo_requested:
            return _open_or_create_demo(demo_path())
    except UserError as exc:
        problem = str(exc)
        log.info("startup workspace not opened: %s", exc)
    if problem:
        show_error(parent, problem, "无法打开工作区")
        intro = "上面的工作区没有打开。请打开另一个工作区，或新建一个："
    else:
        intro = "欢迎使用支部记录本。请选择要做什么："
    wizard = WorkspaceWizard(parent, intro=intro)
    if problem:
        wizard.choice_page.group.button(wizard.choice_page.OPEN).setChecked(True)
    if wizard.exec() == WorkspaceWizard.DialogCode.Accepted:
        return wizard.workspace
    return None
