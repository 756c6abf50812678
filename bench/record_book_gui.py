"""The real 记录本 page, offscreen, on a workspace: time to open, then each filter change.

    .venv/bin/python bench/record_book.py          (builds 750 entries, then calls gui_timings)
    .venv/bin/python bench/record_book_gui.py PATH (an existing workspace)

Target (issue 3): the record book opens and filters in ≤ 100 ms. Not run in CI.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 100.0


def gui_timings(workspace_path: Path) -> dict[str, float]:
    """Open the workspace, build the page, time opening and each filter change; returns ms by step."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.domain.entries import EntryType
    from app.services import workspaces
    from app.ui.qt_app import create_application
    from app.ui.record_book_page import RecordBookPage
    from app.ui.session import Session

    app = create_application()
    session = Session(workspaces.open_existing(Path(workspace_path)))
    timings: dict[str, float] = {}

    def timed(step: str, action: Callable[[], object]) -> None:
        start = time.perf_counter()
        action()
        QApplication.processEvents()  # the table repaints
        timings[step] = (time.perf_counter() - start) * 1000
        rows = page.model.rowCount() if page is not None else 0
        mark = "" if timings[step] <= TARGET_MS else "  ← over target"
        print(f"  {step:28} {timings[step]:6.1f} ms  {rows:4} rows{mark}")

    page: RecordBookPage | None = None
    start = time.perf_counter()
    page = RecordBookPage(session)
    page.resize(1366, 728)
    page.show()
    QApplication.processEvents()
    timings["open"] = (time.perf_counter() - start) * 1000
    print(f"record book page open:         {timings['open']:6.1f} ms  ({page.model.rowCount()} entries)")

    type_index = page.type_filter.findData(EntryType.PARTY_CONGRESS)
    timed("type → 支部党员大会", lambda: page.type_filter.setCurrentIndex(type_index))
    timed("type → 全部", lambda: page.type_filter.setCurrentIndex(0))
    years = page.model.years()
    year = str(years[len(years) // 2]) if years else "2026"
    timed(f"period → {year}", lambda: page.period_filter.setCurrentText(year))
    timed(f"period → {year}Q2", lambda: page.period_filter.setCurrentText(f"{year}Q2"))
    timed(f"period → {year}-03", lambda: page.period_filter.setCurrentText(f"{year}-03"))
    timed("period → 全部", lambda: page.period_filter.setCurrentIndex(0))
    timed("member → (one member)", lambda: page.member_filter.setCurrentIndex(1))
    timed("member → 全部", lambda: page.member_filter.setCurrentIndex(0))
    for text in ("议", "议题", "议题1", "议题12", "议题1", "", "会议室", "学习 上级", ""):
        timed(f"search {text!r}", lambda text=text: page.search.setText(text))
    filters = list(timings.values())[1:]
    print(
        f"  per filter change: median {statistics.median(filters):.1f} ms, worst {max(filters):.1f} ms "
        f"(target ≤ {TARGET_MS:.0f} ms)"
    )
    page.close()
    page.deleteLater()
    app.processEvents()
    start = time.perf_counter()
    again = RecordBookPage(session)
    again.resize(1366, 728)
    again.show()
    QApplication.processEvents()
    timings["open again"] = (time.perf_counter() - start) * 1000
    print(
        f"record book page open again:   {timings['open again']:6.1f} ms  (Qt warmed up, as in the running app)"
    )
    again.close()
    again.deleteLater()
    app.processEvents()
    session.close()
    return timings


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    gui_timings(Path(sys.argv[1]))
