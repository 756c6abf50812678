"""Form building blocks: a field with its message under it, message labels styled by role."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

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


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def days_phrase(end: dt.date, today: dt.date) -> tuple[str, bool]:
    """("还有 N 天", False) or ("已届满 N 天", True)."""
    days = (end - today).days
    if days > 0:
        return f"还有 {days} 天", False
    if days == 0:
        return "今天届满", True
    return f"已届满 {-days} 天", True
