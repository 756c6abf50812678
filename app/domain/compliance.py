"""What the rules ask of a branch in a period, and what its records show: obligations and findings."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.entries import (
    ENTRY_TYPE_LABELS,
    VOTING_TYPES,
    AbsenceReason,
    Attendance,
    EntryDraft,
    EntryType,
    QuorumResult,
    RosterMember,
    VoteOutcome,
    excellent_over_limit,
)
from app.domain.members import Status
from app.domain.periods import Period, PeriodKind
from app.domain.rulebook import Rule, RuleBook, RuleMissing


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"
    NOT_ENTERED = "not_entered"  # before the branch started keeping its book here: nothing to judge


SEVERITY_LABELS = {Severity.VIOLATION: "违规", Severity.WARNING: "提醒", Severity.NOT_ENTERED: "未录入"}
SEVERITY_ORDER = (Severity.VIOLATION, Severity.WARNING, Severity.NOT_ENTERED)


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    subject: str
    message: str


@dataclass(frozen=True)
class EntryFacts:
    """One entry as the checks see it: its effective content and what the roster made of it."""

    uuid: str
    draft: EntryDraft
    attendance: Attendance
    quorum: QuorumResult | None
    outcomes: tuple[VoteOutcome, ...]
    rule_note: str = ""  # judged by a rule version that came later (the entry predates the rule files)

    @property
    def label(self) -> str:
        return f"{self.draft.date:%Y-%m-%d} {ENTRY_TYPE_LABELS[self.draft.type]}"


class DueStatus(StrEnum):
    DONE = "done"
    DUE = "due"  # the deadline has not passed
    OVERDUE = "overdue"
    NOT_YET = "not_yet"  # the period has not begun
    NOT_ENTERED = "not_entered"  # began before the branch kept its book here


DUE_LABELS = {
    DueStatus.NOT_ENTERED: "未录入",
    DueStatus.DONE: "已完成",
    DueStatus.DUE: "待完成",
    DueStatus.OVERDUE: "已逾期",
    DueStatus.NOT_YET: "未开始",
}


@dataclass(frozen=True)
class Obligation:
    rule: str
    source: str
    what: str  # 支委会, 第一党小组 党小组会 …
    period: Period
    deadline: dt.date
    status: DueStatus
    done_by: tuple[str, ...]  # entry uuids
    note: str = ""


def frequency_rules(rules: RuleBook, day: dt.date, enabled_options: Iterable[str] = ()) -> list[Rule]:
    """The frequency rules in force on `day`; local options only when the branch turned them on."""
    enabled = set(enabled_options)
    found = []
    for rule_id in sorted(i for i in rules.ids() if i.startswith("frequency.")):
        try:
            rule = rules.in_force(rule_id, day)
        except RuleMissing:
            continue
        if rule.local_option and rule_id not in enabled:
            continue
        found.append(rule)
    return found


def obligations(
    rules: RuleBook,
    period: Period,
    today: dt.date,
    entries: Sequence[EntryFacts],
    groups: Mapping[str, str],  # group uuid → name
    has_committee: bool,
    enabled_options: Iterable[str] = (),
    started_on: dt.date | None = None,
) -> list[Obligation]:
    """Every meeting the rules ask for in the sub-periods of `period`, and whether it was held. A sub-period
    that ended before `started_on` (the first day kept here) and shows no meeting is 未录入, not overdue."""
    out: list[Obligation] = []
    for rule in frequency_rules(
        rules, min(period.end, today) if period.start <= today else period.start, enabled_options
    ):
        kinds = {EntryType(t) for t in rule["entry_types"]}
        every = PeriodKind(rule["every"])
        if Period.containing(period.start, every).months > period.months:
            continue  # a quarterly or yearly rule is judged on a quarter or a year, not on a month
        scope = rule.params.get("scope", "branch")
        if scope == "committee" and not has_committee:
            continue
        subjects: list[tuple[str | None, str]] = (
            [(g, f"党小组会（{name}）") for g, name in groups.items()]
            if scope == "group"
            else [(None, ENTRY_TYPE_LABELS[EntryType(rule["entry_types"][0])])]
        )
        for sub in period.subperiods(every):
            for group_uuid, what in subjects:
                held = tuple(
                    f.uuid
                    for f in entries
                    if f.draft.type in kinds
                    and sub.contains(f.draft.date)
                    and (group_uuid is None or f.draft.group_uuid == group_uuid)
                )
                if held:
                    status = DueStatus.DONE
                elif started_on is not None and sub.end < started_on:
                    status = DueStatus.NOT_ENTERED
                elif today < sub.start:
                    status = DueStatus.NOT_YET
                elif today <= sub.end:
                    status = DueStatus.DUE
                else:
                    status = DueStatus.OVERDUE
                note = ""
                quarter = rule.params.get("preferred_quarter")
                if held and quarter:
                    dates = [f.draft.date for f in entries if f.uuid in held]
                    if all((d.month - 1) // 3 + 1 != quarter for d in dates):
                        note = f"一般安排在第{quarter}季度召开"
                out.append(Obligation(rule.id, rule.source, what, sub, sub.end, status, held, note))
    return out


def obligation_findings(items: Sequence[Obligation]) -> list[Finding]:
    found = []
    for item in items:
        if item.status is DueStatus.OVERDUE:
            found.append(
                Finding(
                    item.rule,
                    Severity.VIOLATION,
                    item.what,
                    f"{item.period.label()}未召开{item.what}（{item.source}）",
                )
            )
        elif item.status is DueStatus.NOT_ENTERED:
            found.append(
                Finding(
                    item.rule,
                    Severity.NOT_ENTERED,
                    item.what,
                    f"{item.period.label()}的{item.what}未录入（本支部记录本自此期间之后才开始在本软件中记录）",
                )
            )
        elif item.status is DueStatus.DUE:
            found.append(
                Finding(
                    item.rule,
                    Severity.WARNING,
                    item.what,
                    f"{item.period.label()}尚未召开{item.what}，截止 {item.deadline:%Y-%m-%d}",
                )
            )
        elif item.note:
            found.append(Finding(item.rule, Severity.WARNING, item.what, f"{item.what}：{item.note}"))
    return found


def completeness_findings(facts: EntryFacts) -> list[Finding]:
    """What a complete record has (rules.md §8.1): host, recorder, a reason for every absence, topics,
    a result for every resolution, consistent counts."""
    d = facts.draft
    subject = facts.label
    found: list[Finding] = []

    def missing(what: str) -> None:
        found.append(Finding("record_completeness", Severity.WARNING, subject, f"记录不完整：{what}"))

    if d.type not in (EntryType.HEART_TALK, EntryType.MAKEUP):
        if not d.host.strip():
            missing("未填主持人")
        if not d.recorder.strip():
            missing("未填记录人")
        if not d.topics:
            missing("未填议题")
    if d.type is EntryType.GROUP_MEETING and not d.group_uuid:
        missing("党小组会未注明是哪个党小组")
    expected = {m.uuid for m in facts.attendance.expected}
    for absence in d.absences:
        if absence.member_uuid not in expected:
            missing("缺席名单中有不属于应到会的人员（应到 ≠ 实到 + 缺席）")
            break
    for absence in d.absences:
        if absence.reason is AbsenceReason.OTHER and not absence.reason_text.strip():
            missing("缺席原因选了“其他”但未写明")
            break
    for index, resolution in enumerate(d.resolutions, start=1):
        if not resolution.recorded:
            missing(f"第{index}项决议未记录表决结果")
    for index, outcome in enumerate(facts.outcomes, start=1):
        if outcome.problems:
            found.append(
                Finding("vote_counts", Severity.VIOLATION, subject, f"第{index}项决议：{outcome.describe()}")
            )
    if d.type in VOTING_TYPES and d.resolutions and facts.quorum and not facts.quorum.quorate:
        found.append(
            Finding("quorum", Severity.VIOLATION, subject, f"{facts.quorum.describe()}，所作表决无效")
        )
    return found


def review_findings(facts: EntryFacts, excellent_rule: Rule) -> list[Finding]:
    d = facts.draft
    if d.type is not EntryType.MEMBER_REVIEW:
        return []
    found = []
    by_uuid = {m.uuid: m for m in facts.attendance.expected}
    graded_probationary = [
        by_uuid[u].name for u in d.grades if u in by_uuid and by_uuid[u].status is Status.PROBATIONARY
    ]
    if graded_probationary:
        found.append(
            Finding(
                "member_review",
                Severity.VIOLATION,
                facts.label,
                f"预备党员参加评议但不评定等次：{'、'.join(graded_probationary)}",
            )
        )
    full = [m for m in facts.attendance.expected if m.status is Status.FULL]
    if excellent_over_limit(d.grades, len(full), excellent_rule["numerator"], excellent_rule["denominator"]):
        count = sum(1 for g in d.grades.values() if g.value == "优秀")
        found.append(
            Finding(
                "review_excellent_limit",
                Severity.VIOLATION,
                facts.label,
                f"评为优秀 {count} 人，超过正式党员 {len(full)} 人的三分之一（{excellent_rule.source}）",
            )
        )
    ungraded = [m.name for m in full if m.uuid not in d.grades]
    if ungraded:
        found.append(
            Finding(
                "member_review",
                Severity.WARNING,
                facts.label,
                f"未评定等次的正式党员：{'、'.join(ungraded[:10])}{'等' if len(ungraded) > 10 else ''}",
            )
        )
    return found


def heart_talk_findings(
    talks: Sequence[EntryFacts], roster: Sequence[RosterMember], year: int, rule: Rule
) -> list[Finding]:
    """Coverage for the year: every pair of committee members; each committee member with at least one
    ordinary member; every member in at least one talk."""
    pairs: set[frozenset[str]] = set()
    talked: set[str] = set()
    for talk in talks:
        people = set(talk.draft.participants)
        talked |= people
        pairs |= {frozenset(p) for p in itertools.combinations(sorted(people), 2)}
    committee = [m for m in roster if m.on_committee]
    ordinary = [m for m in roster if not m.on_committee]
    found = []
    subject = f"{year}年谈心谈话"
    for a, b in itertools.combinations(committee, 2):
        if frozenset((a.uuid, b.uuid)) not in pairs:
            found.append(
                Finding(rule.id, Severity.WARNING, subject, f"支委 {a.name} 与 {b.name} 本年度未谈心谈话")
            )
    ordinary_ids = {m.uuid for m in ordinary}
    for member in committee:
        if ordinary and not any(member.uuid in p and (p - {member.uuid}) & ordinary_ids for p in pairs):
            found.append(
                Finding(rule.id, Severity.WARNING, subject, f"支委 {member.name} 本年度未与党员谈心谈话")
            )
    never = [m.name for m in roster if m.uuid not in talked]
    if never:
        found.append(
            Finding(
                rule.id,
                Severity.WARNING,
                subject,
                f"本年度未参加谈心谈话的党员 {len(never)} 人：{'、'.join(never[:10])}"
                f"{'等' if len(never) > 10 else ''}",
            )
        )
    return found


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from one day to another (2026-01-15 → 2026-07-15 is 6)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


@dataclass(frozen=True)
class Inactive:
    member_uuid: str
    name: str
    team: str
    last_present: dt.date | None
    months: int


def inactive_members(
    members: Sequence[RosterMember],
    member_since: Mapping[str, dt.date | None],
    last_present: Mapping[str, dt.date],
    as_of: dt.date,
    months: int,
    records_began: dt.date | None,
) -> list[Inactive]:
    """Members with no organisational life for `months` consecutive months up to `as_of`, counted from
    their last attendance, else from when they joined or the record book began, whichever is later.
    The branch decides what to do (党章 第九条); nothing here removes anyone."""
    if records_began is None:
        return []  # no record book yet: nothing can be said
    out = []
    for m in members:
        joined = member_since.get(m.uuid)
        since = last_present.get(m.uuid) or max(joined or records_began, records_began)
        if since > as_of:
            continue
        gap = months_between(since, as_of)
        if gap >= months:
            out.append(Inactive(m.uuid, m.name, m.team, last_present.get(m.uuid), gap))
    return out


def inactivity_findings(items: Sequence[Inactive], rule: Rule) -> list[Finding]:
    found = []
    for item in items:
        last = (
            f"最后一次参加为 {item.last_present:%Y-%m-%d}"
            if item.last_present
            else "入党（转入）以来未有参加记录"
        )
        found.append(
            Finding(
                rule.id,
                Severity.WARNING,
                item.name,
                f"已连续 {item.months} 个月未参加组织生活（{last}），请支部研究处理，系统不会自动除名",
            )
        )
    return found
