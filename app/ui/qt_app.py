"""The QApplication: Chinese standard buttons, the bundled font, a size older eyes can read."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

import app

log = logging.getLogger(__name__)

FONT_DIR = Path(app.__file__).resolve().parent.parent / "resources" / "fonts"
FONT_FILE = "BranchBookSans-Regular.ttf"
FONT_POINT_SIZE = 10.5  # Windows' default 9 pt is small for older eyes
STYLE_SHEET = """
QListWidget#sidebar {
    background: #f2ede6; border: none; border-right: 1px solid #d8cfc4;
    font-size: 12pt; padding-top: 8px; outline: 0;
}
QListWidget#sidebar::item { padding: 9px 18px; color: #333333; }
QListWidget#sidebar::item:hover { background: #e8e0d6; }
QListWidget#sidebar::item:selected { background: #b71c1c; color: white; }
QLabel[role="error"] { color: #c62828; }
QLabel[role="warning"] { color: #9a5b00; }
QLabel[role="ok"] { color: #2e7d32; }
QLabel[role="hint"] { color: #5f5f5f; }
QLabel[role="page-title"] { font-size: 15pt; font-weight: bold; }
"""


def create_application() -> QApplication:
    """The one QApplication, configured; reuses an existing instance (tests create their own)."""
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    configure_application(qapp)
    return qapp


def configure_application(qapp: QApplication) -> None:
    if qapp.property("branchbook_configured"):
        return
    qapp.setProperty("branchbook_configured", True)
    qapp.setApplicationName("BranchBook")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translation(qapp)
    install_font(qapp)
    qapp.setStyleSheet(STYLE_SHEET)


def install_translation(qapp: QApplication) -> bool:
    """Qt's own Chinese strings, so standard buttons read 确定/取消."""
    translator = QTranslator(qapp)  # parented: must live as long as the application
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_zh_CN", folder):
        qapp.installTranslator(translator)
        return True
    log.info("qtbase_zh_CN.qm not found in %s; standard buttons stay in English", folder)
    return False


def install_font(qapp: QApplication) -> str | None:
    """Use the bundled font if it is there (no system CJK font needed); else the system font."""
    path = FONT_DIR / FONT_FILE
    family = None
    if path.is_file():
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = families[0] if families else None
    if family is None:
        log.info("bundled font %s not available; using the system font", path)
    font = QFont(family) if family else QFont(qapp.font())
    font.setPointSizeF(FONT_POINT_SIZE)
    qapp.setFont(font)
    return family
