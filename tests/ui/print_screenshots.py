"""Screenshots of the 打印 page for a visual check (not a test; pytest does not collect it).

    python -m tests.ui.print_screenshots OUTDIR

A demo workspace with meetings and dues in a temp folder; the window is 1366×728 (a maximised window on a
1366×768 screen)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services import demo, workspaces
from app.ui.main_window import MainWindow
from app.ui.print_page import PrintPage
from app.ui.qt_app import create_application
from app.ui.session import Session
from tests.ui.screenshots import MAIN_WINDOW, save, settle


def save_print_screenshots(outdir: Path | str) -> list[Path]:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    folder = Path(tempfile.mkdtemp(prefix="bb-print-shots-"))
    workspaces.data_dir = lambda: folder / "data"  # type: ignore[assignment]
    ws = demo.create_demo_workspace(folder / "示例支部.branchbook", activity=True)
    session = Session(ws)
    window = MainWindow(session)
    window.resize(*MAIN_WINDOW)
    window.show()
    paths: list[Path] = []

    def shot(name: str) -> None:
        settle()
        save(window, out, name)
        paths.append(out / f"{name}.png")

    window.show_section(window.section_titles().index("打印"))
    page = window.page("打印")
    assert isinstance(page, PrintPage)
    tab = page.print_tab
    shot("print-0-record-book")
    tab.select_form("signin")
    shot("print-1-signin-new-meeting")
    tab.select_form("minutes")
    shot("print-2-minutes")
    tab.select_form("dues")
    shot("print-3-dues")
    if hasattr(page, "archive_tab"):
        page.tabs.setCurrentWidget(page.archive_tab)
        shot("print-4-archive")
    window.close()
    session.close()
    return paths


if __name__ == "__main__":
    for path in save_print_screenshots(sys.argv[1] if len(sys.argv) > 1 else "screenshots"):
        print(path)
