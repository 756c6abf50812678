import datetime as dt
from dataclasses import replace

import pytest

from app.domain.entries import (
    Absence,
    AbsenceReason,
    EntryDraft,
    EntryType,
    Grade,
    Resolution,
    ResolutionKind,
)
from app.domain.members import EventKind
from app.domain.partial_date import PartialDate
from app.domain.periods import Period
from app.services.errors import UserError, ValidationFailed
from app.services.records import (
    add_entry,
    add_watch,
    correct_entry,
    delete_entry,
    get_record,
    load_records,
    lock_period,
    save_template,
    template_for,
    update_entry,
)
from app.services.roster import record_event
from app.storage.journal import verify
from app.storage.workspace import Workspace
from tests.fixtures.branch import TODAY, Branch, build_branch


@pytest.fixture
def branch(branch_ws: Workspace) -> Branch:
    return build_branch(branch_ws)


def congress(b: Branch, day: dt.date, absent: dict[str, AbsenceReason] | None = None, **kw) -> EntryDraft:  # type: ignore[no-untyped-def]
    absences = tuple(Absence(b.ids[n], r) for n, r in (absent or {}).items())
    return EntryDraft(
        EntryType.PARTY_CONGRESS,
        day,
        host="书记甲",
        recorder="组织乙",
        topics=("学习",),
        absences=absences,
        **kw,
    )


def test_attendance_and_result_are_computed_from_the_roster(branch: Branch) -> None:
    uuid = add_entry(
        branch.ws,
        congress(
            branch,
            dt.date(2026, 3, 10),
            {"党员丁": AbsenceReason.SHIFT},
            resolutions=(Resolution("决议", yes=5, no=2),),
        ),
        today=TODAY,
    )
    view = get_record(branch.ws, uuid)
    att = view.facts.attendance
    assert len(att.expected) == 9 and len(att.absent) == 1 and len(att.present) == 8
    assert att.entitled_voters == 8  # the probationary member does not vote
    assert view.facts.quorum is not None and view.facts.quorum.quorate
    assert view.facts.outcomes[0].passed  # 5 > 4


def test_member_admitted_mid_period_changes_who_is_expected(branch: Branch) -> None:
    before = add_entry(branch.ws, congress(branch, dt.date(2026, 1, 9)), today=TODAY)
    after = add_entry(branch.ws, congress(branch, dt.date(2026, 1, 10)), today=TODAY)
    names_before = {m.name for m in get_record(branch.ws, before).facts.attendance.expected}
    names_after = {m.name for m in get_record(branch.ws, after).facts.attendance.expected}
    assert "预备壬" not in names_before and "预备壬" in names_after


def test_member_transferred_out_mid_period_is_no_longer_expected(branch: Branch) -> None:
    record_event(branch.ws, branch.ids["党员辛"], EventKind.TRANSFER_OUT, PartialDate(2026, 6, 15))
    june = add_entry(branch.ws, congress(branch, dt.date(2026, 6, 14)), today=TODAY)
    july = add_entry(branch.ws, congress(branch, dt.date(2026, 7, 1)), today=TODAY)
    assert "党员辛" in {m.name for m in get_record(branch.ws, june).facts.attendance.expected}
    assert "党员辛" not in {m.name for m in get_record(branch.ws, july).facts.attendance.expected}
    with pytest.raises(ValidationFailed, match="不在应到会名单"):
        add_entry(
            branch.ws, congress(branch, dt.date(2026, 7, 2), {"党员辛": AbsenceReason.TRIP}), today=TODAY
        )


def test_committee_and_group_meetings_expect_only_their_people(branch: Branch) -> None:
    committee = add_entry(branch.ws, EntryDraft(EntryType.BRANCH_COMMITTEE, dt.date(2026, 2, 3)), today=TODAY)
    group = add_entry(
        branch.ws,
        EntryDraft(EntryType.GROUP_MEETING, dt.date(2026, 2, 4), group_uuid=branch.groups["二组"]),
        today=TODAY,
    )
    assert {m.name for m in get_record(branch.ws, committee).facts.attendance.expected} == {
        "书记甲",
        "组织乙",
        "宣传丙",
    }
    assert {m.name for m in get_record(branch.ws, group).facts.attendance.expected} == {
        "宣传丙",
        "党员己",
        "党员庚",
        "党员辛",
        "预备壬",
    }


def test_watch_flag_removes_the_vote_only_while_it_lasts(branch: Branch) -> None:
    add_watch(branch.ws, branch.ids["党员戊"], dt.date(2026, 3, 1), dt.date(2026, 8, 31))
    during = add_entry(branch.ws, congress(branch, dt.date(2026, 4, 1)), today=TODAY)
    after = add_entry(branch.ws, congress(branch, dt.date(2026, 9, 1)), today=TODAY)
    assert get_record(branch.ws, during).facts.attendance.entitled_voters == 7
    assert get_record(branch.ws, after).facts.attendance.entitled_voters == 8


def test_admission_votes_are_one_per_candidate_and_only_at_the_congress(branch: Branch) -> None:
    candidate = branch.ids["预备壬"]
    twice = (
        Resolution("接收", yes=6, kind=ResolutionKind.ADMISSION, candidate_uuid=candidate),
        Resolution("接收", yes=6, kind=ResolutionKind.ADMISSION, candidate_uuid=candidate),
    )
    with pytest.raises(ValidationFailed, match="只表决一次"):
        add_entry(branch.ws, congress(branch, dt.date(2026, 5, 5), resolutions=twice), today=TODAY)
    nobody = (Resolution("接收", yes=6, kind=ResolutionKind.ADMISSION),)
    with pytest.raises(ValidationFailed, match="逐个表决"):
        add_entry(branch.ws, congress(branch, dt.date(2026, 5, 5), resolutions=nobody), today=TODAY)
    committee = EntryDraft(
        EntryType.BRANCH_COMMITTEE,
        dt.date(2026, 5, 6),
        resolutions=(
            Resolution("转正", yes=3, kind=ResolutionKind.FULL_MEMBERSHIP, candidate_uuid=candidate),
        ),
    )
    with pytest.raises(ValidationFailed, match="支部党员大会"):
        add_entry(branch.ws, committee, today=TODAY)


def test_probationary_members_are_not_graded(branch: Branch) -> None:
    review = EntryDraft(
        EntryType.MEMBER_REVIEW, dt.date(2026, 10, 10), grades={branch.ids["预备壬"]: Grade.QUALIFIED}
    )
    with pytest.raises(ValidationFailed, match="预备党员"):
        add_entry(branch.ws, review, today=TODAY)


def test_absence_with_other_reason_needs_text_and_future_dates_are_refused(branch: Branch) -> None:
    with pytest.raises(ValidationFailed, match="请写明原因"):
        add_entry(
            branch.ws, congress(branch, dt.date(2026, 3, 3), {"党员丁": AbsenceReason.OTHER}), today=TODAY
        )
    with pytest.raises(ValidationFailed, match="晚于今天"):
        add_entry(branch.ws, congress(branch, dt.date(2026, 12, 3)), today=TODAY)


def test_makeup_closes_the_absence(branch: Branch) -> None:
    meeting = add_entry(
        branch.ws,
        congress(branch, dt.date(2026, 4, 10), {"党员丁": AbsenceReason.SHIFT, "党员己": AbsenceReason.SICK}),
        today=TODAY,
    )
    assert get_record(branch.ws, meeting).makeup_progress() == (0, 2)
    add_entry(
        branch.ws,
        EntryDraft(
            EntryType.MAKEUP,
            dt.date(2026, 4, 15),
            makeup_of=meeting,
            participants=(branch.ids["党员丁"],),
            minutes="自学会议精神",
        ),
        today=TODAY,
    )
    assert get_record(branch.ws, meeting).makeup_progress() == (1, 2)
    with pytest.raises(UserError, match="补学记录"):
        delete_entry(branch.ws, meeting)


def test_locked_period_is_read_only_and_a_correction_shows_as_a_correction(branch: Branch) -> None:
    original = congress(branch, dt.date(2026, 3, 10), resolutions=(Resolution("决议", yes=6),))
    uuid = add_entry(branch.ws, original, today=TODAY)
    lock_period(branch.ws, Period.parse("2026Q1"), today=TODAY)
    changed = congress(
        branch,
        dt.date(2026, 3, 10),
        {"党员丁": AbsenceReason.SHIFT},
        resolutions=(Resolution("决议", yes=6),),
    )
    with pytest.raises(UserError, match="更正"):
        update_entry(branch.ws, uuid, changed, today=TODAY)
    with pytest.raises(UserError, match="更正"):
        delete_entry(branch.ws, uuid)
    with pytest.raises(UserError, match="已上报"):
        add_entry(branch.ws, congress(branch, dt.date(2026, 2, 1)), today=TODAY)
    with pytest.raises(UserError, match="写明原因"):
        correct_entry(branch.ws, uuid, changed, "  ", today=TODAY)
    correct_entry(branch.ws, uuid, changed, "党员丁当天倒班，原记录漏记缺席", today=TODAY)
    view = get_record(branch.ws, uuid)
    assert view.locked and replace(view.original, expected=None) == original  # the original stays as written
    assert len(view.draft.absences) == 1 and len(view.facts.attendance.absent) == 1
    [correction] = view.corrections
    assert correction.reason.startswith("党员丁") and correction.changed() == ["缺席人员"]
    with branch.ws.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM journal WHERE entity='correction'").scalar() == 1
        assert verify(conn).ok


def test_correction_only_for_locked_periods(branch: Branch) -> None:
    uuid = add_entry(branch.ws, congress(branch, dt.date(2026, 5, 10)), today=TODAY)
    with pytest.raises(UserError, match="直接修改"):
        correct_entry(branch.ws, uuid, congress(branch, dt.date(2026, 5, 11)), "改日期", today=TODAY)
    assert update_entry(branch.ws, uuid, congress(branch, dt.date(2026, 5, 11)), today=TODAY)


def test_templates_default_then_branch_own(branch: Branch) -> None:
    agenda, minutes = template_for(branch.ws, EntryType.ORG_LIFE)
    assert "批评和自我批评" in agenda and minutes
    save_template(branch.ws, EntryType.ORG_LIFE, "我们的议程", "我们的记录格式")
    assert template_for(branch.ws, EntryType.ORG_LIFE) == ("我们的议程", "我们的记录格式")
    assert template_for(branch.ws, EntryType.THEME_DAY)[0]  # others keep the default


def test_records_filter_by_period(branch: Branch) -> None:
    add_entry(branch.ws, congress(branch, dt.date(2026, 3, 10)), today=TODAY)
    add_entry(branch.ws, congress(branch, dt.date(2026, 4, 10)), today=TODAY)
    assert len(load_records(branch.ws, Period.parse("2026Q1"))) == 1
    assert len(load_records(branch.ws, Period.parse("2026"))) == 2
