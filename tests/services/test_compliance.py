import datetime as dt

import pytest

from app.domain.entries import Absence, AbsenceReason, EntryDraft, EntryType, Grade
from app.domain.periods import Period
from app.services.compliance import check_period, dashboard
from app.services.records import add_entry, set_option
from app.services.workspaces import create_branch
from app.storage.workspace import Workspace
from tests.fixtures.branch import TODAY, Branch, build_branch


@pytest.fixture
def branch(branch_ws: Workspace) -> Branch:
    return build_branch(branch_ws)


def entry(b: Branch, kind: EntryType, day: dt.date, **kw) -> str:  # type: ignore[no-untyped-def]
    base = {"host": "书记甲", "recorder": "组织乙", "topics": ("议题",)}
    return add_entry(b.ws, EntryDraft(kind, day, **{**base, **kw}), today=TODAY)


def rules_hit(findings, rule: str, severity: str | None = None) -> list:  # type: ignore[no-untyped-def]
    return [f for f in findings if f.rule == rule and (severity is None or f.severity.value == severity)]


def full_month(b: Branch, year: int, month: int) -> None:
    entry(b, EntryType.BRANCH_COMMITTEE, dt.date(year, month, 3))
    entry(b, EntryType.THEME_DAY, dt.date(year, month, 5))
    for gid in b.groups.values():
        entry(b, EntryType.GROUP_MEETING, dt.date(year, month, 7), group_uuid=gid)


@pytest.mark.parametrize(
    "rule", ["frequency.branch_committee", "frequency.theme_day", "frequency.group_meeting"]
)
def test_monthly_rules_compliant_and_not(branch: Branch, rule: str) -> None:
    full_month(branch, 2026, 3)
    assert rules_hit(check_period(branch.ws, Period.parse("2026-03"), TODAY), rule) == []
    missing = rules_hit(check_period(branch.ws, Period.parse("2026-04"), TODAY), rule, "violation")
    assert len(missing) == (2 if rule == "frequency.group_meeting" else 1)  # one per group


def test_group_meeting_of_one_group_does_not_cover_the_other(branch: Branch) -> None:
    entry(branch, EntryType.GROUP_MEETING, dt.date(2026, 5, 7), group_uuid=branch.groups["一组"])
    [missing] = rules_hit(check_period(branch.ws, Period.parse("2026-05"), TODAY), "frequency.group_meeting")
    assert "二组" in missing.subject


def test_quarterly_congress(branch: Branch) -> None:
    entry(branch, EntryType.PARTY_CONGRESS, dt.date(2026, 2, 20))
    assert rules_hit(check_period(branch.ws, Period.parse("2026Q1"), TODAY), "frequency.party_congress") == []
    assert rules_hit(
        check_period(branch.ws, Period.parse("2026Q2"), TODAY), "frequency.party_congress", "violation"
    )
    # a month is not judged on a quarterly rule
    assert (
        rules_hit(check_period(branch.ws, Period.parse("2026-04"), TODAY), "frequency.party_congress") == []
    )


def test_yearly_org_life_with_q4_note_and_member_review(branch: Branch) -> None:
    findings = check_period(branch.ws, Period.parse("2025"), TODAY)
    assert rules_hit(findings, "frequency.org_life", "violation")
    assert rules_hit(findings, "frequency.member_review", "violation")
    entry(branch, EntryType.ORG_LIFE, dt.date(2025, 6, 1))
    entry(branch, EntryType.MEMBER_REVIEW, dt.date(2025, 6, 1))
    findings = check_period(branch.ws, Period.parse("2025"), TODAY)
    [note] = rules_hit(findings, "frequency.org_life")
    assert note.severity.value == "warning" and "第4季度" in note.message
    assert rules_hit(findings, "frequency.member_review") == []


def test_current_period_is_due_not_violated(branch: Branch) -> None:
    findings = check_period(branch.ws, Period.parse("2026-11"), TODAY)
    [due] = rules_hit(findings, "frequency.theme_day")
    assert due.severity.value == "warning" and "2026-11-30" in due.message


def test_branch_without_committee_or_groups_is_not_asked_for_their_meetings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = create_branch(tmp_path / "small.branchbook", name="小支部", code="S1")
    try:
        build_branch(ws, committee=False, groups=False)
        findings = check_period(ws, Period.parse("2026-03"), TODAY)
        assert rules_hit(findings, "frequency.branch_committee") == []
        assert rules_hit(findings, "frequency.group_meeting") == []
        assert rules_hit(findings, "frequency.theme_day", "violation")
    finally:
        ws.close()


def test_party_lecture_is_a_local_option_off_by_default(branch: Branch) -> None:
    assert rules_hit(check_period(branch.ws, Period.parse("2026Q1"), TODAY), "frequency.party_lecture") == []
    set_option(branch.ws, "frequency.party_lecture", True)
    assert rules_hit(
        check_period(branch.ws, Period.parse("2026Q1"), TODAY), "frequency.party_lecture", "violation"
    )
    entry(branch, EntryType.PARTY_LECTURE, dt.date(2026, 3, 1))
    assert rules_hit(check_period(branch.ws, Period.parse("2026Q1"), TODAY), "frequency.party_lecture") == []


def test_excellent_over_one_third_is_a_violation(branch: Branch) -> None:
    full = [n for n in branch.ids if n != "预备壬"]  # 8 full members: at most 2 may be 优秀
    grades = {branch.ids[n]: (Grade.EXCELLENT if i < 3 else Grade.QUALIFIED) for i, n in enumerate(full)}
    entry(branch, EntryType.MEMBER_REVIEW, dt.date(2025, 12, 1), grades=grades)
    assert rules_hit(
        check_period(branch.ws, Period.parse("2025"), TODAY), "review_excellent_limit", "violation"
    )
    ok = {branch.ids[n]: (Grade.EXCELLENT if i < 2 else Grade.QUALIFIED) for i, n in enumerate(full)}
    entry(branch, EntryType.MEMBER_REVIEW, dt.date(2024, 12, 1), grades=ok)
    assert rules_hit(check_period(branch.ws, Period.parse("2024"), TODAY), "review_excellent_limit") == []


def test_record_completeness(branch: Branch) -> None:
    add_entry(branch.ws, EntryDraft(EntryType.THEME_DAY, dt.date(2026, 3, 5)), today=TODAY)
    messages = {
        f.message
        for f in rules_hit(check_period(branch.ws, Period.parse("2026-03"), TODAY), "record_completeness")
    }
    assert {"记录不完整：未填主持人", "记录不完整：未填记录人", "记录不完整：未填议题"} <= messages


def test_heart_talk_coverage(branch: Branch) -> None:
    ids = branch.ids
    findings = rules_hit(check_period(branch.ws, Period.parse("2026"), TODAY), "heart_talk_coverage")
    assert any("书记甲 与 组织乙" in f.message for f in findings)
    for a, b in [("书记甲", "组织乙"), ("书记甲", "宣传丙"), ("组织乙", "宣传丙")]:
        entry(branch, EntryType.HEART_TALK, dt.date(2026, 3, 1), participants=(ids[a], ids[b]))
    for i, name in enumerate(["党员丁", "党员戊", "党员己", "党员庚", "党员辛", "预备壬"]):
        talker = ["书记甲", "组织乙", "宣传丙"][i % 3]
        entry(branch, EntryType.HEART_TALK, dt.date(2026, 4, 1), participants=(ids[talker], ids[name]))
    assert rules_hit(check_period(branch.ws, Period.parse("2026"), TODAY), "heart_talk_coverage") == []


def test_six_months_without_organisational_life_is_flagged_not_five(branch: Branch) -> None:
    everyone_but = {"党员庚": AbsenceReason.SHIFT}
    entry(branch, EntryType.PARTY_CONGRESS, dt.date(2026, 1, 5))  # everyone present
    entry(
        branch,
        EntryType.PARTY_CONGRESS,
        dt.date(2026, 2, 5),
        absences=tuple(Absence(branch.ids[n], r) for n, r in everyone_but.items()),
    )
    five = [
        f.subject for f in rules_hit(check_period(branch.ws, Period.parse("2026-06"), TODAY), "inactivity")
    ]
    six = [
        f.subject for f in rules_hit(check_period(branch.ws, Period.parse("2026-07"), TODAY), "inactivity")
    ]
    assert "党员庚" not in five  # last present 2026-01-05: five months by 2026-06-30
    assert "党员庚" in six and "党员丁" not in six


def test_dashboard_lists_due_items_open_makeups_by_team(branch: Branch) -> None:
    entry(
        branch,
        EntryType.BRANCH_COMMITTEE,
        dt.date(2026, 11, 3),
        absences=(Absence(branch.ids["组织乙"], AbsenceReason.SHIFT),),
    )
    board = dashboard(branch.ws, TODAY)
    month = {o.what: o.status.value for o in board.month}
    assert month["支部委员会"] == "done" and month["主题党日"] == "due"
    assert [(m.name, m.reason) for m in board.open_makeups] == [("组织乙", "倒班")]
    assert board.open_makeups[0].team in ("甲班", "乙班")
    assert any(o.what == "支部党员大会" for o in board.quarter)
    assert any(o.what == "组织生活会" for o in board.year)


def test_org_life_in_q4_is_compliant_without_a_note(branch: Branch) -> None:
    entry(branch, EntryType.ORG_LIFE, dt.date(2025, 12, 10))
    assert rules_hit(check_period(branch.ws, Period.parse("2025"), TODAY), "frequency.org_life") == []


def test_dashboard_does_not_call_months_before_the_record_book_overdue(branch: Branch) -> None:
    entry(
        branch, EntryType.BRANCH_COMMITTEE, dt.date(2026, 9, 3)
    )  # the first entry: the book began in September
    board = dashboard(branch.ws, TODAY)
    overdue_months = {
        f.message[:8]
        for f in board.findings
        if f.rule == "frequency.branch_committee" and f.severity.value == "violation"
    }
    assert overdue_months == {"2026年10月"}  # September was held; January–August are before the book
    assert rules_hit(check_period(branch.ws, Period.parse("2026-03"), TODAY), "frequency.branch_committee")
