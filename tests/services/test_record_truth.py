"""Issue 11: every record stays true. Each test names the item it covers."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from app.domain.compliance import Severity
from app.domain.entries import EntryDraft, EntryType
from app.domain.members import Category, MemberDraft, Post, Status
from app.domain.membership import EventKind
from app.domain.partial_date import PartialDate
from app.domain.periods import Period, parse_month
from app.services import branch_profile, records
from app.services.compliance import check_period, dashboard
from app.services.dues import add_base, dues_status
from app.services.dues_opening import set_opening
from app.services.errors import UserError
from app.services.form_minutes import load_book, ordinal_text
from app.services.json_views import record_json, roster_member_json
from app.services.records import add_entry, get_record, load_records, lock_period, take_in_roster
from app.services.records_import import import_records
from app.services.roster import add_member, load_roster, record_event
from app.services.roster_import import Action, apply_roster_import, plan_roster_import
from app.storage.journal import head_hash, verify
from app.storage.workspace import Workspace
from tests.fixtures.branch import TODAY, Branch, build_branch
from tests.fixtures.people import make_id
from tests.fixtures.sheets import write_template_like


def _member(name: str, birth: dt.date, serial: int, **kw: object) -> MemberDraft:
    base: dict[str, object] = dict(
        name=name,
        id_number=make_id(birth, "男", serial=serial),
        joined_on=PartialDate(2000, 1, 1),
        full_on=PartialDate(2001, 1, 1),
    )
    base.update(kw)
    return MemberDraft(**base)  # type: ignore[arg-type]


def _head(ws: Workspace) -> str:
    with ws.read() as conn:
        return head_hash(conn)


@pytest.fixture
def branch(branch_ws: Workspace) -> Branch:
    return build_branch(branch_ws)


# ---- 1. 转正日期不详 -----------------------------------------------------------------------------


def test_item1_full_member_with_unknown_full_date_votes_and_is_never_a_member_before_joining(
    branch_ws: Workspace, tmp_path: Path
) -> None:
    sheet = write_template_like(
        tmp_path / "名册.xlsx",
        [
            {
                "name": "王不详",
                "id_number": make_id(dt.date(1980, 3, 3), "男", serial=11),
                "joined_on": "2015.06.01",
                "status": "正式党员",
                "in_branch_from": "2015.06.01",
            }
        ],
    )
    plan = plan_roster_import(branch_ws, sheet, TODAY)
    assert plan.rows[0].draft is not None and plan.rows[0].draft.status is Status.FULL
    apply_roster_import(branch_ws, plan)
    (view,) = load_roster(branch_ws, TODAY)
    assert view.standing.status is Status.FULL and view.voting and not view.full_on_known
    data = roster_member_json(view)
    assert data["status"] == "full" and data["voting"] is True and data["full_on_known"] is False
    assert data["full_on_presumed"] == "2016-06-01"
    assert load_roster(branch_ws, dt.date(2015, 5, 31)) == []  # never a member before joining
    assert load_roster(branch_ws, dt.date(2016, 5, 31))[0].standing.status is Status.PROBATIONARY


# ---- 2. coming into the branch ----------------------------------------------------------------------


def test_item2_transferred_in_member_is_never_added_to_earlier_meetings(branch: Branch) -> None:
    early = add_entry(branch.ws, EntryDraft(EntryType.THEME_DAY, dt.date(2026, 3, 10)), today=TODAY)
    before = len(get_record(branch.ws, early).facts.attendance.expected)
    add_member(
        branch.ws,
        _member("新来者", dt.date(1975, 5, 5), 71, in_branch_from=dt.date(2026, 6, 1)),
    )
    late = add_entry(branch.ws, EntryDraft(EntryType.THEME_DAY, dt.date(2026, 6, 10)), today=TODAY)
    names_late = {m.name for m in get_record(branch.ws, late).facts.attendance.expected}
    assert "新来者" in names_late
    assert len(get_record(branch.ws, early).facts.attendance.expected) == before
    assert get_record(branch.ws, early).drift is None  # not in the branch then: nothing to offer
    (view,) = [v for v in load_roster(branch.ws, TODAY) if v.name == "新来者"]
    assert view.draft.in_branch_from == dt.date(2026, 6, 1) and not view.draft.admitted_here


def test_item2_import_default_is_the_day_chosen_not_the_joining_day(
    branch_ws: Workspace, tmp_path: Path
) -> None:
    sheet = write_template_like(
        tmp_path / "名册.xlsx",
        [
            {
                "name": "老党员",
                "id_number": make_id(dt.date(1960, 1, 1), "男", serial=12),
                "joined_on": "1985.07.01",
                "full_on": "1986.07.01",
            }
        ],
    )
    plan = plan_roster_import(branch_ws, sheet, TODAY, in_branch_from=dt.date(2026, 9, 1))
    apply_roster_import(branch_ws, plan)
    assert load_roster(branch_ws, dt.date(2026, 8, 31)) == []
    assert [v.name for v in load_roster(branch_ws, dt.date(2026, 9, 1))] == ["老党员"]


# ---- 3. a saved record does not change ----------------------------------------------------------


def test_item3_locked_record_keeps_its_roll_and_an_open_one_shows_a_notice(branch: Branch) -> None:
    sent = add_entry(
        branch.ws, EntryDraft(EntryType.THEME_DAY, dt.date(2026, 3, 10)), today=TODAY
    )  # the reproduction of the issue: saved, exported (locked), then a member added
    still_open = add_entry(branch.ws, EntryDraft(EntryType.THEME_DAY, dt.date(2026, 4, 10)), today=TODAY)
    lock_period(branch.ws, Period.parse("2026-03"), today=TODAY)
    groups = {u: n for n, u in branch.groups.items()}
    exported = record_json(get_record(branch.ws, sent), groups)
    add_member(branch.ws, _member("老党员", dt.date(1965, 6, 6), 72, in_branch_from=dt.date(2020, 1, 1)))

    now = record_json(get_record(branch.ws, sent), groups)
    assert (now["expected"], now["present"], now["absent"]) == (
        exported["expected"],
        exported["present"],
        exported["absent"],
    )
    locked = get_record(branch.ws, sent)
    assert locked.drift is not None and [m.name for m in locked.drift.added] == ["老党员"]
    with pytest.raises(UserError):
        take_in_roster(branch.ws, sent)

    open_view = get_record(branch.ws, still_open)
    assert open_view.drift is not None and "老党员" in open_view.drift.describe()
    head = _head(branch.ws)
    assert take_in_roster(branch.ws, still_open)
    assert _head(branch.ws) != head and verify(branch.ws.engine.connect()).ok  # journaled
    updated = get_record(branch.ws, still_open)
    assert updated.drift is None
    assert "老党员" in {m.name for m in updated.facts.attendance.expected}


def test_item3_editing_an_open_record_keeps_its_roll_unless_the_date_changes(branch: Branch) -> None:
    uuid = add_entry(branch.ws, EntryDraft(EntryType.THEME_DAY, dt.date(2026, 4, 10)), today=TODAY)
    add_member(branch.ws, _member("后来者", dt.date(1966, 6, 6), 73, in_branch_from=dt.date(2020, 1, 1)))
    kept = len(get_record(branch.ws, uuid).facts.attendance.expected)
    records.update_entry(
        branch.ws,
        uuid,
        replace(get_record(branch.ws, uuid).draft, place="会议室", expected=None),
        today=TODAY,
    )
    assert len(get_record(branch.ws, uuid).facts.attendance.expected) == kept
    records.update_entry(
        branch.ws,
        uuid,
        replace(get_record(branch.ws, uuid).draft, date=dt.date(2026, 4, 11), expected=None),
        today=TODAY,
    )
    assert len(get_record(branch.ws, uuid).facts.attendance.expected) == kept + 1


# ---- 4. membership events are checked ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "on", "months", "reason"),
    [
        (EventKind.TRANSFER_OUT, PartialDate(1999, 1, 1), None, "早于入党日期"),
        (EventKind.RESTORED, PartialDate(2025, 1, 1), None, "没有停止党籍"),
        (EventKind.EXTENDED, PartialDate(2025, 1, 1), 6, "只有预备党员"),
    ],
)
def test_item4_impossible_events_are_refused_and_nothing_is_written(
    branch: Branch, kind: EventKind, on: PartialDate, months: int | None, reason: str
) -> None:
    head = _head(branch.ws)
    with pytest.raises(UserError, match=reason):
        record_event(branch.ws, branch.ids["党员丁"], kind, on, months=months, today=TODAY)
    assert _head(branch.ws) == head


def test_item4_extension_limits_and_the_extended_end(branch: Branch) -> None:
    uuid = branch.ids["预备壬"]  # joined 2026-01-10
    for months in (5, 13):
        with pytest.raises(UserError, match="6至12个月"):
            record_event(
                branch.ws, uuid, EventKind.EXTENDED, PartialDate(2026, 11, 1), months=months, today=TODAY
            )
    record_event(branch.ws, uuid, EventKind.EXTENDED, PartialDate(2026, 11, 1), months=6, today=TODAY)
    with pytest.raises(UserError, match="只能延长1次"):
        record_event(branch.ws, uuid, EventKind.EXTENDED, PartialDate(2026, 11, 2), months=6, today=TODAY)
    view = next(v for v in load_roster(branch.ws, TODAY) if v.uuid == uuid)
    from app.services.roster import check_draft, probation_ends

    assert probation_ends(view) == dt.date(2027, 7, 10)
    late = dt.date(2027, 3, 1)  # past the first year, inside the extension: no 届满 warning
    assert not any("届满" in p.message for p in check_draft(branch.ws, view.draft, uuid=uuid, today=late))


# ---- 5. import surprises ---------------------------------------------------------------------------------


def test_item5_an_id_under_another_name_is_a_question(branch_ws: Workspace, tmp_path: Path) -> None:
    id_number = make_id(dt.date(1970, 7, 7), "男", serial=13)
    first = write_template_like(
        tmp_path / "a.xlsx",
        [{"name": "张三", "id_number": id_number, "post": "书记", "joined_on": "2000.01"}],
    )
    apply_roster_import(branch_ws, plan_roster_import(branch_ws, first, TODAY))
    forged = write_template_like(
        tmp_path / "b.xlsx",
        [{"name": "冒名者", "id_number": id_number, "post": "委员", "joined_on": "2000.01"}],
    )
    plan = plan_roster_import(branch_ws, forged, TODAY)
    assert plan.rows[0].action is Action.RENAME and "张三" in plan.renames()[0]
    head = _head(branch_ws)
    with pytest.raises(UserError, match="姓名不同"):
        apply_roster_import(branch_ws, plan)
    assert _head(branch_ws) == head and [v.name for v in load_roster(branch_ws, TODAY)] == ["张三"]
    apply_roster_import(branch_ws, plan, confirm_renames=True)
    assert [v.name for v in load_roster(branch_ws, TODAY)] == ["冒名者"]


def test_item5_hidden_rows_rows_below_a_gap_two_posts_and_a_number_date(
    branch_ws: Workspace, tmp_path: Path
) -> None:
    path = write_template_like(
        tmp_path / "名册.xlsx",
        [
            {
                "name": "书记委员",
                "id_number": make_id(dt.date(1970, 1, 2), "男", serial=14),
                "post": "书记、委员",
            },
            {"name": "隐藏者", "id_number": make_id(dt.date(1971, 1, 2), "男", serial=15)},
            {"name": "数字日期", "id_number": make_id(dt.date(1972, 1, 2), "男", serial=16)},
        ],
    )
    wb = openpyxl.load_workbook(path)
    sheet = wb.active
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "姓名")
    joined_col = next(c for c in range(1, 30) if sheet.cell(header, c).value == "入党日期")
    sheet.row_dimensions[header + 2].hidden = True
    number_cell = sheet.cell(header + 3, joined_col)
    number_cell.value = 1985.1
    number_cell.number_format = "0.0"
    sheet.cell(header + 7, 1).value = "空行下的人"  # two blank rows above it
    sheet.cell(header + 7, 2).value = "男"
    wb.save(path)

    plan = plan_roster_import(branch_ws, path, TODAY)
    by_name = {r.name: r for r in plan.rows}
    assert by_name["书记委员"].draft is not None
    assert by_name["书记委员"].draft.posts == (Post.SECRETARY, Post.COMMITTEE_MEMBER)
    assert any("隐藏" in p.message for p in by_name["隐藏者"].problems)
    assert by_name["数字日期"].action is Action.INVALID
    assert any("1985年1月 还是 1985年10月" in p.message for p in by_name["数字日期"].problems)
    assert "空行下的人" not in by_name
    assert plan.warnings and f"第{header + 7}行" in plan.warnings[0] and "没有导入" in plan.warnings[0]


@pytest.mark.parametrize("name", ["张\u202e三", "长" * 2000])
def test_item5_names_with_control_characters_or_thousands_of_characters_are_refused(
    branch_ws: Workspace, tmp_path: Path, name: str
) -> None:
    path = write_template_like(
        tmp_path / "名册.xlsx", [{"name": name, "id_number": make_id(dt.date(1970, 1, 3), "男", serial=17)}]
    )
    plan = plan_roster_import(branch_ws, path, TODAY)
    assert plan.rows[0].action is Action.INVALID
    assert any(p.field == "姓名" for p in plan.rows[0].problems)


# ---- 6. started_on ------------------------------------------------------------------------------------------


def test_item6_before_started_on_every_check_says_not_entered(branch: Branch) -> None:
    branch_profile.change_profile(branch.ws, started_on=dt.date(2026, 7, 1))
    findings = check_period(branch.ws, Period.parse("2026"), TODAY)
    early = [
        f
        for f in findings
        if f.rule.startswith("frequency.") and ("3月" in f.message or "第一季度" in f.message)
    ]
    assert early and all(f.severity is Severity.NOT_ENTERED for f in early)
    assert not [
        f
        for f in findings
        if f.severity is Severity.VIOLATION and any(f"2026年{m}月" in f.message for m in range(1, 7))
    ]
    assert any(f.severity is Severity.VIOLATION for f in findings)  # after started_on, still judged
    board = dashboard(branch.ws, TODAY)
    assert board.started_on == dt.date(2026, 7, 1) and board.not_entered()
    assert all(o.period.end >= dt.date(2026, 7, 1) for o in board.overdue())


def test_item6_started_on_cannot_be_in_the_future(branch_ws: Workspace) -> None:
    with pytest.raises(UserError, match="晚于今天"):
        branch_profile.change_profile(branch_ws, started_on=dt.date.today() + dt.timedelta(days=1))


# ---- 7. dues opening balance -----------------------------------------------------------------------------


def test_item7_opening_balance_and_no_arrears_for_the_month_in_progress(branch: Branch) -> None:
    uuid = branch.ids["党员丁"]
    add_base(branch.ws, uuid, "2024-01", Category.EMPLOYED, gross="4800")
    set_opening(branch.ws, uuid, "2025-06", today=TODAY)
    december = {s.uuid: s for s in dues_status(branch.ws, parse_month("2025-12"))}[uuid]
    january = {s.uuid: s for s in dues_status(branch.ws, parse_month("2026-01"))}[uuid]
    assert december.paid_through == "2025-06" and december.months_unpaid == 5 and not december.flags
    assert january.months_unpaid == 6 and january.flags == ("arrears_6_months",)


def test_item7_opening_from_the_sheet_column(branch_ws: Workspace, tmp_path: Path) -> None:
    path = write_template_like(
        tmp_path / "名册.xlsx",
        [
            {
                "name": "交费者",
                "id_number": make_id(dt.date(1970, 1, 4), "男", serial=18),
                "joined_on": "2000.01",
                "dues_paid_through": "2026.10",
            }
        ],
    )
    apply_roster_import(
        branch_ws, plan_roster_import(branch_ws, path, TODAY, in_branch_from=dt.date(2020, 1, 1))
    )
    (view,) = load_roster(branch_ws, TODAY)
    add_base(branch_ws, view.uuid, "2020-01", Category.EMPLOYED, gross="4800")
    (status,) = dues_status(branch_ws, parse_month("2026-11"))
    assert status.paid_through == "2026-10" and status.months_unpaid == 0


# ---- 8. meeting numbering -----------------------------------------------------------------------------------


def test_item8_first_meeting_in_november_says_why(branch: Branch) -> None:
    branch_profile.change_profile(branch.ws, started_on=dt.date(2026, 11, 1))
    uuid = add_entry(branch.ws, EntryDraft(EntryType.BRANCH_COMMITTEE, dt.date(2026, 11, 3)), today=TODAY)
    book = load_book(branch.ws)
    text = ordinal_text(book, uuid, 2026)
    assert text.startswith("2026年第1次支部委员会") and "2026年11月1日" in text and "起计" in text


def test_item8_a_book_kept_from_january_needs_no_note(branch: Branch) -> None:
    branch_profile.change_profile(branch.ws, started_on=dt.date(2026, 1, 1))
    uuid = add_entry(branch.ws, EntryDraft(EntryType.BRANCH_COMMITTEE, dt.date(2026, 11, 3)), today=TODAY)
    assert ordinal_text(load_book(branch.ws), uuid, 2026) == "2026年第1次支部委员会"


# ---- 9. older entries ---------------------------------------------------------------------------------------


def test_item9_an_entry_from_2015_is_judged_by_the_earliest_rule_and_says_so(
    branch: Branch, tmp_path: Path
) -> None:
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            [{"type": "party_congress", "date": "2015-05-05", "topics": ["旧记录"]}], ensure_ascii=False
        ),
        encoding="utf-8",
    )
    import_records(branch.ws, path, today=TODAY)
    (old,) = [v for v in load_records(branch.ws) if v.draft.date.year == 2015]
    assert old.facts.quorum is not None and "最早的版本" in old.facts.rule_note
    assert record_json(old, {})["rule_note"]
    check_period(branch.ws, Period.parse("2015"), TODAY)  # no RuleMissing
    dashboard(branch.ws, TODAY)


def test_item9_a_term_before_1990_does_not_break_the_home_page(branch: Branch) -> None:
    profile = branch_profile.load_profile(branch.ws)
    branch_profile.save_profile(
        branch.ws,
        name=profile.name,
        code=profile.code,
        org_class=None,
        higher_committee="",
        is_village=False,
        term_start=dt.date(1985, 3, 1),
        term_years_set=None,
    )
    again = branch_profile.load_profile(branch.ws)
    assert again.term_end() is not None and "最早版本" in again.term_rule_source()
    dashboard(branch.ws, TODAY)


# ---- 11. messages --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            {"type": "theme_day", "date": "2026-05-05", "absence": [{"member": "党员丁", "reason": "倒班"}]},
            "absence",
        ),
        (
            {
                "type": "party_congress",
                "date": "2026-05-05",
                "resolutions": [{"text": "x", "kind": "election"}],
            },
            "表决类型",
        ),
    ],
)
def test_item11_records_import_refuses_what_it_does_not_know_in_chinese(
    branch: Branch, tmp_path: Path, entry: dict[str, object], expected: str
) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps([entry], ensure_ascii=False), encoding="utf-8")
    head = _head(branch.ws)
    with pytest.raises(UserError) as err:
        import_records(branch.ws, path, today=TODAY)
    assert expected in str(err.value) and "第1条" in str(err.value)
    assert "is not a valid" not in str(err.value)
    assert _head(branch.ws) == head


def test_item11_json_errors_have_no_english(branch: Branch, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"type": "theme_day" "date": "2026-05-05"}]', encoding="utf-8")
    with pytest.raises(UserError) as err:
        import_records(branch.ws, path, today=TODAY)
    assert "第 1 行" in str(err.value) and not any(
        "a" <= c.lower() <= "z" for c in str(err.value).replace("JSON", "").replace("bad.json", "")
    )
