"""Quorum and passing, exactly as rules.md §2.2, §3.1 and §5.11 say."""

import datetime as dt

import pytest

from app.domain.entries import (
    Absence,
    AbsenceReason,
    EntryDraft,
    EntryType,
    Grade,
    Resolution,
    RosterMember,
    attendance,
    excellent_over_limit,
    quorum,
    vote_outcome,
)
from app.domain.members import Status

DAY = dt.date(2026, 3, 15)


def roster(full: int, probationary: int = 0, watched: int = 0, committee: int = 0) -> list[RosterMember]:
    members = [
        RosterMember(f"f{i}", f"正式{i}", Status.FULL, on_committee=i < committee) for i in range(full)
    ]
    members += [RosterMember(f"p{i}", f"预备{i}", Status.PROBATIONARY) for i in range(probationary)]
    members += [RosterMember(f"w{i}", f"察看{i}", Status.FULL, on_watch=True) for i in range(watched)]
    return members


def congress(
    members: list[RosterMember], present_voters: int, *resolutions: Resolution, written: int = 0
) -> tuple:
    voters = [m for m in members if m.votes]
    absent = voters[present_voters:]
    absences = tuple(
        Absence(m.uuid, AbsenceReason.SHIFT, written_opinion=i < written) for i, m in enumerate(absent)
    )
    draft = EntryDraft(EntryType.PARTY_CONGRESS, DAY, absences=absences, resolutions=resolutions)
    att = attendance(draft, members)
    q = quorum(att)
    return att, q, [vote_outcome(r, att, q) for r in resolutions]


def test_rules_example_eleven_entitled_six_present_five_yes_fails() -> None:
    att, q, [outcome] = congress(roster(11), 6, Resolution("动议", yes=5, no=1))
    assert att.entitled_voters == 11 and att.present_voters == 6
    assert q.quorate
    assert not outcome.passed  # 5 is not more than 5.5


def test_six_yes_of_eleven_entitled_passes() -> None:
    _, _, [outcome] = congress(roster(11), 6, Resolution("动议", yes=6))
    assert outcome.passed


def test_rules_example_committee_of_five_two_present_not_quorate() -> None:
    members = roster(9, committee=5)
    draft = EntryDraft(
        EntryType.BRANCH_COMMITTEE,
        DAY,
        absences=tuple(Absence(f"f{i}", AbsenceReason.TRIP) for i in range(2, 5)),
    )
    att = attendance(draft, members)
    assert len(att.expected) == 5 and len(att.present) == 2
    assert not quorum(att).quorate


def test_exactly_half_present_is_not_quorate_and_is_marked() -> None:
    _, q, [outcome] = congress(roster(10), 5, Resolution("动议", yes=5))
    assert not q.quorate and q.exactly_at_threshold
    assert "恰好半数" in q.describe()
    assert not outcome.passed  # no vote at a meeting without a quorum


def test_yes_equal_to_exactly_half_of_entitled_fails() -> None:
    _, q, [outcome] = congress(roster(10), 8, Resolution("动议", yes=5, no=3))
    assert q.quorate and not outcome.passed


def test_a_written_opinion_tips_the_result() -> None:
    _, _, [without] = congress(roster(10), 6, Resolution("接收预备党员", yes=5, no=1))
    _, _, [with_written] = congress(
        roster(10), 6, Resolution("接收预备党员", yes=5, no=1, written_yes=1), written=1
    )
    assert not without.passed and with_written.passed and with_written.yes == 6


def test_probationary_members_do_not_vote_nor_count_as_entitled() -> None:
    members = roster(6, probationary=4)
    att, q, [outcome] = congress(members, 4, Resolution("动议", yes=4))
    assert att.entitled_voters == 6 and len(att.expected) == 10
    assert q.quorate and outcome.passed  # 4 > 3


def test_member_under_watch_has_no_vote() -> None:
    members = roster(5, watched=2)
    att, q, _ = congress(members, 3)
    assert att.entitled_voters == 5
    assert q.quorate  # 3 of the 5 who may vote
    assert not members[-1].votes


def test_more_votes_than_present_voters_is_a_problem_not_a_pass() -> None:
    _, _, [outcome] = congress(roster(10), 6, Resolution("动议", yes=7))
    assert not outcome.passed and outcome.problems


@pytest.mark.parametrize(
    ("excellent", "graded", "over"), [(3, 9, False), (4, 9, True), (4, 12, False), (5, 12, True)]
)
def test_excellent_over_one_third(excellent: int, graded: int, over: bool) -> None:
    grades = {f"m{i}": Grade.EXCELLENT if i < excellent else Grade.QUALIFIED for i in range(graded)}
    assert excellent_over_limit(grades, graded) is over


def test_group_and_committee_scoping() -> None:
    members = [
        RosterMember("a", "甲", Status.FULL, group_uuid="g1", on_committee=True),
        RosterMember("b", "乙", Status.FULL, group_uuid="g1"),
        RosterMember("c", "丙", Status.FULL, group_uuid="g2"),
    ]
    group = attendance(EntryDraft(EntryType.GROUP_MEETING, DAY, group_uuid="g1"), members)
    committee = attendance(EntryDraft(EntryType.BRANCH_COMMITTEE, DAY), members)
    everyone = attendance(EntryDraft(EntryType.THEME_DAY, DAY), members)
    assert [m.uuid for m in group.expected] == ["a", "b"]
    assert [m.uuid for m in committee.expected] == ["a"]
    assert len(everyone.expected) == 3
