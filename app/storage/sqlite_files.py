"""SQLite locations built from paths, never from pasted strings: `#`, `?`, `%`, spaces and 𠮷 in a folder or file
name must reach SQLite as that file, not as a URI fragment, a query or an escape."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine


def readonly_uri(path: Path) -> str:
    """A `file:` URI opening `path` read-only; Path.as_uri percent-encodes every character SQLite would read."""
    return f"{Path(path).resolve().as_uri()}?mode=ro"


def connect_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(readonly_uri(path), uri=True)


def engine_url(path: Path) -> URL:
    """The SQLAlchemy URL of a file: the database name is passed to sqlite3 as given, never parsed."""
    return URL.create("sqlite", database=str(Path(path)))


def readonly_engine(path: Path) -> Engine:
    return create_engine("sqlite://", creator=lambda: connect_readonly(path))
