"""Form building blocks: a field with its message under it, message labels styled by role."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.problems import Severity


def set_role(label: QLabel, role: str) -> None:
    """Colour a label by the stylesheet's role (error, warning, ok, hint, page-title)."""
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)


def message_label(role: str = "error", parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    set_role(label, role)
    label.hide()
    return label


def show_message(label: QLabel, text: str, role: str = "error") -> None:
    label.setText(text)
    set_role(label, role)
    label.setVisible(bool(text))


class FieldBox(QWidget):
    """An editor with its error or warning shown right under it, in plain words."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.message = message_label("error", self)
        self.message.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.message)
        self.setFocusProxy(editor)

    def set_problems(self, errors: list[str], warnings: list[str]) -> None:
        if errors:
            show_message(self.message, "\n".join(errors), "error")
        elif warnings:
            show_message(self.message, "\n".join(f"提醒：{w}" for w in warnings), "warning")
        else:
            self.clear()

    def clear(self) -> None:
        show_message(self.message, "")

    def shown(self) -> tuple[str, Severity | None]:
        """The text shown and whether it is an error or a warning (for tests and focus)."""
        if not self.message.isVisibleTo(self):
            return "", None
        severity = {"error": Severity.ERROR, "warning": Severity.WARNING}.get(self.message.property("role"))
        return self.message.text(), severity


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def days_phrase(end: dt.date, today: dt.date) -> tuple[str, bool]:
    """("还有 N 天", False) or ("已届满 N 天", True)."""
    days = (end - today).days
    if days > 0:
        return f"还有 {days} 天", False
    if days == 0:
        return "今天届满", True
    return f"已届满 {-days} 天", True


class DateField(QDateEdit):
    """A date in 年月日 with a calendar; Tab leaves the field (Qt's own steps through year, month, day,
    which traps a keyboard user); ← → move between year, month and day, ↑ ↓ change them."""

    def __init__(self, day: dt.date, latest: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(to_qdate(day), parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy年M月d日")
        if latest is not None:
            self.setMaximumDate(to_qdate(latest))

    def focusNextPrevChild(self, next: bool) -> bool:
        return QAbstractSpinBox.focusNextPrevChild(self, next)

    def day(self) -> dt.date:
        value = self.date().toPython()
        assert isinstance(value, dt.date)
        return value


class TimeField(QLineEdit):
    """A clock time typed as digits (1430, 14:30, 9:00), or left blank: a record never invents a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("如 1430")
        self.setToolTip("输入时间，如 1430 或 14:30；不记得可空着")
        self.setMaxLength(5)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("如 14300") + 16)
        self.editingFinished.connect(self._tidy)

    def set_time(self, value: dt.time | None) -> None:
        self.setText(value.strftime("%H:%M") if value else "")

    def time(self) -> dt.time | None:
        """The time typed; None if blank. Raises ValueError for text that is not a time of day."""
        text = self.text().strip().replace("：", ":").replace(".", ":")
        if not text:
            return None
        if ":" in text:
            hours, _, minutes = text.partition(":")
        elif text.isdigit() and len(text) in (3, 4):
            hours, minutes = text[:-2], text[-2:]
        else:
            hours, minutes = text, "0"
        if not hours.isdigit() or not minutes.isdigit():
            raise ValueError("时间请写成如 1430 或 14:30")
        try:
            return dt.time(int(hours), int(minutes))
        except ValueError:
            raise ValueError(f"没有 {self.text().strip()} 这个时间") from None

    def _tidy(self) -> None:
        """Show what was understood: 1430 becomes 14:30."""
        try:
            value = self.time()
        except ValueError:
            return
        if value is not None:
            self.set_time(value)
