"""Helpers for driving the real widgets: typing Chinese, answering modal dialogs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.domain.id_number import check_digit


def type_chinese(widget: QWidget, text: str) -> None:
    """Type text the way an input method commits it (qtbot.keyClicks aborts on Chinese)."""
    if isinstance(widget, QComboBox) and widget.isEditable():
        widget = widget.lineEdit()
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def wait_active(qtbot: QtBot, widget: QWidget) -> None:
    """Until the widget's window has the keyboard (qtbot.waitActive only works as a `with` block)."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())


@dataclass
class Keyboard:
    """Keys sent the way a user types them: to whatever has the keyboard focus, and counted."""

    qtbot: QtBot
    count: int = 0
    log: list[str] = field(default_factory=list)

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        target = QApplication.focusWidget() or QApplication.activeWindow()
        assert target is not None, "no widget has the keyboard focus"
        self.qtbot.keyClick(target, key, modifier)
        self.count += 1
        name = key.name.removeprefix("Key_")
        self.log.append(f"Ctrl+{name}" if modifier & Qt.KeyboardModifier.ControlModifier else name)


def leave(widget: QWidget) -> None:
    """The user leaves a field: its editingFinished fires as on a focus change."""
    if isinstance(widget, QComboBox) and widget.isEditable():
        widget = widget.lineEdit()
    widget.editingFinished.emit()  # type: ignore[attr-defined]


_pending: list[QTimer] = []  # answerers must live until their dialog comes, even if the caller drops them


def stop_pending_answers() -> None:
    """At the end of a test: an answerer whose dialog never came must not answer the next test's."""
    while _pending:
        _pending.pop().stop()


@dataclass
class ModalAnswer:
    """What a modal dialog said, once it has been answered."""

    seen: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    timer: QTimer | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.seen)


def answer_modal(
    qtbot: QtBot,
    act: Callable[[QWidget], None],
    kind: type[QWidget] = QMessageBox,
    times: int = 1,
) -> ModalAnswer:
    """Before the code under test opens a modal dialog: when it appears, record it and `act` on it."""
    del qtbot  # asked for so the caller's test owns a QApplication
    answer = ModalAnswer()
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible() and not widget.property("answered"):
            widget.setProperty("answered", True)
            answer.titles.append(widget.windowTitle())
            answer.seen.append(widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle())
            try:
                act(widget)
            except BaseException:
                # A failed answer must not leave the dialog up: its exec() would never return and the test
                # would hang past its timeout (the alarm cannot interrupt Qt's loop). Close it, then fail.
                timer.stop()
                widget.close()
                raise
            if len(answer.seen) >= times:
                timer.stop()

    timer.timeout.connect(poll)
    timer.start()
    answer.timer = timer
    _pending.append(timer)
    return answer


def click_button(text: str) -> Callable[[QWidget], None]:
    """An `act` that clicks the message box button with this text."""

    def act(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        for button in widget.buttons():
            if button.text() == text:
                button.click()
                return
        raise AssertionError(f"no button {text!r} in {[b.text() for b in widget.buttons()]}")

    return act


def accept_box(widget: QWidget) -> None:
    assert isinstance(widget, QMessageBox)
    buttons: list[QAbstractButton] = widget.buttons()
    accept = [b for b in buttons if widget.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
    (accept or buttons)[0].click()


def reject_dialog(widget: QWidget) -> None:
    widget.reject()  # type: ignore[attr-defined]


def person_id(birth: str, gender: str = "男", area: str = "110105", serial: str = "12") -> str:
    """A valid 18-digit ID for a birth date 'YYYYMMDD'; the 17th digit is odd for 男, even for 女."""
    first17 = f"{area}{birth}{serial}{'3' if gender == '男' else '4'}"
    return first17 + check_digit(first17)


def with_wrong_check_digit(id_number: str) -> str:
    digits = "0123456789X"
    return id_number[:17] + digits[(digits.index(id_number[17]) + 1) % len(digits)]
