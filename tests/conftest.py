"""Shared test set-up: Qt runs offscreen, and no test touches the real user folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs
import pytest

# Before anything imports Qt: no display is needed, here or in CI.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, the default workspace and crash logs go to a fresh temp folder for every test."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    if not sys.platform.startswith("linux"):  # platformdirs reads XDG_* only on Linux
        monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(base / "data" / "BranchBook"))
        monkeypatch.setattr(
            platformdirs, "user_config_dir", lambda *a, **k: str(base / "config" / "BranchBook")
        )
    return base


@pytest.fixture
def branch_path(tmp_path: Path) -> Path:
    """A closed branch workspace file (三车间党支部, code 0301) in tmp_path, made by the service."""
    from app.services.workspaces import close, create_branch

    path = tmp_path / "三车间党支部.branchbook"
    close(create_branch(path, name="三车间党支部", code="0301"))
    return path
