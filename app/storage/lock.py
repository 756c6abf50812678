"""One writer per workspace: an OS-level lock on a file beside the workspace.

The OS releases the lock when the process dies, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sys
from pathlib import Path
from typing import IO


class WorkspaceLocked(Exception):
    """Another process holds the workspace. The message is for the user."""


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class WorkspaceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 — held open while locked
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "另一个程序"
            handle.close()
            raise WorkspaceLocked(f"此工作区正在被使用（{holder}）。请先关闭那边的支部记录本，再打开。")
        handle.seek(0)
        handle.truncate()
        since = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        handle.write(f"{socket.gethostname()} 上的进程 {os.getpid()}，自 {since} 起打开")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            try:
                _unlock(self._handle)
            finally:
                self._handle.close()
                self._handle = None
