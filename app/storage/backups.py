"""Automatic backups beside the workspace, and a restore that checks before it swaps.

A backup is taken only when the journal head differs from the newest backup's, so
opening and closing an unchanged workspace adds nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.domain.retention import backups_to_keep
from app.storage.journal import GENESIS, verify
from app.storage.sqlite_files import connect_readonly, readonly_engine
from app.storage.workspace import Workspace, integrity_problems, sqlite_copy

_NAME = re.compile(r"^auto-(\d{8}-\d{6})-([0-9a-f]{12})\.sqlite$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken: dt.datetime
    head: str  # first 12 hex digits of the journal head at backup time


def backup_dir(ws: Workspace) -> Path:
    return ws.folder / "backups"


def list_backups(ws: Workspace) -> list[BackupInfo]:
    """Automatic backups, newest first."""
    found = []
    folder = backup_dir(ws)
    if folder.exists():
        for path in folder.iterdir():
            if m := _NAME.match(path.name):
                found.append(BackupInfo(path, dt.datetime.strptime(m[1], "%Y%m%d-%H%M%S"), m[2]))
    return sorted(found, key=lambda b: b.taken, reverse=True)


def _head(path_or_conn: sqlite3.Connection) -> str:
    row = path_or_conn.execute("SELECT hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    return row[0] if row else GENESIS


def backup_if_changed(ws: Workspace, now: dt.datetime | None = None) -> Path | None:
    """Copy the workspace if it changed since the newest backup; then thin out old copies."""
    now = now or dt.datetime.now()
    with ws.read() as conn:
        head = conn.exec_driver_sql("SELECT hash FROM journal ORDER BY seq DESC LIMIT 1").scalar() or GENESIS
    existing = list_backups(ws)
    if existing and existing[0].head == head[:12]:
        return None
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = backup_dir(ws) / f"auto-{stamp}-{head[:12]}.sqlite"
    if target.exists():  # two backups in the same second
        return None
    sqlite_copy(ws.path, target)
    prune(ws, now)
    return target


def prune(ws: Workspace, now: dt.datetime) -> list[Path]:
    backups = list_backups(ws)
    keep = backups_to_keep([b.taken for b in backups], now)
    removed = []
    for backup in backups:
        if backup.taken not in keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


class RestoreRefused(Exception):
    """The backup cannot be used. The message is for the user."""


def check_backup(backup: Path) -> None:
    """A backup is usable only if SQLite finds it intact and it is a workspace with a valid journal."""

    if not backup.exists():
        raise RestoreRefused(f"找不到备份文件：{backup}")
    problems = integrity_problems(backup)
    if problems:
        raise RestoreRefused(f"备份文件“{backup.name}”已损坏（{problems[0]}），不能用于恢复。")
    engine = readonly_engine(backup)
    try:
        with engine.connect() as conn:
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"workspace_meta", "journal", "alembic_version"} <= tables:
                raise RestoreRefused(f"“{backup.name}”不是支部记录本的工作区备份。")
            result = verify(conn)
    finally:
        engine.dispose()
    if not result.ok:
        raise RestoreRefused(f"备份“{backup.name}”的变更日志校验未通过：{result.faults[0]}")


def restore(ws: Workspace, backup: Path, now: dt.datetime | None = None) -> Path:
    """Swap the backup's content into the open workspace; the current state is backed up first.

    Returns the safety copy of what was there before. The caller should reopen the workspace
    so the schema is migrated if the backup is older.
    """
    check_backup(backup)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    safety = backup_dir(ws) / f"before-restore-{stamp}.sqlite"
    sqlite_copy(ws.path, safety)
    ws.engine.dispose()
    src = connect_readonly(backup)
    dst = sqlite3.connect(ws.path)
    try:
        src.backup(dst)  # page-by-page inside SQLite's own locking: never a half-copied file
    finally:
        dst.close()
        src.close()
    return safety
