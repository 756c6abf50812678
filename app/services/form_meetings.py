"""Forms about meetings: the 会议签到表 (before a meeting) and the 民主评议结果汇总表 (after the review)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from app.domain.entries import (
    ENTRY_TYPE_LABELS,
    MEETING_TYPES,
    VOTING_TYPES,
    EntryDraft,
    EntryType,
    Grade,
    RosterMember,
    excellent_over_limit,
    expected_members,
)
from app.domain.members import COMMITTEE_POSTS, STATUS_LABELS, Status
from app.io.pdf.layout import PageSetup, Story
from app.io.pdf.review_form import ReviewRow, ReviewSection, layout_review
from app.io.pdf.signin_form import SigninRow, SigninSheet, layout_signin
from app.io.rules import load_rulebook
from app.services.errors import UserError
from app.services.printing import FORM_TITLES, DataStamp, PlannedMeeting, PrintRequest, default_period
from app.services.records import RecordView, get_record, load_records_with_roster, roster_source
from app.services.roster_on_day import RosterSource
from app.storage.workspace import Workspace

_POST_ORDER = {p.value: i for i, p in enumerate(COMMITTEE_POSTS)}


def _footer(stamp: DataStamp) -> str:
    return f"日志哈希 {stamp.journal_head[:16]}"


# ---- 会议签到表 ---------------------------------------------------------------------------


def _time_text(start: dt.time | None, end: dt.time | None) -> str:
    if start is None:
        return ""
    return f"{start:%H:%M}" + (f"–{end:%H:%M}" if end else "")


def _no_vote_note(member: RosterMember) -> str:
    if member.votes:
        return ""
    return "留党察看，无表决权" if member.on_watch else "预备党员，无表决权"


def _signin_sheet(
    draft: EntryDraft, expected: Sequence[RosterMember], source: RosterSource, name: str, time: str
) -> SigninSheet:
    """The sheet for one meeting; `expected` is who the record book expects on that day."""
    type_label = ENTRY_TYPE_LABELS[draft.type]
    if not expected:
        raise UserError(f"{draft.date:%Y-%m-%d} 的{type_label}没有应到会的党员，无法生成签到表")
    posts = {m.uuid: m.post or "" for m in source.members}
    group_order = {uuid: i for i, uuid in enumerate(source.group_names)}
    by_post = draft.type in (EntryType.BRANCH_COMMITTEE, EntryType.GROUP_MEETING) or not any(
        m.group_uuid for m in expected
    )
    if draft.type is EntryType.BRANCH_COMMITTEE:
        # 书记 first, then the other posts in their usual order
        ordered = sorted(expected, key=lambda m: _POST_ORDER.get(posts[m.uuid], len(_POST_ORDER)))
    elif by_post:
        ordered = list(expected)
    else:  # grouped, so each group's members sign together
        ordered = sorted(expected, key=lambda m: group_order.get(m.group_uuid or "", len(group_order)))
    votes = draft.type in VOTING_TYPES
    rows = tuple(
        SigninRow(
            m.name,
            posts[m.uuid] if by_post else source.group_names.get(m.group_uuid or "", ""),
            STATUS_LABELS[m.status],
            _no_vote_note(m) if votes else "",
        )
        for m in ordered
    )
    return SigninSheet(
        name=name or type_label,
        type_label=type_label,
        day=draft.date,
        time=time,
        place=draft.place,
        host=draft.host,
        group=source.group_names.get(draft.group_uuid, "") if draft.group_uuid else "",
        role_header="党内职务" if by_post else "党小组",
        rows=rows,
        voters=sum(1 for m in expected if m.votes) if votes else None,
    )


def _planned_sheet(ws: Workspace, meeting: PlannedMeeting) -> SigninSheet:
    source = roster_source(ws)
    group_uuid = None
    if meeting.type is EntryType.GROUP_MEETING:
        if not (meeting.group or "").strip():
            raise UserError("党小组会的签到表须指明是哪个党小组")
        by_name = {name: uuid for uuid, name in source.group_names.items()}
        group_uuid = by_name.get(meeting.group.strip())
        if group_uuid is None:
            known = "、".join(source.group_names.values()) or "无"
            raise UserError(f"没有名为“{meeting.group}”的党小组（现有：{known}）")
    draft = EntryDraft(
        meeting.type, meeting.date, place=meeting.place, host=meeting.host, group_uuid=group_uuid
    )
    expected = expected_members(draft, source.on(meeting.date))
    return _signin_sheet(draft, expected, source, meeting.title, meeting.start or "")


def _entry_sheet(view: RecordView, source: RosterSource) -> SigninSheet:
    draft = view.draft
    return _signin_sheet(
        draft, view.facts.attendance.expected, source, draft.title, _time_text(draft.start, draft.end)
    )


def build_signin(
    ws: Workspace, request: PrintRequest, stamp: DataStamp, today: dt.date
) -> tuple[PageSetup, Story]:
    """From a planned meeting, one existing entry, or every meeting entry of a period (one page each)."""
    title = FORM_TITLES["signin"]
    if request.meeting is not None:
        sheets = [_planned_sheet(ws, request.meeting)]
        note = f"{request.meeting.date:%Y-%m-%d} {ENTRY_TYPE_LABELS[request.meeting.type]}"
    elif request.entry_uuid:
        view = get_record(ws, request.entry_uuid)
        sheets = [_entry_sheet(view, roster_source(ws))]
        note = f"{view.draft.date:%Y-%m-%d} {view.type_label}"
    elif request.period is not None:
        views, source = load_records_with_roster(ws)
        meetings = [
            v for v in views if request.period.contains(v.draft.date) and v.draft.type in MEETING_TYPES
        ]
        # A meeting nobody was expected at has no sheet to sign; the check report names such entries.
        sheets = [_entry_sheet(v, source) for v in meetings if v.facts.attendance.expected]
        if not sheets:
            raise UserError(f"{request.period.label()}没有会议记录，无法生成签到表")
        note = request.period.label()
    else:
        raise UserError("请指定要签到的会议：填写会议类型和日期，或选择一条会议记录或一个期间")
    return layout_signin(stamp.setup(title, header_note=note, footer_note=_footer(stamp)), sheets)


# ---- 民主评议结果汇总表 ---------------------------------------------------------------------

_UNGRADED = "未评定"
_PROBATIONARY = "预备党员（不评定）"


def _review_section(view: RecordView, source: RosterSource) -> ReviewSection:
    draft = view.draft
    att = view.facts.attendance
    absent = {a.member_uuid: a for a in draft.absences}
    expected = {m.uuid for m in att.expected}
    rows = []
    counts = {g.value: 0 for g in Grade} | {_UNGRADED: 0, _PROBATIONARY: 0}
    for member in att.expected:
        grade = draft.grades.get(member.uuid)
        notes = []
        if member.status is Status.PROBATIONARY:
            notes.append("预备党员，不评定等次")
            if grade is not None:
                notes.append(f"记录中评为“{grade.value}”，不应评定")
            shown = "—"
            counts[_PROBATIONARY] += 1
        elif grade is None:
            notes.append(_UNGRADED)
            shown = ""
            counts[_UNGRADED] += 1
        else:
            shown = grade.value
            counts[grade.value] += 1
        if member.on_watch:
            notes.append("留党察看期间")
        if member.uuid in absent:
            a = absent[member.uuid]
            notes.append(f"缺席（{a.reason.value}{'：' + a.reason_text if a.reason_text else ''}）")
        rows.append(ReviewRow(member.name, STATUS_LABELS[member.status], shown, "；".join(notes)))
    for uuid, grade in draft.grades.items():  # graded, but not in the branch on the day
        if uuid not in expected:
            rows.append(ReviewRow(source.name(uuid), "", grade.value, "评议之日不在本支部名单中"))
            counts[grade.value] += 1
    rule = load_rulebook().judging("review_excellent_limit", draft.date)[0]
    full = sum(1 for m in att.expected if m.status is Status.FULL)
    excellent = sum(1 for g in draft.grades.values() if g is Grade.EXCELLENT)
    return ReviewSection(
        day=draft.date,
        title=draft.title,
        host=draft.host,
        rows=tuple(rows),
        totals=tuple(counts.items()),
        full_members=full,
        excellent=excellent,
        limit=(rule["numerator"], rule["denominator"]),
        over_limit=excellent_over_limit(draft.grades, full, rule["numerator"], rule["denominator"]),
        rule_source=rule.source,
    )


def build_review(
    ws: Workspace, request: PrintRequest, stamp: DataStamp, today: dt.date
) -> tuple[PageSetup, Story]:
    period = request.period or default_period("review", today)
    views, source = load_records_with_roster(ws)
    reviews = [v for v in views if period.contains(v.draft.date) and v.draft.type is EntryType.MEMBER_REVIEW]
    if not reviews:
        raise UserError(f"该期间没有民主评议党员记录（{period.label()}）")
    reviews.sort(key=lambda v: v.draft.date)
    setup = stamp.setup(FORM_TITLES["review"], header_note=period.label(), footer_note=_footer(stamp))
    return layout_review(setup, period.label(), [_review_section(v, source) for v in reviews])
