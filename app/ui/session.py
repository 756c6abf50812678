"""The open workspace and the signals pages listen to when its data or the workspace itself changes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.services import branch_profile, workspaces
from app.storage.workspace import Workspace, WorkspaceKind


class Session(QObject):
    data_changed = Signal()  # records changed: pages reload what they show
    workspace_replaced = Signal()  # another workspace (or the same one reopened): pages are rebuilt
    profile_changed = Signal()  # the branch's name or other profile data: the title follows
    workspace_lost = Signal()  # reopening failed; no workspace is open

    def __init__(self, ws: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws: Workspace | None = ws

    @property
    def ws(self) -> Workspace:
        if self._ws is None:
            raise RuntimeError("no workspace is open")
        return self._ws

    @property
    def is_open(self) -> bool:
        return self._ws is not None

    @property
    def is_branch(self) -> bool:
        return self.ws.kind is WorkspaceKind.BRANCH

    def log_folder(self) -> Path | None:
        return self._ws.folder / "logs" if self._ws is not None else None

    def display_name(self) -> str:
        """The branch's or committee's name for the window title."""
        if self.is_branch:
            return branch_profile.branch_name(self.ws)
        return workspaces.load_committee(self.ws).name

    def committee_code(self) -> str:
        return workspaces.load_committee(self.ws).code

    def notify_changed(self) -> None:
        self.data_changed.emit()

    def replace(self, ws: Workspace) -> None:
        """Switch to a workspace the caller has opened; the old one is closed (and backed up)."""
        old, self._ws = self._ws, ws
        workspaces.remember_workspace(ws.path)
        if old is not None:
            workspaces.close(old)
        self.workspace_replaced.emit()

    def reopen(self) -> None:
        """Close and open the same file again, e.g. after a restore swapped its content."""
        path = self.ws.path
        self.ws.close()  # not workspaces.close: no backup of the state just restored from a backup
        self._ws = None
        try:
            self._ws = workspaces.open_existing(path)
        except Exception:
            self.workspace_lost.emit()
            raise
        self.workspace_replaced.emit()

    def close(self) -> None:
        if self._ws is not None:
            workspaces.close(self._ws)
            self._ws = None
