"""What every section page shares: reload when the data changed; buttons and titles."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QWidget

from app.ui.form_fields import set_role
from app.ui.session import Session


class Page(QWidget):
    """A section. It loads its data when first shown and again after the data changed."""

    status_message = Signal(str)

    def __init__(self, session: Session, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.title = title
        self._stale = True
        session.data_changed.connect(self._on_data_changed)

    def _on_data_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        self.reload()

    def reload(self) -> None:
        """Read the data again from the services; pages override."""


class OpenableTableView(QTableView):
    """Enter opens the current row, as a double-click does."""

    open_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit()
            return
        super().keyPressEvent(event)


def action_button(text: str, tip: str = "") -> QPushButton:
    """A page's button: never the default, so Enter in a table or field does not press it."""
    button = QPushButton(text)
    button.setAutoDefault(False)
    if tip:
        button.setToolTip(tip)
    return button


def title_label(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    set_role(label, "page-title")
    return label
