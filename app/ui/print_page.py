"""打印: the printed forms and Excel exports (打印表格), and the year-end archive (年度归档)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.ui.archive_tab import ArchiveTab
from app.ui.form_fields import set_role
from app.ui.pages import Page
from app.ui.print_tab import PrintTab
from app.ui.session import Session


class PrintPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "打印", parent)
        intro = QLabel("表格按记录本中的数据生成，生僻字也能正确打印；同样的数据生成的文件完全相同。")
        intro.setWordWrap(True)
        set_role(intro, "hint")
        self.tabs = QTabWidget()
        self.print_tab = PrintTab(session)
        self.tabs.addTab(self.print_tab, "打印表格")
        self.archive_tab = ArchiveTab(session)
        self.tabs.addTab(self.archive_tab, "年度归档")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)

    def reload(self) -> None:
        self.print_tab.reload()
        self.archive_tab.reload()
