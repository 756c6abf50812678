"""The main window: a sidebar of sections, the section pages, and the workspace menu."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QWidget,
)

from app.services import workspaces
from app.services.errors import UserError
from app.ui.committee_branches_page import CommitteeBranchesPage
from app.ui.committee_import_page import CommitteeImportPage
from app.ui.committee_stats_page import CommitteeStatsPage
from app.ui.committee_summary_page import CommitteeSummaryPage
from app.ui.dues_page import DuesPage
from app.ui.home_page import HomePage
from app.ui.messages import show_error, show_info
from app.ui.pages import Page
from app.ui.print_page import PrintPage
from app.ui.record_book_page import RecordBookPage
from app.ui.report_page import ReportPage
from app.ui.roster_page import RosterPage
from app.ui.session import Session
from app.ui.settings_page import SettingsPage
from app.ui.workers import wait_for_all
from app.ui.workspace_wizard import FILE_FILTER, WorkspaceWizard

APP_NAME = "支部记录本"
PageFactory = Callable[[Session], Page]


BRANCH_SECTIONS: tuple[tuple[str, PageFactory], ...] = (
    ("首页", HomePage),
    ("记录本", RecordBookPage),
    ("党员", RosterPage),
    ("党费", DuesPage),
    ("打印", PrintPage),
    ("上报", ReportPage),
    ("设置", SettingsPage),
)
COMMITTEE_SECTIONS: tuple[tuple[str, PageFactory], ...] = (
    ("支部", CommitteeBranchesPage),
    ("导入", CommitteeImportPage),
    ("汇总", CommitteeSummaryPage),
    ("统计", CommitteeStatsPage),
    ("设置", SettingsPage),
)


def show_fitting(window: QMainWindow) -> None:
    """Maximised on the small screens of older laptops (1366×768), else a comfortable size."""
    screen = window.screen().availableGeometry()
    if screen.width() < 1500 or screen.height() < 900:
        window.showMaximized()
    else:
        window.resize(1400, 860)
        window.show()


class MainWindow(QMainWindow):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.pages: list[Page] = []
        self.nav = QListWidget()
        self.nav.setObjectName("sidebar")
        self.nav.setFixedWidth(128)
        self.nav.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.path_label = QLabel()
        self.statusBar().addPermanentWidget(self.path_label)

        file_menu = self.menuBar().addMenu("文件(&F)")
        self.open_action = self._action(file_menu, "打开工作区…", self.choose_workspace_file, "Ctrl+O")
        self.new_action = self._action(file_menu, "新建工作区…", self.new_workspace)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "退出", self.close, "Ctrl+Q")
        self.go_menu = self.menuBar().addMenu("转到(&G)")

        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        session.workspace_replaced.connect(self._build_pages)
        session.profile_changed.connect(self.update_title)
        session.workspace_lost.connect(self._workspace_lost)
        self._build_pages()
        self.resize(1280, 720)

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object], shortcut: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # -- sections --------------------------------------------------------------------------------

    def _build_pages(self) -> None:
        """One set of pages per workspace: a branch and a committee have different sections."""
        was = self.current_page().title if self.pages else ""
        for page in self.pages:
            self.stack.removeWidget(page)
            page.deleteLater()
        self.nav.clear()
        self.go_menu.clear()
        sections = BRANCH_SECTIONS if self.session.is_branch else COMMITTEE_SECTIONS
        self.pages = []
        for number, (title, factory) in enumerate(sections, start=1):
            page = factory(self.session)
            page.status_message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
            self.pages.append(page)
            self.stack.addWidget(page)
            self.nav.addItem(title)
            self._action(self.go_menu, title, lambda n=number - 1: self.show_section(n), f"Ctrl+{number}")
        titles = self.section_titles()
        row = titles.index(was) if was in titles else 0  # e.g. stay on 设置 after a restore
        self.nav.setCurrentRow(row)
        self.stack.setCurrentIndex(row)
        self.update_title()

    def show_section(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def section_titles(self) -> list[str]:
        return [self.nav.item(i).text() for i in range(self.nav.count())]

    def page(self, title: str) -> Page:
        return self.pages[self.section_titles().index(title)]

    def current_page(self) -> Page:
        page = self.stack.currentWidget()
        assert isinstance(page, Page)
        return page

    def update_title(self) -> None:
        self.setWindowTitle(f"{APP_NAME} — {self.session.display_name()}")
        self.path_label.setText(f"工作区：{self.session.ws.path}")

    # -- workspaces ------------------------------------------------------------------------------

    def choose_workspace_file(self) -> None:
        start = str(self.session.ws.path.parent)
        path, _ = QFileDialog.getOpenFileName(self, "打开工作区", start, FILE_FILTER)
        if path:
            self.open_workspace_path(Path(path))

    def open_workspace_path(self, path: Path) -> bool:
        """Open another workspace; on failure the current one stays open and says why."""
        if self.session.is_open and Path(path).resolve() == self.session.ws.path.resolve():
            show_info(self, "这个工作区已经打开。")
            return False
        try:
            ws = workspaces.open_existing(Path(path))
        except UserError as exc:
            show_error(self, str(exc), "无法打开工作区")
            return False
        self._switch_to(ws)
        return True

    def new_workspace(self) -> None:
        wizard = WorkspaceWizard(self, intro="新建或打开另一个工作区。当前工作区会先备份并关闭。")
        if wizard.exec() == WorkspaceWizard.DialogCode.Accepted and wizard.workspace is not None:
            self._switch_to(wizard.workspace)

    def _switch_to(self, ws: workspaces.Workspace) -> None:
        wait_for_all()  # background reads of the old workspace end before it closes
        self.session.replace(ws)
        self.statusBar().showMessage(f"已打开 {ws.path.name}", 10_000)

    def _workspace_lost(self) -> None:
        wizard = WorkspaceWizard(self, intro="工作区无法重新打开。请打开一个工作区，或新建一个：")
        if wizard.exec() == WorkspaceWizard.DialogCode.Accepted and wizard.workspace is not None:
            self.session.replace(wizard.workspace)
        else:
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not wait_for_all(100):
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                wait_for_all()  # an import being written finishes; never cut a transaction short
            finally:
                QGuiApplication.restoreOverrideCursor()
        event.accept()
