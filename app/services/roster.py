"""The member roster: list at a date, add, edit, remove, record membership events."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_mod
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection

from app.domain.members import (
    CATEGORY_LABELS,
    FIELD_LABELS,
    Category,
    MemberDraft,
    check_member,
    complete_from_id,
    draft_events,
    parse_posts,
    posts_text,
    with_posts,
)
from app.domain.membership import (
    EVENT_LABELS,
    STATUS_LABELS,
    DatedEvent,
    EventKind,
    MembershipEvent,
    Standing,
    Status,
    current_stay_start,
    first_event,
    probation_end,
    refusal_of_new_event,
    standing_on,
)
from app.domain.partial_date import PartialDate
from app.domain.problems import Problem, Severity, has_errors
from app.services.errors import UserError, ValidationFailed
from app.services.roster_on_day import (
    event_from_row,
    extension_limits,
    member_timeline,
    probation_years,
)
from app.storage import repositories as repo
from app.storage.journal import JournaledWriter
from app.storage.workspace import Workspace


@dataclass(frozen=True)
class MemberView:
    uuid: str
    draft: MemberDraft
    events: tuple[MembershipEvent, ...]
    standing: Standing  # on the date the roster was asked for
    timeline: tuple[DatedEvent, ...] = ()

    @property
    def name(self) -> str:
        return self.draft.name

    @property
    def voting(self) -> bool:
        """A full member has a vote (留党察看 is judged per meeting, from the flags)."""
        return self.standing.status is Status.FULL

    @property
    def full_on_known(self) -> bool:
        full = first_event(self.events, EventKind.FULL)
        return full is None or full.on is not None

    @property
    def presumed_full_on(self) -> dt.date | None:
        """The day an undated 转正 is counted from (入党 + 预备期 + extensions)."""
        presumed = [d for d in self.timeline if d.kind is EventKind.FULL and d.presumed]
        return presumed[0].day if presumed and presumed[0].day != dt.date.min else None

    def in_branch_on(self, day: dt.date) -> dt.date | None:
        start = current_stay_start(self.timeline, day)
        return None if start == dt.date.min else start


def _draft_from_row(row: Any, events: Sequence[MembershipEvent], group_names: dict[str, str]) -> MemberDraft:
    admitted = first_event(events, EventKind.ADMITTED)
    full = first_event(events, EventKind.FULL)
    came = first_event(events, EventKind.TRANSFER_IN)
    if admitted is not None and admitted.elsewhere:
        in_branch_from = came.on.earliest() if came and came.on else None
    else:
        in_branch_from = admitted.on.earliest() if admitted and admitted.on else None
    posts = parse_posts(row.post or "")
    draft = MemberDraft(
        name=row.name,
        gender=row.gender,
        ethnicity=row.ethnicity,
        birth_date=row.birth_date,
        id_number=row.id_number or "",
        education=row.education,
        native_place=row.native_place,
        work_start=row.work_start,
        job=row.job,
        category=Category(row.category) if row.category else None,
        phone=row.phone,
        group=group_names.get(row.group_uuid, "") if row.group_uuid else "",
        team=row.team,
        is_mobile=bool(row.is_mobile),
        mobile_to=row.mobile_to,
        note=row.note,
        status=Status.FULL if full else Status.PROBATIONARY,
        joined_on=admitted.on if admitted else None,
        full_on=full.on if full else None,
        in_branch_from=in_branch_from,
    )
    return with_posts(draft, posts)


def _views(conn: Connection, on: dt.date) -> list[MemberView]:
    group_names = {g.uuid: g.name for g in repo.group_rows(conn)}
    events = repo.events_by_member(conn)
    views = []
    for row in repo.member_rows(conn):
        member_events = tuple(event_from_row(e) for e in events.get(row.uuid, ()))
        draft = _draft_from_row(row, member_events, group_names)
        dated = member_timeline(member_events)
        views.append(MemberView(row.uuid, draft, member_events, standing_on(dated, on), dated))
    return views


def load_roster(
    ws: Workspace, at: dt.date | None = None, *, include_former: bool = False
) -> list[MemberView]:
    """Members of the branch on `at` (today by default), with their status on that day, by name."""
    on = at or dt.date.today()
    with ws.read() as conn:
        views = _views(conn, on)
    if not include_former:
        views = [v for v in views if v.standing.in_branch]
    return sorted(views, key=lambda v: (v.draft.name, v.uuid))


def get_member(ws: Workspace, uuid: str, at: dt.date | None = None) -> MemberView:
    for view in load_roster(ws, at, include_former=True):
        if view.uuid == uuid:
            return view
    raise UserError("找不到这名党员，可能已被删除")


def check_draft(
    ws: Workspace, draft: MemberDraft, *, uuid: str | None = None, today: dt.date | None = None
) -> list[Problem]:
    """Domain checks plus what only the store knows: a duplicate ID number."""
    today = today or dt.date.today()
    draft = complete_from_id(draft)
    extension = 0
    if uuid is not None:
        with ws.read() as conn:
            rows = repo.events_by_member(conn, uuid).get(uuid, [])
        extension = sum(r.months or 0 for r in rows if r.kind == EventKind.EXTENDED.value)
    problems = check_member(draft, today, probation_years(day=today), extension)
    if draft.id_number:
        with ws.read() as conn:
            owner = repo.member_uuid_by_id_number(conn).get(draft.id_number)
            if owner is not None and owner != uuid:
                other = repo.member_row(conn, owner)
                problems.append(Problem("身份证号", f"与已有党员“{other.name if other else ''}”重复"))
    return problems


def _group_uuid(writer: JournaledWriter, name: str, known: dict[str, str]) -> str | None:
    """The uuid of the named group, created on first use."""
    if not name:
        return None
    if name not in known:
        new = str(uuid_mod.uuid4())
        writer.insert("party_group", [{"uuid": new, "name": name, "note": ""}])
        known[name] = new
    return known[name]


def member_columns(draft: MemberDraft, group_uuid: str | None) -> dict[str, Any]:
    return {
        "name": draft.name.strip(),
        "gender": draft.gender,
        "ethnicity": draft.ethnicity,
        "birth_date": draft.birth_date,
        "id_number": draft.id_number or None,
        "education": draft.education,
        "native_place": draft.native_place,
        "work_start": draft.work_start,
        "job": draft.job,
        "post": posts_text(draft.posts) or None,
        "category": draft.category.value if draft.category else None,
        "phone": draft.phone,
        "group_uuid": group_uuid,
        "team": draft.team,
        "is_mobile": draft.is_mobile,
        "mobile_to": draft.mobile_to if draft.is_mobile else "",
        "note": draft.note,
    }


def write_new_members(
    writer: JournaledWriter, drafts: Sequence[MemberDraft], groups: dict[str, str]
) -> list[str]:
    """Insert members with their admission/full events. Drafts must be validated already."""
    members, events, uuids = [], [], []
    for draft in drafts:
        draft = complete_from_id(draft)
        member_uuid = str(uuid_mod.uuid4())
        uuids.append(member_uuid)
        members.append(
            {"uuid": member_uuid, **member_columns(draft, _group_uuid(writer, draft.group, groups))}
        )
        for event in draft_events(draft):
            events.append(
                {
                    "uuid": str(uuid_mod.uuid4()),
                    "member_uuid": member_uuid,
                    "kind": event.kind.value,
                    "on_date": event.on,
                    "elsewhere": event.elsewhere,
                    "note": event.note,
                    "months": event.months,
                }
            )
    writer.insert("member", members)
    writer.insert("membership_event", events)
    return uuids


def write_member_update(
    writer: JournaledWriter, uuid: str, draft: MemberDraft, groups: dict[str, str]
) -> bool:
    """Update columns and the admission/full events; True if anything changed."""
    draft = complete_from_id(draft)
    changed = writer.update("member", uuid, member_columns(draft, _group_uuid(writer, draft.group, groups)))
    changed_events = _sync_status_events(writer, uuid, draft)
    return changed is not None or changed_events


def _sync_status_events(writer: JournaledWriter, member_uuid: str, draft: MemberDraft) -> bool:
    """Keep 入党, 转正 and the first coming-in in step with the form; later events are left as recorded."""
    rows = repo.events_by_member(writer.conn, member_uuid).get(member_uuid, [])
    changed = False
    wanted = {e.kind: e for e in draft_events(draft)}
    for kind in (EventKind.ADMITTED, EventKind.FULL, EventKind.TRANSFER_IN):
        existing = sorted(
            (r for r in rows if r.kind == kind.value),
            key=lambda r: r.on_date.earliest() if r.on_date else dt.date.min,
        )
        want = wanted.get(kind)
        if want is None:
            if kind is not EventKind.TRANSFER_IN:
                for row in existing:
                    writer.delete("membership_event", row.uuid)
                    changed = True
        elif existing:
            update = {"on_date": want.on, "elsewhere": want.elsewhere}
            changed |= writer.update("membership_event", existing[0].uuid, update) is not None
        else:
            writer.insert(
                "membership_event",
                [
                    {
                        "uuid": str(uuid_mod.uuid4()),
                        "member_uuid": member_uuid,
                        "kind": kind.value,
                        "on_date": want.on,
                        "elsewhere": want.elsewhere,
                        "note": "",
                        "months": None,
                    }
                ],
            )
            changed = True
    return changed


def group_uuids(conn: Connection) -> dict[str, str]:
    return {g.name: g.uuid for g in repo.group_rows(conn)}


def add_member(ws: Workspace, draft: MemberDraft, actor: str = "书记") -> str:
    problems = check_draft(ws, draft)
    if has_errors(problems):
        raise ValidationFailed([p for p in problems if p.severity is Severity.ERROR])
    with ws.write(actor) as writer:
        return write_new_members(writer, [draft], group_uuids(writer.conn))[0]


def update_member(ws: Workspace, uuid: str, draft: MemberDraft, actor: str = "书记") -> bool:
    problems = check_draft(ws, draft, uuid=uuid)
    if has_errors(problems):
        raise ValidationFailed([p for p in problems if p.severity is Severity.ERROR])
    with ws.write(actor) as writer:
        if repo.member_row(writer.conn, uuid) is None:
            raise UserError("找不到这名党员，可能已被删除")
        return write_member_update(writer, uuid, draft, group_uuids(writer.conn))


def delete_member(ws: Workspace, uuid: str, actor: str = "书记") -> None:
    """Remove a member entered by mistake. Leaving the branch is an event, not a deletion."""
    with ws.write(actor) as writer:
        if repo.member_row(writer.conn, uuid) is None:
            raise UserError("找不到这名党员，可能已被删除")
        for row in repo.events_by_member(writer.conn, uuid).get(uuid, []):
            writer.delete("membership_event", row.uuid)
        writer.delete("member", uuid)


def record_event(
    ws: Workspace,
    uuid: str,
    kind: EventKind,
    on: PartialDate | None,
    note: str = "",
    *,
    months: int | None = None,
    elsewhere: bool = False,
    actor: str = "书记",
    today: dt.date | None = None,
) -> str:
    """A dated change of membership. An impossible one (before joining, 恢复 without 停止, a second or
    out-of-range extension …) is refused with the reason and nothing is written."""
    today = today or dt.date.today()
    new = MembershipEvent(kind, on, elsewhere, note, months if kind is EventKind.EXTENDED else None)
    with ws.write(actor) as writer:
        row = repo.member_row(writer.conn, uuid)
        if row is None:
            raise UserError("找不到这名党员，可能已被删除")
        events = tuple(event_from_row(e) for e in repo.events_by_member(writer.conn, uuid).get(uuid, []))
        day = on.earliest() if on else today
        refusal = refusal_of_new_event(events, new, probation_years(events), extension_limits(day), today)
        if refusal:
            raise UserError(f"{row.name}：{EVENT_LABELS[kind]}未登记——{refusal}")
        event_uuid = str(uuid_mod.uuid4())
        writer.insert(
            "membership_event",
            [
                {
                    "uuid": event_uuid,
                    "member_uuid": uuid,
                    "kind": kind.value,
                    "on_date": on,
                    "elsewhere": elsewhere,
                    "note": note,
                    "months": new.months,
                }
            ],
        )
    return event_uuid


def probation_ends(view: MemberView) -> dt.date | None:
    return probation_end(view.events, probation_years(view.events))


def draft_changes(old: MemberDraft, new: MemberDraft) -> list[tuple[str, str, str]]:
    """(label, before, after) for each field that differs, in form order, as the user reads them."""
    out = []
    for f in fields(MemberDraft):
        before, after = getattr(old, f.name), getattr(new, f.name)
        if before != after:
            out.append((FIELD_LABELS[f.name], display_value(before), display_value(after)))
    return out


def display_value(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, PartialDate):
        return value.display()
    if isinstance(value, dt.date):
        return f"{value:%Y.%m.%d}"
    if isinstance(value, tuple):
        return "、".join(str(v) for v in value) or "（空）"
    if isinstance(value, Status):
        return STATUS_LABELS[value]
    if isinstance(value, Category):
        return CATEGORY_LABELS[value]
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
