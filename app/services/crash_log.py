"""Unexpected errors go to a log file, never as a traceback in front of the user."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from app.services.workspaces import data_dir


def write_crash_log(context: str, folder: Path | None = None) -> Path:
    """Append the current exception with its context; returns the log file."""
    folder = folder or data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "errors.log"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"\n=== {dt.datetime.now().isoformat(timespec='seconds')} {context}\n")
        handle.write(traceback.format_exc())
    return path
