"""Create and open a workspace: one SQLite file plus a folder beside it.

Open = lock → is it SQLite → integrity check → refuse a newer schema → copy → migrate.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import uuid as uuid_mod
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, insert, select

from app.storage.journal import JournaledWriter
from app.storage.lock import WorkspaceLock
from app.storage.models import WorkspaceMeta
from app.storage.sqlite_files import connect_readonly, engine_url

DB_DIR = Path(__file__).resolve().parent.parent.parent / "db"
SQLITE_MAGIC = b"SQLite format 3\x00"
log = logging.getLogger(__name__)


class WorkspaceKind(StrEnum):
    BRANCH = "branch"
    COMMITTEE = "committee"


class WorkspaceError(Exception):
    """A workspace cannot be created or opened. The message is for the user."""


def folder_for(db_path: Path) -> Path:
    """The folder beside the workspace file for backups, keys and logs."""
    return db_path.with_name(db_path.name + ".d")


def _alembic_config(conn: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(DB_DIR))
    config.attributes["connection"] = conn
    return config


def schema_head() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _make_engine(path: Path) -> Engine:
    engine = create_engine(engine_url(path))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # a power cut must not lose a saved change
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()
        # Let SQLAlchemy, not the driver, decide where transactions begin, so SAVEPOINTs work
        # (per-package savepoints in a committee import); BEGIN is emitted below.
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file, WAL included, by SQLite's backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = connect_readonly(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def integrity_problems(path: Path) -> list[str]:
    conn = connect_readonly(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()
    return [] if rows == [("ok",)] else [r[0] for r in rows]


def _looks_like_sqlite(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(16) == SQLITE_MAGIC


@dataclass
class Workspace:
    path: Path
    engine: Engine
    kind: WorkspaceKind
    _lock: WorkspaceLock

    @property
    def folder(self) -> Path:
        return folder_for(self.path)

    @contextlib.contextmanager
    def write(self, actor: str = "书记") -> Iterator[JournaledWriter]:
        """One transaction: the records and their journal entries commit together or not at all."""
        with self.engine.begin() as conn:
            writer = JournaledWriter(conn, actor)
            yield writer
            writer.flush()

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def meta(self, key: str) -> str | None:
        with self.read() as conn:
            return conn.execute(select(WorkspaceMeta.value).where(WorkspaceMeta.key == key)).scalar()

    def close(self) -> None:
        self.engine.dispose()
        self._lock.release()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _migrate(engine: Engine, path: Path) -> None:
    script = ScriptDirectory.from_config(_alembic_config())
    head = script.get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError:
            raise WorkspaceError(
                f"此工作区由较新版本的支部记录本创建（数据结构版本 {current}），"
                "本软件无法安全打开。请升级支部记录本后再打开。"
            ) from None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        copy = folder_for(path) / "backups" / f"before-upgrade-{current}-{stamp}.sqlite"
        sqlite_copy(path, copy)
        log.info("copied %s to %s before migrating from %s", path, copy, current)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")


def open_workspace(path: Path) -> Workspace:
    path = Path(path)
    if not path.exists():
        raise WorkspaceError(f"找不到工作区文件：{path}")
    lock = WorkspaceLock(folder_for(path) / "lock")
    lock.acquire()
    try:
        if not _looks_like_sqlite(path):
            raise WorkspaceError(f"“{path.name}”不是支部记录本的工作区文件。")
        problems = integrity_problems(path)
        if problems:
            raise WorkspaceError(
                f"工作区文件“{path.name}”已损坏（{problems[0]}）。请从备份恢复（设置 → 备份与恢复）。"
            )
        engine = _make_engine(path)
        _migrate(engine, path)
        with engine.connect() as conn:
            kind = conn.execute(select(WorkspaceMeta.value).where(WorkspaceMeta.key == "kind")).scalar()
        if kind not in {k.value for k in WorkspaceKind}:
            engine.dispose()
            raise WorkspaceError(f"“{path.name}”缺少工作区类型信息，不是有效的支部记录本工作区。")
        return Workspace(path, engine, WorkspaceKind(kind), lock)
    except BaseException:
        lock.release()
        raise


def create_workspace(path: Path, kind: WorkspaceKind) -> Workspace:
    """Create an empty workspace file with the current schema; the caller fills in the profile."""
    path = Path(path)
    if path.exists():
        raise WorkspaceError(f"文件已存在：{path}。请换一个名字，或直接打开它。")
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = WorkspaceLock(folder_for(path) / "lock")
    lock.acquire()
    try:
        engine = _make_engine(path)
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
            conn.execute(
                insert(WorkspaceMeta),
                [
                    {"key": "kind", "value": kind.value},
                    {"key": "workspace_uuid", "value": str(uuid_mod.uuid4())},
                    {
                        "key": "created_at",
                        "value": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                    },
                ],
            )
        return Workspace(path, engine, kind, lock)
    except BaseException:
        lock.release()
        path.unlink(missing_ok=True)
        raise
