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
    STATUS_LABELS,
    Category,
    EventKind,
    MemberDraft,
    MembershipEvent,
    Post,
    Standing,
    Status,
    check_member,
    complete_from_id,
    draft_events,
    first_event,
    standing_on,
)
from app.domain.partial_date import PartialDate
from app.domain.problems import Problem, Severity, has_errors
from app.io.rules import load_rulebook
from app.services.errors import UserError, ValidationFailed
from app.storage import repositories as repo
from app.storage.journal import JournaledWriter
from app.storage.workspace import Workspace


@dataclass(frozen=True)
class MemberView:
    uuid: str
    draft: MemberDraft
    events: tuple[MembershipEvent, ...]
    standing: Standing  # on the date the roster was asked for

    @property
    def name(self) -> str:
        return self.draft.name


def probation_years(day: dt.date) -> int:
    return int(load_rulebook().in_force("probation_period", day)["years"])


def _event_from_row(row: Any) -> MembershipEvent:
    return MembershipEvent(EventKind(row.kind), row.on_date, bool(row.elsewhere), row.note)


def _draft_from_row(row: Any, events: Sequence[MembershipEvent], group_names: dict[str, str]) -> MemberDraft:
    admitted = first_event(events, EventKind.ADMITTED)
    full = first_event(events, EventKind.FULL)
    return MemberDraft(
        name=row.name,
        gender=row.gender,
        ethnicity=row.ethnicity,
        birth_date=row.birth_date,
        id_number=row.id_number or "",
        education=row.education,
        native_place=row.native_place,
        work_start=row.work_start,
        job=row.job,
        post=Post(row.post) if row.post else None,
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
    )


def _views(conn: Connection, on: dt.date) -> list[MemberView]:
    group_names = {g.uuid: g.name for g in repo.group_rows(conn)}
    events = repo.events_by_member(conn)
    views = []
    for row in repo.member_rows(conn):
        member_events = tuple(_event_from_row(e) for e in events.get(row.uuid, ()))
        draft = _draft_from_row(row, member_events, group_names)
        views.append(MemberView(row.uuid, draft, member_events, standing_on(member_events, on)))
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
    problems = check_member(draft, today, probation_years(today))
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
        "post": draft.post.value if draft.post else None,
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
    rows = repo.events_by_member(writer.conn, member_uuid).get(member_uuid, [])
    changed = False
    wanted = {e.kind: e for e in draft_events(draft)}
    for kind in (EventKind.ADMITTED, EventKind.FULL):
        existing = [r for r in rows if r.kind == kind.value]
        want = wanted.get(kind)
        if want is None:
            for row in existing:
                writer.delete("membership_event", row.uuid)
                changed = True
        elif existing:
            changed |= writer.update("membership_event", existing[0].uuid, {"on_date": want.on}) is not None
        else:
            writer.insert(
                "membership_event",
                [
                    {
                        "uuid": str(uuid_mod.uuid4()),
                        "member_uuid": member_uuid,
                        "kind": kind.value,
                        "on_date": want.on,
                        "elsewhere": False,
                        "note": "",
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
    elsewhere: bool = False,
    actor: str = "书记",
) -> None:
    """A dated change of membership: transfer in/out, 停止党籍, 恢复党籍, 出党, 去世, 延长预备期."""
    if on is not None and on.earliest() > dt.date.today():
        raise UserError("变动日期不能晚于今天")
    with ws.write(actor) as writer:
        if repo.member_row(writer.conn, uuid) is None:
            raise UserError("找不到这名党员，可能已被删除")
        writer.insert(
            "membership_event",
            [
                {
                    "uuid": str(uuid_mod.uuid4()),
                    "member_uuid": uuid,
                    "kind": kind.value,
                    "on_date": on,
                    "elsewhere": elsewhere,
                    "note": note,
                }
            ],
        )


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
    if isinstance(value, Status):
        return STATUS_LABELS[value]
    if isinstance(value, Category):
        return CATEGORY_LABELS[value]
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
