"""Start the GUI: `branchbook` without a subcommand (app.cli) calls run_gui."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from app.services import workspaces
from app.ui.crash_handler import install_excepthook, report_exception
from app.ui.main_window import MainWindow, show_fitting
from app.ui.qt_app import create_application
from app.ui.session import Session
from app.ui.startup import open_startup_workspace
from app.ui.workers import wait_for_all


def run_gui(workspace: Path | None, demo: bool = False) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("app").setLevel(logging.INFO)
    qapp = create_application()
    session: Session | None = None
    install_excepthook(lambda: session.log_folder() if session is not None else None)
    try:
        ws = open_startup_workspace(workspace, demo)
        if ws is None:
            return 0
        workspaces.remember_workspace(ws.path)
        session = Session(ws)
        window = MainWindow(session)
        show_fitting(window)
        return qapp.exec()
    except Exception as exc:  # before or after the event loop: still a dialog, never a traceback
        report_exception(exc, None, session.log_folder() if session is not None else None, "启动")
        return 1
    finally:
        wait_for_all()
        dispose_windows()
        if session is not None:
            session.close()  # backs up if the data changed


def dispose_windows() -> None:
    """Delete every window and dialog while the QApplication still lives. Left to Python's garbage collector
    at interpreter exit, a dialog closed with Esc (kept by a page or a signal's closure) was destroyed after the
    application and its style: a segmentation fault on quit in 4 runs of 5."""
    for widget in QApplication.topLevelWidgets():
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()  # wrappers held only by reference cycles go now, not after the application
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
