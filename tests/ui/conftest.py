"""Fixtures for the UI tests: real workspace files in tmp_path, a configured QApplication."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.services import crash_log, demo, workspaces
from app.ui import workers
from app.ui.main_window import MainWindow
from app.ui.qt_app import configure_application
from app.ui.session import Session
from tests.fixtures.branch import Branch, build_branch
from tests.ui.helpers import stop_pending_answers

# The offscreen platform cannot pass window size limits to a window system and says so on every
# layout change of a shown window; a real platform does not. Everything else Qt warns about fails.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"
UI_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if UI_TESTS in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """data_dir() and the settings file live in tmp_path, on every platform."""
    data = tmp_path / "userdata"
    monkeypatch.setattr(workspaces, "data_dir", lambda: data)
    monkeypatch.setattr(crash_log, "data_dir", lambda: data)
    monkeypatch.setattr(workspaces, "_settings_file", lambda: tmp_path / "config" / "settings.json")
    return data


@pytest.fixture(autouse=True)
def _app(qapp: QApplication) -> Iterator[QApplication]:
    """The application as run_gui configures it (Chinese buttons, font, style); no work left running."""
    configure_application(qapp)
    yield qapp
    stop_pending_answers()
    assert workers.wait_for_all(10_000), "background work did not finish"
    qapp.processEvents()


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "示例支部.branchbook"
    workspaces.close(demo.create_demo_workspace(path))
    return path


def _session(path: Path) -> Iterator[Session]:
    session = Session(workspaces.open_existing(path))
    yield session
    workers.wait_for_all(10_000)
    session.close()


@pytest.fixture
def branch_session(branch_path: Path) -> Iterator[Session]:
    yield from _session(branch_path)


@pytest.fixture
def branch(branch_session: Session) -> Branch:
    """The small real branch of tests/fixtures/branch.py (committee of 3, groups 一组 and 二组) in branch_session."""
    return build_branch(branch_session.ws)


@pytest.fixture
def demo_session(demo_path: Path) -> Iterator[Session]:
    yield from _session(demo_path)


@pytest.fixture
def demo_window(qtbot, demo_session: Session) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(demo_session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
