import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app.storage import workspace as workspace_mod
from app.storage.lock import WorkspaceLocked
from app.storage.models import Base
from app.storage.workspace import (
    WorkspaceError,
    WorkspaceKind,
    create_workspace,
    folder_for,
    open_workspace,
    schema_head,
)


def test_created_workspace_is_wal_with_foreign_keys(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "a.branchbook", WorkspaceKind.BRANCH)
    with ws.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    ws.close()
    reopened = open_workspace(tmp_path / "a.branchbook")
    assert reopened.kind is WorkspaceKind.BRANCH
    reopened.close()


def test_migrations_produce_exactly_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    ws = create_workspace(tmp_path / "a.branchbook", WorkspaceKind.BRANCH)
    with ws.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        assert set(inspect(conn).get_table_names()) >= {"member", "journal", "branch", "membership_event"}
    ws.close()


def test_second_instance_in_another_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.branchbook"
    create_workspace(path, WorkspaceKind.BRANCH).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from app.storage.workspace import open_workspace
            ws = open_workspace(Path({str(path)!r}))
            print("open", flush=True)
            sys.stdin.readline()
            ws.close()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(WorkspaceLocked, match="正在被使用"):
            open_workspace(path)
    finally:
        holder.communicate("\n", timeout=30)
    # Released when the other process closes: now it opens.
    open_workspace(path).close()


def test_second_open_in_the_same_process_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "a.branchbook"
    ws = create_workspace(path, WorkspaceKind.BRANCH)
    with pytest.raises(WorkspaceLocked):
        open_workspace(path)
    ws.close()


def test_newer_schema_is_refused_and_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "a.branchbook"
    create_workspace(path, WorkspaceKind.BRANCH).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(WorkspaceError, match="较新版本"):
        open_workspace(path)
    assert path.read_bytes() == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)


def test_not_a_workspace_and_corrupt_files_are_refused(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.branchbook"
    text_file.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="不是支部记录本的工作区文件"):
        open_workspace(text_file)

    path = tmp_path / "a.branchbook"
    ws = create_workspace(path, WorkspaceKind.BRANCH)
    ws.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page + 100, min(len(data), 3 * page)):  # scribble over the second page
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    with pytest.raises(WorkspaceError, match="已损坏"):
        open_workspace(path)


def test_older_schema_is_copied_then_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real second migration in a copy of db/: the old file is copied before it is upgraded."""
    path = tmp_path / "a.branchbook"
    create_workspace(path, WorkspaceKind.BRANCH).close()
    scripts = tmp_path / "db"
    shutil.copytree(workspace_mod.DB_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = schema_head()
    (scripts / "versions" / "9001_test_column.py").write_text(
        textwrap.dedent(f"""
        import sqlalchemy as sa
        from alembic import op
        revision = "9001"
        down_revision = {schema_head()!r}
        branch_labels = None
        depends_on = None
        def upgrade():
            with op.batch_alter_table("member") as batch:
                batch.add_column(sa.Column("test_extra", sa.Text(), nullable=True))
        def downgrade():
            pass
    """),
        encoding="utf-8",
    )
    monkeypatch.setattr(workspace_mod, "DB_DIR", scripts)
    ws = open_workspace(path)
    ws.close()
    copies = list((folder_for(path) / "backups").glob(f"before-upgrade-{head}-*.sqlite"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as old, sqlite3.connect(path) as new:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
        assert new.execute("SELECT version_num FROM alembic_version").fetchone() == ("9001",)
        assert "test_extra" in [r[1] for r in new.execute("PRAGMA table_info(member)")]


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "a.branchbook"
    path.write_text("x")
    with pytest.raises(WorkspaceError, match="已存在"):
        create_workspace(path, WorkspaceKind.BRANCH)
    assert path.read_text() == "x"
