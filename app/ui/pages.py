"""What every section page shares: reload when the data changed, and an honest placeholder."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from app.ui.form_fields import set_role
from app.ui.session import Session

COMING_LATER = "此功能将在后续版本提供"


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


class PlaceholderPage(Page):
    """A section not built yet says so, with what it will do; it never shows made-up data."""

    def __init__(self, session: Session, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(session, title, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.addWidget(title_label(title))
        purpose_label = QLabel(purpose)
        purpose_label.setWordWrap(True)
        layout.addWidget(purpose_label)
        later = QLabel(COMING_LATER)
        set_role(later, "hint")
        layout.addWidget(later)
        layout.addStretch(1)
        for label in (purpose_label, later):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
