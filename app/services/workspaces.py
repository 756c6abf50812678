"""Create and open workspaces; where the default one lives; which one was used last."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid as uuid_mod
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.domain.branch import BranchClass
from app.services.branch_profile import check_started_on
from app.services.errors import UserError
from app.storage.backups import backup_if_changed
from app.storage.lock import WorkspaceLocked
from app.storage.workspace import (
    Workspace,
    WorkspaceError,
    WorkspaceKind,
    create_workspace,
    open_workspace,
)

WORKSPACE_SUFFIX = ".branchbook"
log = logging.getLogger(__name__)


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir("BranchBook", appauthor=False))


def default_workspace_path() -> Path:
    return data_dir() / f"支部记录本{WORKSPACE_SUFFIX}"


def _settings_file() -> Path:
    return Path(platformdirs.user_config_dir("BranchBook", appauthor=False)) / "settings.json"


def last_workspace() -> Path | None:
    try:
        value = json.loads(_settings_file().read_text(encoding="utf-8")).get("last_workspace")
    except (OSError, ValueError):
        return None
    return Path(value) if value else None


def remember_workspace(path: Path) -> None:
    settings_file = _settings_file()
    try:
        data = json.loads(settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data["last_workspace"] = str(Path(path).resolve())
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = settings_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(settings_file)


def open_existing(path: Path) -> Workspace:
    """Open for work: lock, check, migrate, and back up if it changed since the last backup."""
    try:
        ws = open_workspace(Path(path))
    except (WorkspaceError, WorkspaceLocked) as exc:
        raise UserError(str(exc)) from exc
    try:
        backup_if_changed(ws)
    except OSError as exc:  # a full disk must not stop the secretary from working
        log.warning("backup at open failed: %s", exc)
    if ws.kind is WorkspaceKind.BRANCH:
        try:
            upgrade_branch_data(ws)
        except BaseException:
            ws.close()
            raise
    return ws


def upgrade_branch_data(ws: Workspace) -> None:
    """Data a newer version keeps that older ones did not: entries saved before rolls were kept get the roll
    the roster gives them, once and journaled (after the backup above, so the old state stays on file)."""
    from app.services.records import fix_unsaved_rolls

    fixed = fix_unsaved_rolls(ws)
    if fixed:
        log.info("kept the roll of %d entries saved by an older version", fixed)


def close(ws: Workspace) -> None:
    try:
        backup_if_changed(ws)
    except OSError as exc:
        log.warning("backup at close failed: %s", exc)
    ws.close()


def create_branch(
    path: Path,
    *,
    name: str,
    code: str,
    org_class: BranchClass | None = None,
    higher_committee: str = "",
    started_on: dt.date | None = None,
    actor: str = "书记",
) -> Workspace:
    """A new branch workspace. `started_on`: the first day its book is kept here (before it: 未录入)."""
    name, code = name.strip(), code.strip()
    check_started_on(started_on)
    if not name:
        raise UserError("请填写支部名称")
    if not code:
        raise UserError("请填写支部代码（上级党委分配的编号）")
    try:
        ws = create_workspace(Path(path), WorkspaceKind.BRANCH)
    except (WorkspaceError, WorkspaceLocked) as exc:
        raise UserError(str(exc)) from exc
    with ws.write(actor) as writer:
        writer.insert(
            "branch",
            [
                {
                    "uuid": str(uuid_mod.uuid4()),
                    "name": name,
                    "code": code,
                    "org_class": int(org_class) if org_class else None,
                    "higher_committee": higher_committee.strip(),
                    "is_village": False,
                    "term_start": None,
                    "term_years": None,
                    "started_on": started_on,
                }
            ],
        )
    return ws


@dataclass(frozen=True)
class CommitteeProfile:
    name: str
    code: str


def load_committee(ws: Workspace) -> CommitteeProfile:
    if ws.kind is not WorkspaceKind.COMMITTEE:
        raise UserError("这是支部工作区，不是上级党委工作区")
    return CommitteeProfile(ws.meta("committee_name") or ws.path.stem, ws.meta("committee_code") or "")


def create_committee(path: Path, *, name: str, code: str) -> Workspace:
    name, code = name.strip(), code.strip()
    if not name or not code:
        raise UserError("请填写党委名称和代码")
    try:
        ws = create_workspace(Path(path), WorkspaceKind.COMMITTEE)
    except (WorkspaceError, WorkspaceLocked) as exc:
        raise UserError(str(exc)) from exc
    with ws.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO workspace_meta (key, value) VALUES ('committee_name', ?), ('committee_code', ?)",
            (name, code),
        )
    return ws
