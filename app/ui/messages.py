"""Message boxes with Chinese buttons; every user-facing message goes through here."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

APP_TITLE = "支部记录本"


def show_error(parent: QWidget | None, text: str, title: str = "无法完成") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def show_info(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str, no: str = "取消") -> bool:
    """True if the user chose `yes`; the safe answer is the default, so Enter does not destroy."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
