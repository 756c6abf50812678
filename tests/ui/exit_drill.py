"""Open the application on a workspace, open and close every dialog with Esc, then quit with Ctrl+Q.

Run as a script by test_exit_drill.py, under faulthandler: a crash at teardown shows as a fatal error and a
non-zero exit status; a hang is cut short by faulthandler's own timer.
"""

from __future__ import annotations

import faulthandler
import sys
from collections.abc import Callable
from pathlib import Path

faulthandler.enable()
faulthandler.dump_traceback_later(100, exit=True)

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from app.services.roster import load_roster  # noqa: E402
from app.ui.main import run_gui  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.qt_app import create_application  # noqa: E402


def steps(window: MainWindow) -> list[Callable[[], object]]:
    roster = window.page("党员")
    book = window.page("记录本")
    dues = window.page("党费")
    first = load_roster(window.session.ws)[0]

    def go(title: str) -> Callable[[], object]:
        return lambda: window.show_section(window.section_titles().index(title))

    return [
        go("党员"),
        roster.add_member,  # type: ignore[attr-defined]
        lambda: roster.record_event(first),  # type: ignore[attr-defined]
        roster.import_roster,  # type: ignore[attr-defined]
        go("记录本"),
        book.new_entry,  # type: ignore[attr-defined]
        go("党费"),
        dues.enter_base,  # type: ignore[attr-defined]
        dues.record_payment,  # type: ignore[attr-defined]
        dues.add_adjustment,  # type: ignore[attr-defined]
        dues.add_remittance,  # type: ignore[attr-defined]
        dues.change_policy,  # type: ignore[attr-defined]
        dues.set_opening,  # type: ignore[attr-defined]
    ]


class Driver:
    """Every 30 ms: close an open dialog with Esc, or take the next step; at the end, Ctrl+Q. Two timers:
    Qt does not fire a timer again while its slot runs, and a step's slot waits in the dialog's exec()."""

    def __init__(self) -> None:
        self.window: MainWindow | None = None
        self.todo: list[Callable[[], object]] = []
        self.busy = False
        self.failed = False
        self.waited = 0
        self.quit_by_key = False
        self.closer = QTimer()
        self.closer.timeout.connect(self.close_dialog)
        self.closer.start(30)
        self.timer = QTimer()
        self.timer.timeout.connect(self.tick)
        self.timer.start(30)

    def close_dialog(self) -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox):  # an error box has no Esc: the drill fails on its exit status
            self.failed = True
            modal.buttons()[0].click()
            return
        if modal is not None:
            QTest.keyClick(modal, Qt.Key.Key_Escape)  # as a user closes a dialog

    def tick(self) -> None:
        if QApplication.activeModalWidget() is not None:
            return
        if self.busy:
            return  # a step's dialog just closed; its call is still unwinding
        if self.window is None:
            self.window = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)
            if self.window is None or not self.window.isVisible():
                self.window = None
                return
            self.todo = steps(self.window)
        if not self.todo:
            if QApplication.activeWindow() is not self.window and self.waited < 100:
                self.waited += 1  # a shortcut reaches the active window only; activation comes later
                self.window.activateWindow()
                return
            self.timer.stop()
            self.closer.stop()
            self.quit_by_key = QApplication.activeWindow() is self.window
            QTest.keyClick(self.window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
            return
        self.busy = True
        try:
            self.todo.pop(0)()
        finally:
            self.busy = False


if __name__ == "__main__":
    create_application()  # run_gui reuses it; the timer needs it first
    driver = Driver()
    status = run_gui(Path(sys.argv[1]))
    done = not driver.failed and not driver.todo and driver.window is not None and driver.quit_by_key
    sys.exit(status or (0 if done else 3))
