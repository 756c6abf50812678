"""Long work (reading a sheet, importing, exporting) off the GUI thread, with results back on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

_running: set[BackgroundTask] = set()  # a QThread must outlive its work even if its dialog is closed


class _Worker(QObject):
    done = Signal(object, object)  # result, exception

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self._work = work

    @Slot()
    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # handed to the GUI thread, which decides how to show it
            self.done.emit(None, exc)
        else:
            self.done.emit(result, None)
        # Quit from this side, so the GUI thread can wait() for the end without a deadlock.
        QThread.currentThread().quit()


class BackgroundTask(QObject):
    """Run `work` in a QThread; `succeeded(result)` or `failed(exception)` arrive on the GUI thread.

    cancel() only drops the result: a service call cannot be interrupted halfway, and each
    service writes in one transaction, so the data is either fully changed or not at all.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()  # after succeeded/failed, or after the work ends if cancelled

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()  # no parent: the task must not die with the dialog that started it
        self._thread = QThread()
        self._worker = _Worker(work)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self.cancelled = False
        self.running = False

    def start(self) -> None:
        _running.add(self)
        self.running = True
        self._thread.start()

    def cancel(self) -> None:
        self.cancelled = True

    @Slot(object, object)
    def _on_done(self, result: object, exc: object) -> None:
        self._thread.wait()
        self.running = False
        _running.discard(self)
        if not self.cancelled:
            if exc is None:
                self.succeeded.emit(result)
            else:
                self.failed.emit(exc)
        self.finished.emit()

    def wait(self, msecs: int = 30_000) -> bool:
        return self._thread.wait(msecs)


def running_tasks() -> list[BackgroundTask]:
    return list(_running)


def wait_for_all(msecs: int = 30_000) -> bool:
    """Block until running work ends (at exit: never cut a transaction short)."""
    return all(task.wait(msecs) for task in list(_running))
