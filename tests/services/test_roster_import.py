import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from app.domain.members import Category, Post, Status
from app.domain.partial_date import PartialDate
from app.services.errors import UserError
from app.services.roster import load_roster
from app.services.roster_export import export_roster
from app.services.roster_import import Action, apply_roster_import, plan_roster_import
from app.storage.journal import verify
from app.storage.workspace import Workspace
from tests.fixtures.people import make_id, wrong_check_digit
from tests.fixtures.sheets import write_dirty_roster, write_template_like

TODAY = dt.date(2026, 11, 21)
HEADERS = [
    "序号",
    "身份证号",
    "姓名",
    "出生年月",
    "性别",
    "入党时间",
    "转正时间",
    "文化程度",
    "人员类别",
    "所在党小组",
    "班组",
    "党内职务",
    "手机",
    "家庭住址",
    "备注",
]


def person(no: int, name: str, birth: dt.date, gender: str, **cells: object) -> dict[str, object]:
    return {
        "序号": no,
        "身份证号": make_id(birth, gender, serial=no + 10),
        "姓名": name,
        "出生年月": f"{birth:%Y.%m}",
        "性别": gender,
        "文化程度": "大学本科",
        "人员类别": "正式党员",
        "所在党小组": "第一党小组",
        "班组": "甲班",
        **cells,
    }


def dirty_rows() -> list[dict[str, object]]:
    return [
        person(
            1,
            "张𠮷",
            dt.date(1975, 3, 9),
            "男",
            入党时间="1998.07",
            转正时间="1999年7月",
            党内职务="党支部书记",
        ),
        person(2, "李堃", dt.date(1982, 11, 30), "女", 入党时间=dt.date(2005, 6, 20), 转正时间="2006-6-20"),
        person(
            3,
            "王喆",
            dt.date(1990, 1, 15),
            "男",
            入党时间="2012/05/04",
            转正时间="20130504",
            手机=13912345678,
        ),
        person(4, "赵赟", dt.date(1968, 8, 8), "女", 入党时间="不详", 转正时间="", 人员类别="正式党员"),
        person(5, "钱坏行", dt.date(1985, 2, 2), "男", 入党时间="2010.01", 转正时间="2011.01"),
        person(
            6, "孙预备", dt.date(1998, 5, 5), "男", 入党时间="2026.03.01", 转正时间="", 人员类别="预备党员"
        ),
    ]


def write_dirty(path: Path, bad_row: bool = True) -> Path:
    rows = dirty_rows()
    if bad_row:
        rows[4]["身份证号"] = wrong_check_digit(str(rows[4]["身份证号"]))
    write_dirty_roster(path, rows, headers=HEADERS, title_rows=True, footer=True)
    return path


def member_count(ws: Workspace) -> int:
    return len(load_roster(ws, TODAY, include_former=True))


def test_dirty_sheet_dry_run_names_the_bad_row_and_writes_nothing(
    branch_ws: Workspace, tmp_path: Path
) -> None:
    plan = plan_roster_import(branch_ws, write_dirty(tmp_path / "花名册.xlsx"), TODAY)
    assert plan.header_row == 4  # below the merged title, the 填报单位 line and the date line
    assert len(plan.rows) == 6  # stopped at the 制表人 footer
    assert plan.count(Action.INVALID) == 1
    [bad] = [r for r in plan.rows if r.action is Action.INVALID]
    [problem] = [p for p in bad.problems if p.severity.value == "error"]
    assert problem.row == bad.row == plan.header_row + 5
    assert problem.field == "身份证号" and "校验位" in problem.message
    assert str(problem).startswith(f"错误：第{bad.row}行「身份证号」")
    assert "家庭住址" in plan.ignored_headers
    assert member_count(branch_ws) == 0


def test_without_skip_invalid_nothing_is_written(branch_ws: Workspace, tmp_path: Path) -> None:
    plan = plan_roster_import(branch_ws, write_dirty(tmp_path / "花名册.xlsx"), TODAY)
    with branch_ws.read() as conn:
        journal_before = conn.exec_driver_sql("SELECT count(*) FROM journal").scalar()
    with pytest.raises(UserError, match="未导入任何数据"):
        apply_roster_import(branch_ws, plan)
    assert member_count(branch_ws) == 0
    with branch_ws.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM journal").scalar() == journal_before


def test_skip_invalid_imports_the_good_rows_with_every_date_form(
    branch_ws: Workspace, tmp_path: Path
) -> None:
    plan = plan_roster_import(branch_ws, write_dirty(tmp_path / "花名册.xlsx"), TODAY)
    result = apply_roster_import(branch_ws, plan, skip_invalid=True)
    assert (result.added, result.skipped) == (5, 1)
    members = {m.name: m.draft for m in load_roster(branch_ws, TODAY)}
    assert set(members) == {"张𠮷", "李堃", "王喆", "赵赟", "孙预备"}
    assert members["张𠮷"].joined_on == PartialDate(1998, 7)  # year-month kept
    assert members["张𠮷"].full_on == PartialDate(1999, 7)
    assert members["张𠮷"].post is Post.SECRETARY
    assert members["张𠮷"].birth_date == PartialDate(1975, 3)
    assert members["李堃"].joined_on == PartialDate(2005, 6, 20)  # an Excel date cell
    assert members["李堃"].full_on == PartialDate(2006, 6, 20)
    assert members["王喆"].joined_on == PartialDate(2012, 5, 4)
    assert members["王喆"].full_on == PartialDate(2013, 5, 4)
    assert members["王喆"].phone == "13912345678"  # a number cell, not 1.39e10
    assert members["赵赟"].joined_on is None and members["赵赟"].status is Status.FULL  # 不详 allowed
    assert members["孙预备"].status is Status.PROBATIONARY
    assert all(d.group == "第一党小组" and d.team == "甲班" for d in members.values())
    with branch_ws.read() as conn:
        assert verify(conn).ok


def test_reimport_matches_by_id_number_and_reports_changes(branch_ws: Workspace, tmp_path: Path) -> None:
    first = write_dirty(tmp_path / "v1.xlsx", bad_row=False)
    apply_roster_import(branch_ws, plan_roster_import(branch_ws, first, TODAY))
    rows = dirty_rows()
    rows[1]["手机"] = "13700000000"
    rows[2]["所在党小组"] = "第二党小组"
    rows[5]["人员类别"] = "正式党员"
    rows[5]["转正时间"] = "2026.03.01"[:0] or ""  # still probationary: no full date yet
    rows[5]["人员类别"] = "预备党员"
    write_dirty_roster(tmp_path / "v2.xlsx", rows, headers=list(reversed(HEADERS)))  # columns shuffled again
    plan = plan_roster_import(branch_ws, tmp_path / "v2.xlsx", TODAY)
    assert plan.count(Action.UPDATE) == 2 and plan.count(Action.UNCHANGED) == 4
    changes = {r.draft.name: r.changes for r in plan.rows if r.action is Action.UPDATE and r.draft}
    assert changes["李堃"] == [("联系电话", "（空）", "13700000000")]
    assert changes["王喆"] == [("党小组", "第一党小组", "第二党小组")]
    assert plan.new_groups == ["第二党小组"]
    before = {m.name: m.uuid for m in load_roster(branch_ws, TODAY)}
    apply_roster_import(branch_ws, plan)
    after = {m.name: m for m in load_roster(branch_ws, TODAY)}
    assert {n: m.uuid for n, m in after.items()} == before  # same members, not new ones
    assert after["李堃"].draft.phone == "13700000000"


def test_export_then_import_is_unchanged(branch_ws: Workspace, tmp_path: Path) -> None:
    apply_roster_import(
        branch_ws, plan_roster_import(branch_ws, write_dirty(tmp_path / "v1.xlsx", False), TODAY)
    )
    exported = tmp_path / "导出.xlsx"
    assert export_roster(branch_ws, exported, TODAY) == 6
    plan = plan_roster_import(branch_ws, exported, TODAY)
    assert plan.clean
    assert plan.count(Action.UNCHANGED) == 6, [(r.draft.name, r.changes) for r in plan.rows if r.draft]
    # and the exported file's ID cells are text, not numbers Excel would round
    sheet = openpyxl.load_workbook(exported).active
    ids = [c.value for c in sheet["E"] if isinstance(c.value, str) and len(c.value) == 18]
    assert len(ids) == 6


def test_export_reimports_into_a_fresh_workspace_identically(tmp_path: Path) -> None:
    from app.services.demo import create_demo_workspace
    from app.services.workspaces import create_branch

    demo = create_demo_workspace(tmp_path / "demo.branchbook", today=TODAY)
    export_roster(demo, tmp_path / "demo.xlsx", TODAY)
    source = {m.draft.id_number: m.draft for m in load_roster(demo, TODAY)}
    demo.close()
    fresh = create_branch(tmp_path / "fresh.branchbook", name="新支部", code="X1")
    try:
        plan = plan_roster_import(fresh, tmp_path / "demo.xlsx", TODAY)
        assert plan.clean and plan.count(Action.NEW) == len(source)
        apply_roster_import(fresh, plan)
        copied = {m.draft.id_number: m.draft for m in load_roster(fresh, TODAY)}
        assert copied == source
    finally:
        fresh.close()


def test_plan_is_refused_if_the_workspace_changed_after_the_preview(
    branch_ws: Workspace, tmp_path: Path
) -> None:
    from app.domain.members import MemberDraft
    from app.services.roster import add_member

    plan = plan_roster_import(branch_ws, write_dirty(tmp_path / "a.xlsx", False), TODAY)
    add_member(branch_ws, MemberDraft(name="插队", id_number=make_id(dt.date(1970, 1, 1), "男")))
    with pytest.raises(UserError, match="重新预览"):
        apply_roster_import(branch_ws, plan)
    assert member_count(branch_ws) == 1


def test_bad_values_are_named_by_the_sheets_own_header(branch_ws: Workspace, tmp_path: Path) -> None:
    rows = [
        person(
            1,
            "周错",
            dt.date(1980, 1, 1),
            "男",
            入党时间="明年",
            转正时间="2001.01",
            人员类别="干事",
            党内职务="厂长",
        )
    ]
    rows[0]["性别"] = "女"  # disagrees with the ID number
    write_dirty_roster(tmp_path / "bad.xlsx", rows, headers=HEADERS)
    plan = plan_roster_import(branch_ws, tmp_path / "bad.xlsx", TODAY)
    fields = {p.field for p in plan.problems() if p.severity.value == "error"}
    assert {"入党时间", "人员类别", "党内职务", "性别"} <= fields


def test_duplicate_id_in_the_sheet_is_an_error_on_the_later_row(branch_ws: Workspace, tmp_path: Path) -> None:
    rows = dirty_rows()[:2]
    rows[1]["身份证号"] = rows[0]["身份证号"]
    rows[1]["性别"], rows[1]["出生年月"] = rows[0]["性别"], rows[0]["出生年月"]
    write_dirty_roster(tmp_path / "dup.xlsx", rows, headers=HEADERS)
    plan = plan_roster_import(branch_ws, tmp_path / "dup.xlsx", TODAY)
    invalid = [r for r in plan.rows if r.action is Action.INVALID]
    assert len(invalid) == 1 and "与第" in invalid[0].problems[-1].message


def test_template_categories_and_mobile_members(branch_ws: Workspace, tmp_path: Path) -> None:
    birth = dt.date(1960, 4, 4)
    row = {
        "name": "吴流动",
        "gender": "男",
        "id_number": make_id(birth, "男"),
        "status": "正式党员",
        "category": "离退休",
        "mobile": "江苏南京",
        "joined_on": "1990.01.01",
        "full_on": "1991.01.01",
    }
    write_template_like(tmp_path / "t.xlsx", [row])
    apply_roster_import(branch_ws, plan_roster_import(branch_ws, tmp_path / "t.xlsx", TODAY))
    [m] = load_roster(branch_ws, TODAY)
    assert m.draft.category is Category.RETIRED
    assert m.draft.is_mobile and m.draft.mobile_to == "江苏南京"
    assert m.draft.birth_date == PartialDate(1960, 4, 4)  # filled from the ID number


def test_old_xls_is_answered_with_save_as_xlsx(branch_ws: Workspace, tmp_path: Path) -> None:
    from tests.fixtures.sheets import write_fake_xls

    with pytest.raises(UserError, match=r"\.xlsx"):
        plan_roster_import(branch_ws, write_fake_xls(tmp_path / "old.xls"), TODAY)
