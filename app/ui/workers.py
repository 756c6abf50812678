"""Long work (reading a sheet, importing, exporting) off the GUI thread, with results back on it."""

from __future__ import annotations

import contextlib
import gc
import warnings
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

_running: set[BackgroundTask] = set()  # a QThread must outlive its work even if its dialog is closed
_collector_was_enabled = True


def _pause_collector() -> None:
    """While work runs in a thread, Python's cyclic garbage collector is paused.

    The collector runs in whatever thread happens to allocate; a worker allocates a lot, so it would
    often be a worker that frees the unreachable cycles, and any Qt object among them (an old page's
    model, a closed dialog's wrapper) would be destroyed in that thread, which crashes Qt. Reference
    counting still frees everything not in a cycle; the cycles wait for the GUI thread."""
    global _collector_was_enabled
    _collector_was_enabled = gc.isenabled()
    gc.disable()


def _resume_collector() -> None:
    if _collector_was_enabled:
        gc.enable()
        gc.collect()  # here, on the GUI thread


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
        if not _running:
            _pause_collector()
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
        if not _running:
            _resume_collector()
        if not self.cancelled:
            if exc is None:
                self.succeeded.emit(result)
            else:
                self.failed.emit(exc)
        self.finished.emit()
        self._release()

    def _release(self) -> None:
        """Drop the connections that tie this task to its worker and to its listeners (a page holds the
        task, the task's signals hold the page's slots). Without them the objects are freed by reference
        counting here, on the GUI thread; left in a cycle, Python's collector would free them whenever it
        runs, which may be inside another task's worker thread, and Qt objects must not die there."""
        for signal in (self.succeeded, self.failed, self.finished, self._worker.done, self._thread.started):
            with contextlib.suppress(RuntimeError, TypeError), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # nothing was connected
                signal.disconnect()

    def wait(self, msecs: int = 30_000) -> bool:
        return self._thread.wait(msecs)


def running_tasks() -> list[BackgroundTask]:
    return list(_running)


def wait_for_all(msecs: int = 30_000) -> bool:
    """Block until running work ends (at exit: never cut a transaction short)."""
    return all(task.wait(msecs) for task in list(_running))
