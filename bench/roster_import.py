"""Benchmark: import a generated 5,000-member roster sheet and open the roster view.

    .venv/bin/python bench/roster_import.py [--members 5000] [--no-gui]

Reports, on one generated sheet (a secretary's layout: title rows, local headers, a footer):
  - openpyxl's own read-only parse of the file (every cell value), the floor we compare against;
  - the dry run (read + validate + diff against the workspace);
  - the real import (dry run + one transaction with the journal);
  - the roster page opening on 5,000 members, and filtering per keystroke (offscreen Qt).
Targets (issue 2): whole import ≤ 3× the openpyxl parse; roster view ≤ 0.5 s; ≤ 50 ms a keystroke.
Not run in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.services.demo import GIVEN, SURNAMES, make_id_number
from app.services.roster_import import apply_roster_import, plan_roster_import
from app.services.workspaces import create_branch
from tests.fixtures.sheets import write_dirty_roster

HEADERS = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "公民身份号码",
    "文化程度",
    "籍贯",
    "参加工作时间",
    "入党时间",
    "转正时间",
    "人员类别",
    "党员类别",
    "党内职务",
    "工作岗位",
    "手机",
    "所在党小组",
    "班组",
    "备注",
]


def generate_rows(count: int, seed: int = 5000) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        gender = rng.choice("男女")
        birth = dt.date(rng.randint(1950, 2002), rng.randint(1, 12), rng.randint(1, 28))
        joined = dt.date(min(birth.year + rng.randint(19, 40), 2024), rng.randint(1, 12), rng.randint(1, 28))
        rows.append(
            {
                "序号": i + 1,
                "姓名": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)) + str(i),
                "性别": gender,
                "民族": "汉族",
                "出生年月": f"{birth:%Y.%m}",
                "公民身份号码": make_id_number(rng, birth, gender),
                "文化程度": "大学本科",
                "籍贯": "山东济南",
                "参加工作时间": f"{birth.year + 20}年{rng.randint(1, 12)}月",
                "入党时间": joined if i % 3 == 0 else f"{joined:%Y.%m.%d}",
                "转正时间": f"{joined.year + 1}-{joined.month}-{joined.day}",
                "人员类别": "正式党员",
                "党员类别": "离退休" if birth.year < 1965 else "在职",
                "党内职务": "",
                "工作岗位": rng.choice(["操作工", "班长", "技术员"]),
                "手机": f"13{rng.randint(100000000, 999999999)}",
                "所在党小组": f"第{rng.randint(1, 30)}党小组",
                "班组": rng.choice(["甲班", "乙班", "丙班", "丁班"]),
                "备注": "",
            }
        )
    return rows


def timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def openpyxl_parse(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for _ in wb.active.iter_rows(values_only=True))
    finally:
        wb.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--no-gui", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-roster-"))
    sheet = work / "花名册.xlsx"
    write_dirty_roster(sheet, generate_rows(args.members), headers=HEADERS)
    print(f"sheet: {sheet.stat().st_size / 1e6:.1f} MB, {args.members} members")

    parse_s, rows = timed(lambda: openpyxl_parse(sheet), repeat=3)
    print(f"openpyxl read-only parse:      {parse_s:6.2f} s  ({rows} rows)")

    ws = create_branch(work / "bench.branchbook", name="基准测试党支部", code="B1")
    dry_s, plan = timed(lambda: plan_roster_import(ws, sheet), repeat=3)
    assert plan.clean, plan.problems()[:3]
    print(f"dry run (plan):                {dry_s:6.2f} s  ({plan.summary()})  ratio {dry_s / parse_s:4.2f}×")
    start = time.perf_counter()
    plan = plan_roster_import(ws, sheet)
    result = apply_roster_import(ws, plan)
    whole_s = time.perf_counter() - start
    print(
        f"whole import (plan + write):   {whole_s:6.2f} s  (added {result.added})  ratio {whole_s / parse_s:4.2f}×"
    )
    reimport_s, plan2 = timed(lambda: plan_roster_import(ws, sheet))
    print(f"re-import dry run (all match): {reimport_s:6.2f} s  ({plan2.summary()})")

    if not args.no_gui:
        gui_bench(ws)
    ws.close()
    return 0


def gui_bench(ws) -> None:  # type: ignore[no-untyped-def]
    """The real 党员 page on the imported workspace: time to first paint, then each keystroke."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.ui.qt_app import create_application
    from app.ui.roster_page import RosterPage
    from app.ui.session import Session

    app = create_application()
    session = Session(ws)
    start = time.perf_counter()
    page = RosterPage(session)
    page.resize(1366, 768)
    page.show()
    QApplication.processEvents()
    opened = time.perf_counter() - start
    print(f"roster page open:              {opened * 1000:6.0f} ms  ({page.model.rowCount()} rows)")
    typed = ["王", "王丽", "王", "", "1", "13", "139", "第2", "第2党小组", ""]
    times = []
    for text in typed:
        start = time.perf_counter()
        page.search.setText(text)
        QApplication.processEvents()
        times.append(time.perf_counter() - start)
        print(f"  keystroke → {text!r:14} {times[-1] * 1000:6.1f} ms  {page.model.rowCount():5} rows")
    print(
        f"  median {statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms per keystroke"
    )
    page.close()
    app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
