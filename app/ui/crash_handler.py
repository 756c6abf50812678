"""Never a traceback in front of a user: an unexpected error is logged and explained in Chinese."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.services.crash_log import write_crash_log
from app.services.errors import UserError
from app.ui.messages import show_error

log = logging.getLogger(__name__)

UNEXPECTED_TEXT = (
    "发生意外错误。每次保存要么全部写入、要么没有写入，已保存的记录不受影响。\n\n"
    "您可以继续使用；如果反复出现，请把下面的记录文件交给技术支持人员：\n{where}"
)
_showing = False  # an error while the dialog is up must not open a second one


def log_exception(exc: BaseException, context: str, folder: Path | None) -> Path | None:
    """Append the traceback to folder/errors.log (the user data folder if None)."""
    try:
        try:
            raise exc  # write_crash_log formats the exception being handled
        except BaseException:
            return write_crash_log(context, folder)
    except OSError:
        log.exception("could not write the crash log")
        return None


def report_exception(
    exc: BaseException, parent: QWidget | None = None, folder: Path | None = None, context: str = "界面"
) -> None:
    """A UserError is shown as it is; anything else is logged and explained."""
    global _showing
    if isinstance(exc, UserError):
        show_error(parent, str(exc))
        return
    where = log_exception(exc, context, folder)
    if _showing:
        return
    _showing = True
    try:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "发生意外错误",
            UNEXPECTED_TEXT.format(where=where or "（记录文件无法写入）"),
            QMessageBox.StandardButton.NoButton,
            parent,
        )
        box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
    finally:
        _showing = False


def install_excepthook(log_folder: Callable[[], Path | None]) -> None:
    """Errors in slots and event handlers reach sys.excepthook; show them kindly instead."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            folder = log_folder()
        except Exception:  # the hook itself must not fail
            folder = None
        report_exception(exc.with_traceback(tb), QApplication.activeWindow(), folder)

    sys.excepthook = hook
