"""会议记录: one entry (or each entry of a period) with every field of rules.md §8.1, its corrections and
signature lines for 主持人 and 记录人.

Also how any entry reads on paper (`entry_block`, `correction_block`), which the 党支部工作记录本 shares.
Attendance, quorum and vote results are the ones the record book computes (`records.entry_facts`), so the
paper says what the screen and `--json` say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.compliance import EntryFacts
from app.domain.entries import (
    ENTRY_TYPE_LABELS,
    MEETING_TYPES,
    RESOLUTION_KIND_LABELS,
    VOTING_TYPES,
    EntryDraft,
    EntryType,
    Grade,
    Resolution,
    ResolutionKind,
    VoteOutcome,
)
from app.domain.entry_codec import entry_changes
from app.domain.periods import chinese_date
from app.io.pdf.entry_block import Block, Field
from app.io.pdf.layout import PageSetup, Story
from app.io.pdf.minutes_form import MinutesSheet, layout_minutes
from app.services.compliance import book_began
from app.services.errors import UserError
from app.services.printing import FORM_TITLES, DataStamp, PrintRequest, default_period
from app.services.records import (
    FIELD_NAMES,
    CorrectionView,
    RecordView,
    entry_facts,
    load_records_with_roster,
)
from app.services.roster_on_day import RosterSource
from app.storage.journal import latest_hashes
from app.storage.workspace import Workspace

NONE = "无"
UNSET = "未填"
DELETED = "（已删除）"


@dataclass(frozen=True)
class Book:
    """Every entry of the workspace, with what printing any of them needs."""

    views: list[RecordView]  # in date order
    source: RosterSource
    members: Mapping[str, str]  # uuid → name, for everyone ever in the branch
    hashes: Mapping[str, str]  # entry or correction uuid → hash of its newest journal entry
    ordinals: Mapping[str, str]  # entry uuid → 「2026年第3次支部委员会」
    counted_from: Mapping[int, dt.date]  # the year the book began mid-year → its first day

    def member(self, uuid: str | None) -> str:
        return self.members.get(uuid or "", DELETED)

    def group(self, uuid: str | None) -> str:
        return self.source.group_names.get(uuid or "", DELETED) if uuid else NONE

    def entry_label(self, uuid: str | None) -> str:
        """A referenced entry (补学): its date, type and ordinal."""
        view = next((v for v in self.views if v.uuid == uuid), None)
        if view is None:
            return NONE if uuid is None else "（原记录已删除）"
        return f"{chinese_date(view.draft.date)} {view.type_label}（{self.ordinals[view.uuid]}）"


def ordinals(views: Sequence[RecordView], group_names: Mapping[str, str]) -> dict[str, str]:
    """Each entry's number among the entries of its type in its calendar year (党小组会: of its group), as the
    book knows them (counted_from says when that count began mid-year)."""
    counts: dict[tuple[EntryType, int, str | None], int] = {}
    out = {}
    ordered = sorted(views, key=lambda v: (v.draft.date, v.draft.start or dt.time.min))  # stable
    for view in ordered:
        d = view.draft
        group = d.group_uuid if d.type is EntryType.GROUP_MEETING else None
        key = (d.type, d.date.year, group)
        counts[key] = counts.get(key, 0) + 1
        whose = group_names.get(group, "") if group else ""
        out[view.uuid] = f"{d.date.year}年{whose}第{counts[key]}次{ENTRY_TYPE_LABELS[d.type]}"
    return out


def counted_from(views: Sequence[RecordView], began: dt.date) -> dict[int, dt.date]:
    """Years whose count starts after 1 January because the book began then: year → first day counted."""
    first = min([began, *(v.draft.date for v in views)])
    return {first.year: first} if first > dt.date(first.year, 1, 1) else {}


def ordinal_text(book: Book, uuid: str, year: int) -> str:
    """The 次数 field: the ordinal, and why it is low when the book began mid-year."""
    text = book.ordinals.get(uuid, "")
    start = book.counted_from.get(year)
    if text and start is not None:
        text += f"（本记录本自{chinese_date(start)}起记录，次数自该日起计）"
    return text


def load_book(ws: Workspace) -> Book:
    views, source = load_records_with_roster(ws)
    with ws.read() as conn:
        hashes = latest_hashes(conn, ("entry", "correction"))
    members = {m.uuid: m.name for m in source.members}
    began = book_began(ws, views)
    return Book(
        views, source, members, hashes, ordinals(views, source.group_names), counted_from(views, began)
    )


# ---- one field as text ------------------------------------------------------------------------


def time_text(d: EntryDraft) -> str:
    text = chinese_date(d.date)
    if d.start and d.end:
        return f"{text} {d.start:%H:%M}–{d.end:%H:%M}"
    if d.start:
        return f"{text} {d.start:%H:%M} 开始"
    return text


def _numbered(items: Sequence[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1)) or NONE


def _absences(d: EntryDraft, made_up: frozenset[str], book: Book) -> str:
    parts = []
    for a in d.absences:
        notes = a.reason.value + (f"：{a.reason_text}" if a.reason_text else "")
        notes += "，交书面意见" if a.written_opinion else ""
        notes += "，已补学" if a.member_uuid in made_up else ""
        parts.append(f"{book.member(a.member_uuid)}（{notes}）")
    return f"缺席 {len(parts)} 人：" + "、".join(parts) if parts else "无人缺席"


def _decision(r: Resolution, book: Book) -> str:
    if r.kind is ResolutionKind.GENERAL:
        return r.text
    return f"【{RESOLUTION_KIND_LABELS[r.kind]}：{book.member(r.candidate_uuid)}】{r.text}"


def _vote(r: Resolution, outcome: VoteOutcome | None) -> str:
    if not r.recorded:
        return "尚未记录表决结果"
    text = f"赞成 {r.yes} 票，反对 {r.no} 票，弃权 {r.abstain} 票"
    if r.written:
        text += f"；书面意见 赞成 {r.written_yes}，反对 {r.written_no}，弃权 {r.written_abstain}"
    if outcome is not None:  # judged only where votes count (records.entry_facts)
        text += f"。结果：{outcome.describe()}"
    return text


def votes_text(d: EntryDraft, facts: EntryFacts) -> str:
    lines = []
    for index, r in enumerate(d.resolutions):
        outcome = facts.outcomes[index] if index < len(facts.outcomes) else None
        lines.append(f"第 {index + 1} 项：{_vote(r, outcome)}")
    return "\n".join(lines) or NONE


def _grades(d: EntryDraft, book: Book) -> str:
    lines = []
    for grade in Grade:
        names = sorted(book.member(u) for u, g in d.grades.items() if g is grade)
        if names:
            lines.append(f"{grade.value}（{len(names)} 人）：{'、'.join(names)}")
    return "\n".join(lines) or "未评定"


def attendance_text(facts: EntryFacts) -> str:
    att = facts.attendance
    head = f"应到 {len(att.expected)} 人，实到 {len(att.present)} 人"
    if att.absent:
        head += f"，缺席 {len(att.absent)} 人"
    return head + ("\n实到：" + "、".join(m.name for m in att.present) if att.present else "")


def field_value(key: str, d: EntryDraft, facts: EntryFacts, made_up: frozenset[str], book: Book) -> str:
    """One stored field of an entry in full, as printed (also each side of a correction)."""
    texts = {
        "type": lambda: ENTRY_TYPE_LABELS[d.type],
        "date": lambda: chinese_date(d.date),
        "start": lambda: f"{d.start:%H:%M}" if d.start else UNSET,
        "end": lambda: f"{d.end:%H:%M}" if d.end else UNSET,
        "group": lambda: book.group(d.group_uuid),
        "makeup_of": lambda: book.entry_label(d.makeup_of),
        "topics": lambda: _numbered(d.topics),
        "absences": lambda: _absences(d, made_up, book),
        "nonvoting": lambda: "、".join(d.nonvoting) or NONE,
        "resolutions": lambda: (
            _numbered([_decision(r, book) for r in d.resolutions])
            + ("\n" + votes_text(d, facts) if d.resolutions else "")
        ),
        "grades": lambda: _grades(d, book),
        "participants": lambda: "、".join(book.member(u) for u in d.participants) or NONE,
    }
    if key in texts:
        return texts[key]()
    value = str(getattr(d, key, "") or "")
    empty = UNSET if key in ("title", "place", "host", "recorder") else NONE
    return value if value.strip() else empty


# ---- an entry and its corrections as blocks -----------------------------------------------------


def entry_fields(
    d: EntryDraft, facts: EntryFacts, made_up: frozenset[str], uuid: str, book: Book
) -> list[Field]:
    """rules.md §8.1, in the order of the paper form; fields that do not apply to the type are left out."""

    def value(key: str) -> str:
        return field_value(key, d, facts, made_up, book)

    label = ENTRY_TYPE_LABELS[d.type]
    fields = [
        Field("会议名称", d.title.strip() or label),
        Field("次　　数", ordinal_text(book, uuid, d.date.year)),
        Field("类　　型", label),
        Field("时　　间", time_text(d)),
        Field("地　　点", value("place")),
    ]
    talk = d.type in (EntryType.HEART_TALK, EntryType.MAKEUP)
    if not talk or d.host or d.recorder:
        fields += [Field("主 持 人", value("host")), Field("记 录 人", value("recorder"))]
    if d.type is EntryType.GROUP_MEETING:
        fields.append(Field("党 小 组", value("group")))
    if d.type is EntryType.MAKEUP:
        fields += [Field("补学的会议", value("makeup_of")), Field("补 学 人", value("participants"))]
    elif d.type is EntryType.HEART_TALK:
        fields.append(Field("谈话人员", value("participants")))
    else:
        fields += [
            Field("出　　席", attendance_text(facts)),
            Field("缺　　席", value("absences")),
            Field("列　　席", value("nonvoting")),
        ]
        if d.type in VOTING_TYPES and facts.quorum is not None:
            described = facts.quorum.describe()
            if not facts.quorum.quorate and "不足法定人数" not in described:
                described = f"不足法定人数：{described}"
            fields.append(Field("法定人数", described))
    fields += [
        Field("议　　题", value("topics")),
        Field("议　　程", value("agenda")),
        Field("会议记录", value("minutes")),
    ]
    if not talk:
        fields += [
            Field("表决情况", votes_text(d, facts)),
            Field("决议/决定", _numbered([_decision(r, book) for r in d.resolutions])),
            Field("主持人总结", value("summary")),
        ]
    elif d.summary.strip():
        fields.append(Field("总　　结", d.summary))
    if d.type is EntryType.MEMBER_REVIEW or d.grades:
        fields.append(Field("评议等次", value("grades")))
    if d.type in MEETING_TYPES and d.absences:
        done = len({a.member_uuid for a in d.absences} & made_up)
        fields.append(Field("补学情况", f"缺席 {len(d.absences)} 人，已补学 {done} 人"))
    return fields


def entry_block(view: RecordView, book: Book, heading: str, *, as_recorded: bool = False) -> Block:
    """The entry as it reads now, or (`as_recorded`) as first written before any correction."""
    d = view.original if as_recorded else view.draft
    facts = entry_facts(view.uuid, d, book.source) if as_recorded and view.corrections else view.facts
    fields = entry_fields(d, facts, view.made_up, view.uuid, book)
    return Block(heading, tuple(fields), book.hashes.get(view.uuid, ""))


def correction_block(view: RecordView, correction: CorrectionView, book: Book, heading: str) -> Block:
    """更正: when and why, then each changed field as 原记载 / 更正为, and what follows from the change
    (attendance, quorum, vote results) when that changed too."""
    before, after = correction.before, correction.after
    facts_before = entry_facts(view.uuid, before, book.source)
    facts_after = entry_facts(view.uuid, after, book.source)
    keys = entry_changes(before, after)
    changes = [
        (
            FIELD_NAMES.get(k, k),
            field_value(k, before, facts_before, view.made_up, book),
            field_value(k, after, facts_after, view.made_up, book),
        )
        for k in keys
    ]
    derived = [("出席", attendance_text(facts_before), attendance_text(facts_after))]
    if before.type in VOTING_TYPES and facts_before.quorum and facts_after.quorum:
        derived.append(("法定人数", facts_before.quorum.describe(), facts_after.quorum.describe()))
    if "resolutions" not in keys:
        derived.append(("表决情况", votes_text(before, facts_before), votes_text(after, facts_after)))
    derived = [d for d in derived if d[1] != d[2]]
    what = "、".join(label for label, _, _ in changes) or NONE
    if derived:
        what += f"（随之变化：{'、'.join(label for label, _, _ in derived)}）"
    fields = [
        Field("更正日期", chinese_date(correction.made_on)),
        Field("更正原因", correction.reason),
        Field("更正项目", what),
    ]
    fields += [Field(label, f"原记载：{old}\n更正为：{new}") for label, old, new in changes + derived]
    return Block(heading, tuple(fields), book.hashes.get(correction.uuid, ""), correction=True)


# ---- the form -----------------------------------------------------------------------------------


def _selected(book: Book, request: PrintRequest, today: dt.date) -> tuple[list[RecordView], str]:
    if request.entry_uuid:
        view = next((v for v in book.views if v.uuid == request.entry_uuid), None)
        if view is None:
            raise UserError("找不到要打印的会议记录，可能已被删除")
        return [view], f"{chinese_date(view.draft.date)} {view.type_label}"
    period = request.period or default_period("minutes", today)
    views = [v for v in book.views if period.contains(v.draft.date)]
    if not views:
        raise UserError(f"{period.label()}没有会议记录，无法打印会议记录")
    return views, period.label()


def build(ws: Workspace, request: PrintRequest, stamp: DataStamp, today: dt.date) -> tuple[PageSetup, Story]:
    """One entry (`request.entry_uuid`), or every entry of `request.period` (this year if none), one each
    starting on a new page."""
    book = load_book(ws)
    views, note = _selected(book, request, today)
    sheets = []
    for view in views:
        name = book.ordinals[view.uuid]
        heading = f"{view.draft.title.strip() or view.type_label}（{name}）"
        corrections = tuple(
            correction_block(view, c, book, f"第 {i} 次更正　{chinese_date(c.made_on)}")
            for i, c in enumerate(view.corrections, start=1)
        )
        sheets.append(MinutesSheet(name, entry_block(view, book, heading), corrections))
    setup = stamp.setup(
        FORM_TITLES["minutes"],
        header_note=note,
        footer_note=f"日志哈希 {stamp.journal_head[:16]}",
        marks_label="本页记录的日志哈希：",
    )
    return layout_minutes(setup, sheets)
