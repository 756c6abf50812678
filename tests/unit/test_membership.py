"""Membership timelines: 转正日期不详, coming into the branch, and which new events are refused (issue 11)."""

import datetime as dt

import pytest

from app.domain.members import MemberDraft, Post, check_member, draft_events, name_problem, parse_posts
from app.domain.membership import (
    EventKind,
    ExtensionLimits,
    MembershipEvent,
    Status,
    probation_end,
    refusal_of_new_event,
    standing_on,
    timeline,
)
from app.domain.partial_date import PartialDate
from app.domain.problems import Severity

TODAY = dt.date(2026, 11, 21)
LIMITS = ExtensionLimits(6, 12, 1, "党章第七条")


def ev(kind: EventKind, on: PartialDate | None, **kw: object) -> MembershipEvent:
    return MembershipEvent(kind, on, **kw)  # type: ignore[arg-type]


def stand(events: list[MembershipEvent], day: dt.date):  # type: ignore[no-untyped-def]
    return standing_on(timeline(events, 1), day)


def test_full_member_with_unknown_full_date_votes_a_year_after_joining_and_is_no_member_before() -> None:
    events = [ev(EventKind.ADMITTED, PartialDate(2020, 5, 10)), ev(EventKind.FULL, None)]
    assert not stand(events, dt.date(2020, 5, 9)).in_branch
    assert stand(events, dt.date(2020, 5, 10)).status is Status.PROBATIONARY
    assert stand(events, dt.date(2021, 5, 9)).status is Status.PROBATIONARY
    assert stand(events, dt.date(2021, 5, 10)).status is Status.FULL
    assert stand(events, TODAY).status is Status.FULL
    presumed = [d for d in timeline(events, 1) if d.kind is EventKind.FULL]
    assert presumed[0].presumed and presumed[0].day == dt.date(2021, 5, 10)


def test_unknown_full_date_after_an_extension_counts_from_the_extended_end() -> None:
    events = [
        ev(EventKind.ADMITTED, PartialDate(2020, 5, 10)),
        ev(EventKind.EXTENDED, PartialDate(2021, 5, 1), months=6),
        ev(EventKind.FULL, None),
    ]
    assert probation_end(events, 1) == dt.date(2021, 11, 10)
    assert stand(events, dt.date(2021, 11, 9)).status is Status.PROBATIONARY
    assert stand(events, dt.date(2021, 11, 10)).status is Status.FULL


def test_member_who_came_in_later_is_not_in_the_branch_before_that_day() -> None:
    draft = MemberDraft(
        "王五",
        joined_on=PartialDate(2001, 7, 1),
        full_on=PartialDate(2002, 7, 1),
        in_branch_from=dt.date(2026, 3, 1),
    )
    events = draft_events(draft)
    assert not draft.admitted_here
    assert not stand(events, dt.date(2026, 2, 28)).in_branch
    assert stand(events, dt.date(2026, 3, 1)).status is Status.FULL


def test_in_branch_from_on_or_before_joining_means_admitted_here() -> None:
    draft = MemberDraft("赵六", joined_on=PartialDate(2020, 5, 10), in_branch_from=dt.date(2020, 5, 10))
    assert draft.admitted_here
    assert [e.kind for e in draft_events(draft)] == [EventKind.ADMITTED, EventKind.FULL]


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        (ev(EventKind.TRANSFER_OUT, PartialDate(2019, 1, 1)), "早于入党日期"),
        (ev(EventKind.RESTORED, PartialDate(2024, 1, 1)), "没有停止党籍的记录"),
        (ev(EventKind.EXTENDED, PartialDate(2024, 1, 1), months=6), "只有预备党员"),
        (ev(EventKind.SUSPENDED, PartialDate(2027, 1, 1)), "晚于今天"),
        (ev(EventKind.CONTACT_RESTORED, PartialDate(2024, 1, 1)), "没有失去联系"),
    ],
)
def test_impossible_events_are_refused_with_the_reason(new: MembershipEvent, reason: str) -> None:
    events = [ev(EventKind.ADMITTED, PartialDate(2020, 5, 10)), ev(EventKind.FULL, PartialDate(2021, 5, 10))]
    refusal = refusal_of_new_event(events, new, 1, LIMITS, TODAY)
    assert refusal is not None and reason in refusal


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_extension_must_be_six_to_twelve_months_and_only_once(months: int, ok: bool) -> None:
    events = [ev(EventKind.ADMITTED, PartialDate(2026, 1, 10))]
    new = ev(EventKind.EXTENDED, PartialDate(2026, 11, 1), months=months)
    refusal = refusal_of_new_event(events, new, 1, LIMITS, TODAY)
    assert (refusal is None) is ok
    if ok:
        second = refusal_of_new_event([*events, new], new, 1, LIMITS, TODAY)
        assert second is not None and "只能延长1次" in second


def test_restore_after_suspension_is_allowed() -> None:
    events = [
        ev(EventKind.ADMITTED, PartialDate(2000, 1, 1)),
        ev(EventKind.FULL, PartialDate(2001, 1, 1)),
        ev(EventKind.SUSPENDED, PartialDate(2023, 1, 1)),
    ]
    assert (
        refusal_of_new_event(events, ev(EventKind.RESTORED, PartialDate(2024, 1, 1)), 1, LIMITS, TODAY)
        is None
    )


def test_event_before_coming_into_the_branch_is_refused() -> None:
    draft = MemberDraft("王五", joined_on=PartialDate(2001, 7, 1), in_branch_from=dt.date(2026, 3, 1))
    refusal = refusal_of_new_event(
        draft_events(draft), ev(EventKind.TRANSFER_OUT, PartialDate(2025, 1, 1)), 1, LIMITS, TODAY
    )
    assert refusal is not None and "进入本支部" in refusal


def test_overdue_probation_warning_uses_the_extended_end() -> None:
    draft = MemberDraft("钱七", status=Status.PROBATIONARY, joined_on=PartialDate(2025, 6, 1))
    plain = [p.message for p in check_member(draft, TODAY, 1) if p.severity is Severity.WARNING]
    extended = [p.message for p in check_member(draft, TODAY, 1, 6) if p.severity is Severity.WARNING]
    assert any("届满" in m for m in plain)
    assert not any("届满" in m for m in extended)


def test_two_posts_are_kept() -> None:
    assert parse_posts("书记、委员") == (Post.SECRETARY, Post.COMMITTEE_MEMBER)
    assert parse_posts("党支部副书记，党小组组长") == (Post.DEPUTY_SECRETARY, Post.GROUP_LEADER)
    assert parse_posts("无") == ()


@pytest.mark.parametrize("name", ["张\u202e三", "李\x00四", "王" * 41, "  "])
def test_names_with_control_characters_or_runaway_length_are_refused(name: str) -> None:
    assert name_problem(name) is not None
    assert any(
        p.field == "姓名" and p.severity is Severity.ERROR for p in check_member(MemberDraft(name), TODAY)
    )


@pytest.mark.parametrize("name", ["𠮷野", "王堃", "张喆", "阿卜杜·热合曼"])
def test_rare_characters_are_names(name: str) -> None:
    assert name_problem(name) is None
