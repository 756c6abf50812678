"""The dues ledger, the record list and the check report as .xlsx, read back with openpyxl: headers, row
counts, money as exact numeric cells, rare names; a file that cannot be written is refused by name."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.domain.entries import Absence, AbsenceReason, EntryDraft, EntryType, Resolution
from app.domain.members import Category, MemberDraft, Status
from app.domain.partial_date import PartialDate
from app.domain.periods import Period
from app.io.pdf.dues_form import HEADERS, UNPAID
from app.services.compliance import check_period
from app.services.dues import add_base, load_dues, record_payment
from app.services.errors import UserError
from app.services.excel_exports import export_dues_ledger, export_findings, export_records
from app.services.records import add_entry, correct_entry, get_record, lock_period
from app.services.roster import add_member
from app.storage.workspace import Workspace
from tests.fixtures.branch import TODAY, Branch, build_branch
from tests.fixtures.people import make_id

ZERO = Decimal("0.00")


@pytest.fixture
def branch(branch_ws: Workspace) -> Branch:
    b = build_branch(branch_ws)
    b.ids["张𠮷"] = add_member(
        branch_ws,
        MemberDraft(
            name="张𠮷",
            id_number=make_id(dt.date(1985, 5, 5), "男", serial=77),
            joined_on=PartialDate(2010, 1, 1),
            full_on=PartialDate(2011, 1, 1),
            status=Status.FULL,
        ),
    )
    return b


def _sheet(path: Path) -> list[tuple[Any, ...]]:
    book = load_workbook(path)
    assert len(book.sheetnames) == 1
    return list(book.active.iter_rows(values_only=True))


def _money(value: object) -> Decimal:
    """A numeric cell's value exactly as stored (openpyxl writes a Decimal's digits, reads them as a float)."""
    assert isinstance(value, int | float), f"{value!r} is not a numeric cell"
    return Decimal(repr(value))


def test_dues_ledger_sheet_has_the_ledger_columns_and_exact_amounts(branch: Branch, tmp_path: Path) -> None:
    ws = branch.ws
    add_base(ws, branch.ids["张𠮷"], "2026-01", Category.EMPLOYED, gross="4321.09")  # 43.21 a month
    add_base(ws, branch.ids["党员丁"], "2026-01", Category.RETIRED, gross="2468.00")  # 12.34 a month
    payments = [("张𠮷", ["2026-01", "2026-02", "2026-03"], "129.63"), ("党员丁", ["2026-01"], "12.34")]
    for name, months, amount in payments:
        record_payment(ws, branch.ids[name], paid_on=dt.date(2026, 3, 31), months=months, amount=amount)
    target = tmp_path / "党费.xlsx"
    count = export_dues_ledger(ws, 2026, target, today=TODAY)

    rows = _sheet(target)
    assert "2026年度党费收缴登记表" in rows[0][0] and "三车间党支部" in rows[0][0]
    assert list(rows[1]) == [*HEADERS, "备注"]
    data, totals = rows[2 : 2 + count], rows[2 + count :]
    assert count == 2 and len(totals) == 2
    by_name = {r[1]: r for r in data}
    col = {h: i for i, h in enumerate(rows[1])}
    zhang = by_name["张𠮷"]
    assert [_money(zhang[col[f"{m}月"]]) for m in (1, 2, 3)] == [Decimal("129.63") / 3] * 3
    assert zhang[col["4月"]] == UNPAID and zhang[col["11月"]] is None  # November is not over on the 21st
    assert _money(zhang[col["月应交"]]) == Decimal("43.21")
    assert _money(zhang[col["全年实交"]]) == Decimal("129.63")
    assert zhang[col["交至"]] == "2026-03" and "≤ 5000：1%" in zhang[col["档次"]]
    assert "4321.09" not in " ".join(str(v) for r in rows for v in r if v is not None)

    book = load_dues(ws, 2026 * 12 + 10)
    due_year = sum((d.amount for m in book.members for k, d in m.dues.items() if k // 12 == 2026), ZERO)
    due_row, paid_row = totals
    assert due_row[1] == "应交合计" and _money(due_row[col["全年应交"]]) == due_year
    assert paid_row[1] == "实交合计"
    assert _money(paid_row[col["全年实交"]]) == sum((Decimal(a) for _, _, a in payments), ZERO)
    assert _money(paid_row[col["1月"]]) == Decimal("43.21") + Decimal("12.34")
    sheet = load_workbook(target).active
    assert sheet.cell(row=3 + list(by_name).index("张𠮷"), column=col["1月"] + 1).number_format == "0.00"


def _congress(b: Branch, day: dt.date, **kw: Any) -> EntryDraft:
    return EntryDraft(
        EntryType.PARTY_CONGRESS, day, host="书记甲", recorder="组织乙", place="三楼会议室", **kw
    )


def test_record_list_shows_attendance_validity_results_and_corrections(
    branch: Branch, tmp_path: Path
) -> None:
    ws = branch.ws
    absences = (
        Absence(branch.ids["张𠮷"], AbsenceReason.TRIP),
        Absence(branch.ids["党员丁"], AbsenceReason.OTHER, "家中有事"),
    )
    congress = add_entry(
        ws,
        _congress(
            branch,
            dt.date(2026, 2, 10),
            title="接收预备党员",
            absences=absences,
            resolutions=(Resolution("同意年度计划", yes=6, no=1),),
        ),
        today=TODAY,
    )
    add_entry(
        ws,
        EntryDraft(
            EntryType.HEART_TALK,
            dt.date(2026, 3, 2),
            topics=("思想动态",),
            participants=(branch.ids["书记甲"], branch.ids["党员戊"]),
        ),
        today=TODAY,
    )
    add_entry(ws, _congress(branch, dt.date(2026, 4, 9), title="二季度大会"), today=TODAY)  # another quarter
    add_entry(ws, EntryDraft(EntryType.OTHER, dt.date(2026, 3, 5), title="粘贴来的\x07标题"), today=TODAY)
    lock_period(ws, Period.parse("2026Q1"), today=TODAY)
    corrected = dataclasses.replace(get_record(ws, congress).draft, place="党员活动室")
    correct_entry(ws, congress, corrected, "地点记错", today=TODAY)

    target = tmp_path / "记录.xlsx"
    count = export_records(ws, Period.parse("2026Q1"), target)
    rows = _sheet(target)
    assert list(rows[1]) == [
        *("日期", "类型", "名称", "地点", "主持人", "记录人"),
        *("应到", "实到", "缺席", "是否有效", "决议与表决结果", "更正次数"),
    ]
    assert count == 3 and len(rows) == 2 + count
    first, talk, other = rows[2], rows[3], rows[4]
    assert (
        first[0].date() == dt.date(2026, 2, 10) and first[1] == "支部党员大会" and first[2] == "接收预备党员"
    )
    assert first[3] == "党员活动室"  # the corrected place
    assert (first[6], first[7]) == (10, 8)  # ten members on the day, two absent
    assert "张𠮷（出差）" in first[8] and "党员丁（其他：家中有事）" in first[8]
    assert first[9] == "有效"
    # Nine voters on the roster: 6 yes is more than half of them, so it passed.
    assert first[10] == "同意年度计划：赞成 6 票，反对 1 票，弃权 0 票，通过"
    assert first[11] == 1
    assert talk[1] == "谈心谈话" and talk[2] == "思想动态" and talk[9] == "不适用" and talk[11] == 0
    assert other[2] == "粘贴来的标题"  # a control character openpyxl would refuse is dropped, not a crash


def test_check_report_lists_every_finding_of_the_period(branch: Branch, tmp_path: Path) -> None:
    period = Period.parse("2026Q1")
    findings = check_period(branch.ws, period, TODAY)  # an empty record book: meetings are missing
    target = tmp_path / "检查.xlsx"
    count = export_findings(branch.ws, period, target, TODAY)
    rows = _sheet(target)
    assert list(rows[1]) == ["严重程度", "规则", "对象", "说明"]
    assert count == len(findings) > 0 and len(rows) == 2 + count
    labels = {"violation": "违规", "warning": "提醒"}
    assert [tuple(r) for r in rows[2:]] == [
        (labels[f.severity.value], f.rule, f.subject, f.message) for f in findings
    ]
    violations = sum(1 for f in findings if f.severity.value == "violation")
    assert f"违规 {violations} 项" in rows[0][0] and period.label() in rows[0][0]


def test_a_file_that_cannot_be_written_is_refused_by_name_and_leaves_nothing(
    branch: Branch, tmp_path: Path
) -> None:
    missing = tmp_path / "没有这个文件夹" / "党费.xlsx"
    with pytest.raises(UserError, match=r"党费\.xlsx"):
        export_dues_ledger(branch.ws, 2026, missing, today=TODAY)
    assert not missing.parent.exists()
    folder = tmp_path / "记录.xlsx"
    folder.mkdir()  # a folder where the file should go
    with pytest.raises(UserError, match=r"记录\.xlsx"):
        export_records(branch.ws, Period.parse("2026"), folder)
    assert folder.is_dir() and [p.name for p in tmp_path.iterdir() if ".xlsx" in p.name] == ["记录.xlsx"]
    with pytest.raises(UserError, match=r"\.xlsx"):
        export_findings(branch.ws, Period.parse("2026Q1"), tmp_path / "检查.csv", TODAY)
