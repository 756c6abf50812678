"""Record-book entries: meetings and other organisational life, their attendance and their votes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from app.domain.membership import Status


class EntryType(StrEnum):
    PARTY_CONGRESS = "party_congress"
    BRANCH_COMMITTEE = "branch_committee"
    GROUP_MEETING = "group_meeting"
    PARTY_LECTURE = "party_lecture"
    THEME_DAY = "theme_day"
    ORG_LIFE = "org_life"
    MEMBER_REVIEW = "member_review"
    HEART_TALK = "heart_talk"
    MAKEUP = "makeup"
    OTHER = "other"


ENTRY_TYPE_LABELS = {
    EntryType.PARTY_CONGRESS: "支部党员大会",
    EntryType.BRANCH_COMMITTEE: "支部委员会",
    EntryType.GROUP_MEETING: "党小组会",
    EntryType.PARTY_LECTURE: "党课",
    EntryType.THEME_DAY: "主题党日",
    EntryType.ORG_LIFE: "组织生活会",
    EntryType.MEMBER_REVIEW: "民主评议党员",
    EntryType.HEART_TALK: "谈心谈话",
    EntryType.MAKEUP: "补学",
    EntryType.OTHER: "其他",
}

# Meetings of the branch body where attendance is counted and a quorum means something.
MEETING_TYPES = frozenset(
    {
        EntryType.PARTY_CONGRESS,
        EntryType.BRANCH_COMMITTEE,
        EntryType.GROUP_MEETING,
        EntryType.PARTY_LECTURE,
        EntryType.THEME_DAY,
        EntryType.ORG_LIFE,
        EntryType.MEMBER_REVIEW,
    }
)
# Where votes are taken, so quorum is checked and resolutions are judged.
VOTING_TYPES = frozenset(
    {EntryType.PARTY_CONGRESS, EntryType.BRANCH_COMMITTEE, EntryType.MEMBER_REVIEW, EntryType.ORG_LIFE}
)


class AbsenceReason(StrEnum):
    SHIFT = "倒班"
    TRIP = "出差"
    SICK = "病假"
    PERSONAL = "事假"
    OTHER = "其他"


class Grade(StrEnum):
    EXCELLENT = "优秀"
    QUALIFIED = "合格"
    BASIC = "基本合格"
    UNQUALIFIED = "不合格"


class ResolutionKind(StrEnum):
    GENERAL = "general"
    ADMISSION = "admission"  # 接收预备党员: one vote per candidate
    FULL_MEMBERSHIP = "full_membership"  # 预备党员转正: one vote per candidate


RESOLUTION_KIND_LABELS = {
    ResolutionKind.GENERAL: "一般事项",
    ResolutionKind.ADMISSION: "接收预备党员",
    ResolutionKind.FULL_MEMBERSHIP: "预备党员转正",
}


@dataclass(frozen=True)
class Absence:
    member_uuid: str
    reason: AbsenceReason
    reason_text: str = ""  # required when the reason is 其他
    written_opinion: bool = False  # a voting member who sent a written opinion before the meeting


@dataclass(frozen=True)
class Resolution:
    text: str
    yes: int = 0
    no: int = 0
    abstain: int = 0
    written_yes: int = 0  # written opinions of absent voters, counted with the votes
    written_no: int = 0
    written_abstain: int = 0
    kind: ResolutionKind = ResolutionKind.GENERAL
    candidate_uuid: str | None = None  # for admission and full-membership votes
    recorded: bool = True  # False while the result has not been entered

    @property
    def total_yes(self) -> int:
        return self.yes + self.written_yes

    @property
    def in_person(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def written(self) -> int:
        return self.written_yes + self.written_no + self.written_abstain


@dataclass(frozen=True)
class EntryDraft:
    type: EntryType
    date: dt.date
    start: dt.time | None = None
    end: dt.time | None = None
    place: str = ""
    host: str = ""
    recorder: str = ""
    group_uuid: str | None = None  # 党小组会: whose group
    absences: tuple[Absence, ...] = ()
    nonvoting: tuple[str, ...] = ()  # 列席: names, members or not
    topics: tuple[str, ...] = ()
    agenda: str = ""
    minutes: str = ""
    summary: str = ""  # 主持人总结
    resolutions: tuple[Resolution, ...] = ()
    grades: Mapping[str, Grade] = field(default_factory=dict)  # 民主评议: member uuid → grade
    participants: tuple[str, ...] = ()  # 谈心谈话 and 补学: member uuids
    makeup_of: str | None = None  # 补学: the entry the participants missed
    title: str = ""  # 其他 and any entry: a short name shown in the list
    # Who was expected (and who could vote), fixed when the entry was saved; None until then.
    expected: tuple[RosterMember, ...] | None = None

    def roll_key(self) -> tuple[object, ...]:
        """What decides who is expected: change one of these and the roll is taken again."""
        return (self.type, self.date, self.group_uuid, tuple(sorted(self.participants)))


@dataclass(frozen=True)
class RosterMember:
    """A member as a meeting on one day sees them."""

    uuid: str
    name: str
    status: Status
    on_watch: bool = False  # 留党察看 on that day: no vote
    group_uuid: str | None = None
    on_committee: bool = False
    team: str = ""

    @property
    def votes(self) -> bool:
        """Only full members vote; members under 留党察看 do not (选举工作条例 第五条)."""
        return self.status is Status.FULL and not self.on_watch


def roster_expected(entry: EntryDraft, roster: Sequence[RosterMember]) -> list[RosterMember]:
    """Who the roster on the entry's date expects, whatever roll the entry keeps."""
    if entry.type is EntryType.BRANCH_COMMITTEE:
        return [m for m in roster if m.on_committee]
    if entry.type is EntryType.GROUP_MEETING:
        return [m for m in roster if entry.group_uuid is not None and m.group_uuid == entry.group_uuid]
    if entry.type in (EntryType.HEART_TALK, EntryType.MAKEUP):
        wanted = set(entry.participants)
        return [m for m in roster if m.uuid in wanted]
    return list(roster)


def expected_members(entry: EntryDraft, roster: Sequence[RosterMember]) -> list[RosterMember]:
    """Who is expected: the roll kept with a saved entry, else the roster on its date."""
    if entry.expected is not None:
        return list(entry.expected)
    return roster_expected(entry, roster)


def fixed_roll(entry: EntryDraft, roster: Sequence[RosterMember]) -> EntryDraft:
    """The entry with its roll taken from the roster now (to be saved with it)."""
    return replace(entry, expected=tuple(roster_expected(entry, roster)))


@dataclass(frozen=True)
class RollDrift:
    """How the roster today differs from a saved entry's roll."""

    added: tuple[RosterMember, ...]
    removed: tuple[RosterMember, ...]
    changed: tuple[RosterMember, ...]  # same member, other status or vote

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append("名册中多出 " + "、".join(m.name for m in self.added))
        if self.removed:
            parts.append("名册中已无 " + "、".join(m.name for m in self.removed))
        if self.changed:
            parts.append("身份或表决权有变 " + "、".join(m.name for m in self.changed))
        return "；".join(parts)


def roll_drift(entry: EntryDraft, roster: Sequence[RosterMember]) -> RollDrift | None:
    """None when the entry keeps no roll or the roster agrees with it."""
    if entry.expected is None:
        return None
    kept = {m.uuid: m for m in entry.expected}
    now = {m.uuid: m for m in roster_expected(entry, roster)}
    drift = RollDrift(
        tuple(m for u, m in now.items() if u not in kept),
        tuple(m for u, m in kept.items() if u not in now),
        tuple(
            m for u, m in now.items() if u in kept and (kept[u].status, kept[u].votes) != (m.status, m.votes)
        ),
    )
    return drift or None


@dataclass(frozen=True)
class Attendance:
    expected: tuple[RosterMember, ...]
    absent: tuple[RosterMember, ...]
    present: tuple[RosterMember, ...]

    @property
    def entitled_voters(self) -> int:
        return sum(1 for m in self.expected if m.votes)

    @property
    def present_voters(self) -> int:
        return sum(1 for m in self.present if m.votes)

    @property
    def absent_voters(self) -> int:
        return sum(1 for m in self.absent if m.votes)


def attendance(entry: EntryDraft, roster: Sequence[RosterMember]) -> Attendance:
    """Everyone expected and not listed as absent is present."""
    expected = expected_members(entry, roster)
    absent_ids = {a.member_uuid for a in entry.absences}
    return Attendance(
        tuple(expected),
        tuple(m for m in expected if m.uuid in absent_ids),
        tuple(m for m in expected if m.uuid not in absent_ids),
    )


def more_than(part: int, whole: int, numerator: int, denominator: int) -> bool:
    """part > whole × numerator / denominator, in integers (no rounding of 5.5)."""
    return part * denominator > whole * numerator


@dataclass(frozen=True)
class QuorumResult:
    entitled: int
    present: int
    quorate: bool
    exactly_at_threshold: bool  # e.g. exactly half present: not quorate, and marked

    def describe(self) -> str:
        if self.entitled == 0:
            return "没有有表决权的应到会人员"
        if self.quorate:
            return f"应到会有表决权 {self.entitled} 人，实到 {self.present} 人，超过半数，会议有效"
        if self.exactly_at_threshold:
            return f"应到会有表决权 {self.entitled} 人，实到 {self.present} 人，恰好半数，未超过半数，不足法定人数"
        return f"应到会有表决权 {self.entitled} 人，实到 {self.present} 人，不足半数，不能表决"


def quorum(att: Attendance, numerator: int = 1, denominator: int = 2) -> QuorumResult:
    entitled, present = att.entitled_voters, att.present_voters
    return QuorumResult(
        entitled,
        present,
        entitled > 0 and more_than(present, entitled, numerator, denominator),
        entitled > 0 and present * denominator == entitled * numerator,
    )


@dataclass(frozen=True)
class VoteOutcome:
    passed: bool
    yes: int  # in person plus written
    entitled: int
    problems: tuple[str, ...]  # counts that cannot be right (more votes than voters)

    def describe(self) -> str:
        if self.problems:
            return "；".join(self.problems)
        verdict = "通过" if self.passed else "未通过"
        return f"赞成 {self.yes} 票，应到会有表决权 {self.entitled} 人，须超过 {self.entitled / 2:g} 票：{verdict}"


def vote_outcome(
    resolution: Resolution, att: Attendance, q: QuorumResult, numerator: int = 1, denominator: int = 2
) -> VoteOutcome:
    """Passes only when yes votes (with written opinions) exceed half of those entitled, not of those present,
    and only at a quorate meeting."""
    problems = []
    if resolution.in_person > att.present_voters:
        problems.append(f"现场表决 {resolution.in_person} 票，多于到会有表决权的 {att.present_voters} 人")
    if resolution.written > att.absent_voters:
        problems.append(f"书面意见 {resolution.written} 份，多于缺席的有表决权党员 {att.absent_voters} 人")
    yes = resolution.total_yes
    passed = (
        not problems
        and resolution.recorded
        and q.quorate
        and more_than(yes, att.entitled_voters, numerator, denominator)
    )
    return VoteOutcome(passed, yes, att.entitled_voters, tuple(problems))


def excellent_over_limit(
    grades: Mapping[str, Grade], graded_members: int, numerator: int = 1, denominator: int = 3
) -> bool:
    """民主评议: more than a third graded 优秀 is a violation."""
    excellent = sum(1 for g in grades.values() if g is Grade.EXCELLENT)
    return more_than(excellent, graded_members, numerator, denominator)
