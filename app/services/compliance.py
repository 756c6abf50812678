"""`check` and the 首页 dashboard: what the rules ask for a period and what the record book shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.domain.compliance import (
    SEVERITY_ORDER,
    DueStatus,
    Finding,
    Inactive,
    Obligation,
    Severity,
    completeness_findings,
    heart_talk_findings,
    inactive_members,
    inactivity_findings,
    obligation_findings,
    obligations,
    review_findings,
)
from app.domain.entries import MEETING_TYPES, EntryType
from app.domain.periods import Period, PeriodKind, month_first_day, month_of
from app.io.rules import load_rulebook
from app.services.dues import dues_status
from app.services.records import RecordView, enabled_options, load_records_with_roster
from app.services.roster_on_day import RosterSource
from app.storage import repositories as repo
from app.storage.workspace import Workspace

# Attending any of these counts as organisational life for the six-month check.
ORG_LIFE_TYPES = MEETING_TYPES | {EntryType.MAKEUP}


@dataclass(frozen=True)
class OpenMakeup:
    entry_uuid: str
    entry_label: str
    date: dt.date
    member_uuid: str
    name: str
    team: str
    reason: str


def dues_findings(ws: Workspace, at: int) -> list[Finding]:
    """Six consecutive months of unpaid dues: the branch must handle it (党章 第九条); nobody is removed."""
    rule = load_rulebook().judging("dues.arrears_flag", month_first_day(at))[0]
    found = []
    for status in dues_status(ws, at):
        if "arrears_6_months" in status.flags:
            through = f"党费交至 {status.paid_through}" if status.paid_through else "尚无交费记录"
            found.append(
                Finding(
                    rule.id,
                    Severity.WARNING,
                    status.name,
                    f"已有连续 {rule['months']} 个月以上未交纳党费（{through}，共欠 {status.months_unpaid} 个月），"
                    "请支部研究处理，系统不会自动除名",
                )
            )
    return found


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    month: list[Obligation]
    quarter: list[Obligation]
    year: list[Obligation]
    open_makeups: list[OpenMakeup]
    inactive: list[Inactive]
    findings: list[Finding]  # the current year's check
    dues_flags: list[Finding]
    year_all: list[Obligation]  # every sub-period of this year, for the overdue summary
    started_on: dt.date | None = None  # first day the book is kept here

    def not_entered(self) -> list[Obligation]:
        """This year's meetings that fell before the book was kept here: 未录入, not overdue."""
        return [o for o in self.year_all if o.status is DueStatus.NOT_ENTERED]

    def overdue(self) -> list[Obligation]:
        """Every meeting of this year, since the record book began, whose month or quarter ended without it."""
        return [o for o in self.year_all if o.status is DueStatus.OVERDUE]


def _groups_on(source: RosterSource, day: dt.date) -> dict[str, str]:
    """Party groups that have members on that day: only those are expected to meet."""
    used = {m.group_uuid for m in source.on(day) if m.group_uuid}
    return {u: n for u, n in source.group_names.items() if u in used}


def _has_committee(source: RosterSource, day: dt.date) -> bool:
    minimum = load_rulebook().judging("committee_exists", day)[0]["min_members"]
    return sum(1 for m in source.on(day) if m.on_committee) >= minimum


def open_makeups(views: Sequence[RecordView], source: RosterSource, today: dt.date) -> list[OpenMakeup]:
    """Every absence from a meeting not yet made up by a member still in the branch."""
    current = {m.uuid: m for m in source.on(today)}
    out = []
    for view in views:
        draft = view.draft
        if draft.type not in MEETING_TYPES:
            continue
        for absence in draft.absences:
            member = current.get(absence.member_uuid)
            if member is None or absence.member_uuid in view.made_up:
                continue
            reason = absence.reason.value + (f"（{absence.reason_text}）" if absence.reason_text else "")
            out.append(
                OpenMakeup(
                    view.uuid,
                    f"{draft.date:%Y-%m-%d} {view.type_label}",
                    draft.date,
                    member.uuid,
                    member.name,
                    member.team,
                    reason,
                )
            )
    return sorted(out, key=lambda o: (o.team, o.name, o.date))


def _inactive(views: Sequence[RecordView], source: RosterSource, as_of: dt.date) -> list[Inactive]:
    rule = load_rulebook().judging("inactivity", as_of)[0]
    last: dict[str, dt.date] = {}
    began = None
    for view in views:
        if view.draft.date > as_of:
            continue
        began = min(began, view.draft.date) if began else view.draft.date
        if view.draft.type not in ORG_LIFE_TYPES:
            continue
        for member in view.facts.attendance.present:
            if last.get(member.uuid, dt.date.min) < view.draft.date:
                last[member.uuid] = view.draft.date
    members = source.on(as_of)
    since = {m.uuid: source.member_since(m.uuid, as_of) for m in members}
    return inactive_members(members, since, last, as_of, int(rule["months"]), began)


def _findings(
    views: Sequence[RecordView],
    source: RosterSource,
    period: Period,
    today: dt.date,
    options: Sequence[str],
    since: dt.date | None = None,
) -> tuple[list[Obligation], list[Finding]]:
    rules = load_rulebook()
    in_period = [v for v in views if period.contains(v.draft.date)]
    as_of = min(period.end, today)
    items = obligations(
        rules,
        period,
        today,
        [v.facts for v in in_period],
        _groups_on(source, as_of),
        _has_committee(source, as_of),
        options,
        since,
    )
    found = obligation_findings(items)
    for view in in_period:
        found += completeness_findings(view.facts)
        found += review_findings(view.facts, rules.judging("review_excellent_limit", view.draft.date)[0])
    if period.kind is PeriodKind.YEAR and period.start <= today:
        talks = [v.facts for v in in_period if v.draft.type is EntryType.HEART_TALK]
        talk_findings = heart_talk_findings(
            talks, source.on(as_of), period.start.year, rules.judging("heart_talk_coverage", as_of)[0]
        )
        if since is not None and since > period.start:  # part of the year was kept on paper
            talk_findings = [replace(f, severity=Severity.NOT_ENTERED) for f in talk_findings]
        found += talk_findings
    if period.start <= today:
        found += inactivity_findings(_inactive(views, source, as_of), rules.judging("inactivity", as_of)[0])
        for item in open_makeups(in_period, source, today):
            found.append(
                Finding(
                    "makeup",
                    Severity.WARNING,
                    item.name,
                    f"缺席 {item.entry_label}（{item.reason}），尚未补学",
                )
            )
    return items, found


def check_period(ws: Workspace, period: Period, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    views, source = load_records_with_roster(ws)
    _, found = _findings(views, source, period, today, enabled_options(ws), started_on(ws))
    if period.start <= today:
        # The month in progress is never in arrears; a period that has ended is judged after its last month.
        found += dues_findings(ws, month_of(today) if period.end >= today else month_of(period.end) + 1)
    return sorted(found, key=lambda f: SEVERITY_ORDER.index(f.severity))


def started_on(ws: Workspace) -> dt.date | None:
    """支部信息's 开始使用日期: meetings due before it are 未录入, not 违规. None when never set (a workspace
    from before the setting existed): `check` then judges every period asked for."""
    with ws.read() as conn:
        branch = repo.branch_row(conn)
    return branch.started_on if branch is not None else None


def book_began(ws: Workspace, views: Sequence[RecordView]) -> dt.date:
    """The first day the home page judges: started_on, else the earlier of the workspace's creation and its
    first entry."""
    began_here = started_on(ws)
    if began_here is not None:
        return began_here
    created = ws.meta("created_at")
    began = dt.datetime.fromisoformat(created).date() if created else dt.date.today()
    return min([began, *(v.draft.date for v in views)])


def dashboard(ws: Workspace, today: dt.date | None = None) -> Dashboard:
    today = today or dt.date.today()
    views, source = load_records_with_roster(ws)
    options = enabled_options(ws)
    since = book_began(ws, views)
    month, _ = _findings(views, source, Period.containing(today, PeriodKind.MONTH), today, options, since)
    quarter_items, _ = _findings(
        views, source, Period.containing(today, PeriodKind.QUARTER), today, options, since
    )
    year_items, year_found = _findings(
        views, source, Period.containing(today, PeriodKind.YEAR), today, options, since
    )
    quarter = [o for o in quarter_items if o.period.kind is PeriodKind.QUARTER]
    year = [o for o in year_items if o.period.kind is PeriodKind.YEAR]
    return Dashboard(
        today,
        month,
        quarter,
        year,
        open_makeups(views, source, today),
        _inactive(views, source, today),
        year_found,
        dues_findings(ws, month_of(today)),
        year_items,
        since,
    )
