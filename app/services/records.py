"""The record book: entries with their computed attendance, quorum and results; locks and corrections."""

from __future__ import annotations

import datetime as dt
import json
import uuid as uuid_mod
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection

from app.domain.compliance import EntryFacts
from app.domain.entries import (
    ENTRY_TYPE_LABELS,
    MEETING_TYPES,
    EntryDraft,
    EntryType,
    RollDrift,
    attendance,
    fixed_roll,
    quorum,
    roll_drift,
    vote_outcome,
)
from app.domain.entry_checks import check_entry
from app.domain.entry_codec import entry_changes, entry_from_dict, entry_to_dict
from app.domain.periods import Period
from app.domain.problems import Problem, Severity
from app.io.rules import load_rulebook
from app.io.templates import default_templates
from app.services.branch_profile import put_setting
from app.services.errors import UserError, ValidationFailed
from app.services.roster_on_day import WATCH, RosterSource
from app.storage import repositories as repo
from app.storage.journal import JournaledWriter, canonical_json
from app.storage.workspace import Workspace

_JSON_COLUMNS = ("topics", "absences", "nonvoting", "resolutions", "grades", "participants")
FIELD_NAMES = {
    "type": "类型",
    "date": "日期",
    "start": "开始时间",
    "end": "结束时间",
    "title": "标题",
    "place": "地点",
    "host": "主持人",
    "recorder": "记录人",
    "group": "党小组",
    "makeup_of": "补学对象",
    "topics": "议题",
    "agenda": "议程",
    "minutes": "会议记录",
    "summary": "主持人总结",
    "absences": "缺席人员",
    "nonvoting": "列席人员",
    "resolutions": "决议与表决",
    "grades": "评议等次",
    "participants": "参加人",
    "expected": "应到名单",
}


@dataclass(frozen=True)
class CorrectionView:
    uuid: str
    made_on: dt.date
    reason: str
    before: EntryDraft
    after: EntryDraft

    def changed(self) -> list[str]:
        return [FIELD_NAMES.get(k, k) for k in entry_changes(self.before, self.after)]


@dataclass(frozen=True)
class RecordView:
    uuid: str
    original: EntryDraft
    corrections: tuple[CorrectionView, ...]
    locked: bool
    facts: EntryFacts
    made_up: frozenset[str]  # absentees who have done a 补学 for this entry
    drift: RollDrift | None = None  # the roster today would expect others than the saved roll

    @property
    def draft(self) -> EntryDraft:
        """What the entry says now: the original, or the latest correction."""
        return self.corrections[-1].after if self.corrections else self.original

    @property
    def type_label(self) -> str:
        return ENTRY_TYPE_LABELS[self.draft.type]

    def makeup_progress(self) -> tuple[int, int]:
        """(absentees made up, absentees)."""
        absent = {a.member_uuid for a in self.draft.absences}
        return len(absent & self.made_up), len(absent)


# ---- reading ---------------------------------------------------------------------------


def draft_from_row(row: Any) -> EntryDraft:
    data = {c: getattr(row, c) for c in row._fields}
    for column in _JSON_COLUMNS:
        data[column] = json.loads(data[column])
    data["expected"] = json.loads(data["expected"]) if data.get("expected") is not None else None
    data["date"] = data["date"].isoformat()
    data["group"] = data.pop("group_uuid")
    return entry_from_dict(data)


def entry_columns(draft: EntryDraft) -> dict[str, Any]:
    data = entry_to_dict(draft)
    columns = {
        k: data[k]
        for k in (
            "type",
            "start",
            "end",
            "title",
            "place",
            "host",
            "recorder",
            "makeup_of",
            "agenda",
            "minutes",
            "summary",
        )
    }
    columns["date"] = draft.date
    columns["group_uuid"] = data["group"]
    for column in _JSON_COLUMNS:
        columns[column] = canonical_json(data[column])
    columns["expected"] = canonical_json(data["expected"]) if data["expected"] is not None else None
    return columns


def locked_periods(conn: Connection) -> list[tuple[Period, str]]:
    return [(Period.parse(r.period), r.state) for r in repo.period_lock_rows(conn)]


def is_locked(locks: Sequence[tuple[Period, str]], day: dt.date) -> bool:
    return any(p.contains(day) for p, _ in locks)


def entry_facts(uuid: str, draft: EntryDraft, source: RosterSource) -> EntryFacts:
    rules = load_rulebook()
    roster = source.on(draft.date)
    att = attendance(draft, roster)
    q_rule, q_stands_in = rules.judging("quorum", draft.date)
    p_rule, p_stands_in = rules.judging("resolution_pass", draft.date)
    note = ""
    if q_stands_in or p_stands_in:
        note = f"规则文件最早的版本自 {q_rule.effective_from:%Y-%m-%d} 起生效，此前的记录按该版本判断"
    q = quorum(att, q_rule["numerator"], q_rule["denominator"]) if draft.type in MEETING_TYPES else None
    outcomes = (
        tuple(vote_outcome(r, att, q, p_rule["numerator"], p_rule["denominator"]) for r in draft.resolutions)
        if q is not None
        else ()
    )
    return EntryFacts(uuid, draft, att, q, outcomes, note)


def _views(conn: Connection) -> tuple[list[RecordView], RosterSource]:
    source = RosterSource.load(conn)
    locks = locked_periods(conn)
    corrections = repo.correction_rows(conn)
    rows = repo.entry_rows(conn)
    originals = {r.uuid: draft_from_row(r) for r in rows}
    views_corrections = {
        uuid: tuple(
            CorrectionView(
                c.uuid,
                c.made_on,
                c.reason,
                entry_from_dict(json.loads(c.before)),
                entry_from_dict(json.loads(c.after)),
            )
            for c in items
        )
        for uuid, items in corrections.items()
    }
    effective = {
        u: (views_corrections[u][-1].after if u in views_corrections else d) for u, d in originals.items()
    }
    made_up: dict[str, set[str]] = {}
    for draft in effective.values():
        if draft.type is EntryType.MAKEUP and draft.makeup_of:
            made_up.setdefault(draft.makeup_of, set()).update(draft.participants)
    views = [
        RecordView(
            u,
            originals[u],
            views_corrections.get(u, ()),
            is_locked(locks, originals[u].date),
            entry_facts(u, effective[u], source),
            frozenset(made_up.get(u, ())),
            roll_drift(effective[u], source.on(effective[u].date)),
        )
        for u in originals
    ]
    return views, source


def load_records(ws: Workspace, period: Period | None = None) -> list[RecordView]:
    """Entries in date order, each with its attendance, quorum and results computed from the roster."""
    with ws.read() as conn:
        views, _ = _views(conn)
    if period is not None:
        views = [v for v in views if period.contains(v.draft.date)]
    return views


def load_records_with_roster(ws: Workspace) -> tuple[list[RecordView], RosterSource]:
    with ws.read() as conn:
        return _views(conn)


def get_record(ws: Workspace, uuid: str) -> RecordView:
    for view in load_records(ws):
        if view.uuid == uuid:
            return view
    raise UserError("找不到这条记录，可能已被删除")


# ---- writing ---------------------------------------------------------------------------


def _validate(conn: Connection, draft: EntryDraft, today: dt.date) -> None:
    source = RosterSource.load(conn)
    problems = [p for p in check_entry(draft, source.on(draft.date), today) if p.severity is Severity.ERROR]
    if draft.makeup_of and not any(r.uuid == draft.makeup_of for r in repo.entry_rows(conn)):
        problems.append(Problem("补学对象", "所补的会议记录不存在"))
    if draft.group_uuid and draft.group_uuid not in source.group_names:
        problems.append(Problem("党小组", "所选党小组不存在"))
    if problems:
        raise ValidationFailed(problems)


def _refuse_if_locked(conn: Connection, day: dt.date) -> None:
    for period, state in locked_periods(conn):
        if period.contains(day):
            what = "已上报" if state == "submitted" else "已归档"
            raise UserError(f"{period.label()}{what}，记录不能再直接修改；如需改动，请使用“更正”并写明原因")


def with_fixed_roll(conn: Connection, draft: EntryDraft, kept: EntryDraft | None = None) -> EntryDraft:
    """The draft with the roll it is saved with: the one already kept when nothing that decides the roll
    changed, else the roster's on the entry's date."""
    if kept is not None and kept.expected is not None and kept.roll_key() == draft.roll_key():
        return replace(draft, expected=kept.expected)
    return fixed_roll(draft, RosterSource.load(conn).on(draft.date))


def write_entries(writer: JournaledWriter, drafts: Sequence[EntryDraft]) -> list[str]:
    uuids = [str(uuid_mod.uuid4()) for _ in drafts]
    source = RosterSource.load(writer.conn)
    rows = [
        {"uuid": u, **entry_columns(d if d.expected is not None else fixed_roll(d, source.on(d.date)))}
        for u, d in zip(uuids, drafts, strict=True)
    ]
    writer.insert("entry", rows)
    return uuids


def add_entry(ws: Workspace, draft: EntryDraft, actor: str = "书记", today: dt.date | None = None) -> str:
    with ws.write(actor) as writer:
        _refuse_if_locked(writer.conn, draft.date)
        _validate(writer.conn, draft, today or dt.date.today())
        return write_entries(writer, [replace(draft, expected=None)])[0]


def update_entry(
    ws: Workspace, uuid: str, draft: EntryDraft, actor: str = "书记", today: dt.date | None = None
) -> bool:
    with ws.write(actor) as writer:
        row = writer.current("entry", uuid)
        if row is None:
            raise UserError("找不到这条记录，可能已被删除")
        _refuse_if_locked(writer.conn, dt.date.fromisoformat(row["date"]))
        _refuse_if_locked(writer.conn, draft.date)
        _validate(writer.conn, draft, today or dt.date.today())
        kept = draft_from_row(repo.entry_row(writer.conn, uuid))
        draft = with_fixed_roll(writer.conn, replace(draft, expected=None), kept)
        return writer.update("entry", uuid, entry_columns(draft)) is not None


def take_in_roster(ws: Workspace, uuid: str, actor: str = "书记") -> bool:
    """Take the roll again from the roster (after a roster change the entry's notice offered); journaled.
    A locked entry keeps its roll: what was exported or archived never changes."""
    with ws.write(actor) as writer:
        if writer.current("entry", uuid) is None:
            raise UserError("找不到这条记录，可能已被删除")
        kept = draft_from_row(repo.entry_row(writer.conn, uuid))
        _refuse_if_locked(writer.conn, kept.date)
        draft = fixed_roll(kept, RosterSource.load(writer.conn).on(kept.date))
        absent = {m.uuid for m in draft.expected or ()}
        draft = replace(draft, absences=tuple(a for a in draft.absences if a.member_uuid in absent))
        return writer.update("entry", uuid, entry_columns(draft)) is not None


def fix_unsaved_rolls(ws: Workspace, actor: str = "支部记录本") -> int:
    """Entries saved before rolls were kept get the roll the roster gives them now, once, journaled."""
    with ws.read() as conn:
        if not any(r.expected is None for r in repo.entry_rows(conn)):
            return 0
    with ws.write(actor) as writer:
        source = RosterSource.load(writer.conn)
        rows = [r for r in repo.entry_rows(writer.conn) if r.expected is None]
        for row in rows:
            draft = draft_from_row(row)
            writer.update(
                "entry",
                row.uuid,
                {"expected": entry_columns(fixed_roll(draft, source.on(draft.date)))["expected"]},
            )
    return len(rows)


def delete_entry(ws: Workspace, uuid: str, actor: str = "书记") -> None:
    with ws.write(actor) as writer:
        row = writer.current("entry", uuid)
        if row is None:
            raise UserError("找不到这条记录，可能已被删除")
        _refuse_if_locked(writer.conn, dt.date.fromisoformat(row["date"]))
        if any(r.makeup_of == uuid for r in repo.entry_rows(writer.conn)):
            raise UserError("已有补学记录指向这次会议，请先删除那些补学记录")
        writer.delete("entry", uuid)


def correct_entry(
    ws: Workspace,
    uuid: str,
    corrected: EntryDraft,
    reason: str,
    actor: str = "书记",
    today: dt.date | None = None,
) -> str:
    """更正 an entry of a locked period: a new, reasoned record; the original stays as it was."""
    today = today or dt.date.today()
    if not reason.strip():
        raise UserError("更正须写明原因")
    view = get_record(ws, uuid)
    if not view.locked:
        raise UserError("这条记录所在期间尚未上报或归档，可以直接修改，无需更正")
    if corrected.type is not view.draft.type:
        raise UserError("更正不能改变记录类型；如类型记错，请更正说明后另行补记")
    if entry_to_dict(replace(corrected, expected=view.draft.expected)) == entry_to_dict(view.draft):
        raise UserError("内容没有变化，无需更正")
    with ws.write(actor) as writer:
        _validate(writer.conn, corrected, today)
        corrected = with_fixed_roll(writer.conn, replace(corrected, expected=None), view.draft)
        new = str(uuid_mod.uuid4())
        writer.insert(
            "correction",
            [
                {
                    "uuid": new,
                    "entry_uuid": uuid,
                    "made_on": today,
                    "reason": reason.strip(),
                    "before": canonical_json(entry_to_dict(view.draft)),
                    "after": canonical_json(entry_to_dict(corrected)),
                }
            ],
        )
    return new


# ---- periods, flags, templates, options ---------------------------------------------------------

LOCK_STATES = {"submitted": "已上报", "archived": "已归档"}


def lock_period(
    ws: Workspace, period: Period, state: str = "submitted", actor: str = "书记", today: dt.date | None = None
) -> None:
    with ws.write(actor) as writer:
        lock_period_in(writer, period, state, today)


def lock_period_in(writer: JournaledWriter, period: Period, state: str, today: dt.date | None = None) -> None:
    """Lock within the caller's transaction (an export locks together with recording the package)."""
    if state not in LOCK_STATES:
        raise UserError(f"未知的锁定状态：{state}")
    existing = {r.period: r for r in repo.period_lock_rows(writer.conn)}
    if period.code() in existing:
        if existing[period.code()].state != "archived":  # an archived year stays archived
            writer.update("period_lock", existing[period.code()].uuid, {"state": state})
    else:
        writer.insert(
            "period_lock",
            [
                {
                    "uuid": str(uuid_mod.uuid4()),
                    "period": period.code(),
                    "state": state,
                    "locked_on": today or dt.date.today(),
                }
            ],
        )


def add_watch(
    ws: Workspace, member_uuid: str, start: dt.date, end: dt.date | None, note: str = "", actor: str = "书记"
) -> str:
    """留党察看 from `start` to `end` (inclusive; None = not yet ended): no vote meanwhile."""
    if end is not None and end < start:
        raise UserError("留党察看的结束日期不能早于开始日期")
    with ws.write(actor) as writer:
        if repo.member_row(writer.conn, member_uuid) is None:
            raise UserError("找不到这名党员")
        new = str(uuid_mod.uuid4())
        writer.insert(
            "member_flag",
            [
                {
                    "uuid": new,
                    "member_uuid": member_uuid,
                    "kind": WATCH,
                    "start": start,
                    "end": end,
                    "note": note,
                }
            ],
        )
    return new


def template_for(ws: Workspace, entry_type: EntryType) -> tuple[str, str]:
    """(agenda, minutes skeleton): the branch's own if it saved one, else the shipped default."""
    with ws.read() as conn:
        for row in repo.template_rows(conn):
            if row.entry_type == entry_type.value:
                return row.agenda, row.minutes
    return default_templates().get(entry_type.value, ("", ""))


def save_template(
    ws: Workspace, entry_type: EntryType, agenda: str, minutes: str, actor: str = "书记"
) -> None:
    with ws.write(actor) as writer:
        rows = {r.entry_type: r for r in repo.template_rows(writer.conn)}
        if entry_type.value in rows:
            writer.update(
                "entry_template", rows[entry_type.value].uuid, {"agenda": agenda, "minutes": minutes}
            )
        else:
            writer.insert(
                "entry_template",
                [
                    {
                        "uuid": str(uuid_mod.uuid4()),
                        "entry_type": entry_type.value,
                        "agenda": agenda,
                        "minutes": minutes,
                    }
                ],
            )


OPTIONS_KEY = "enabled_local_rules"


def enabled_options(ws: Workspace) -> list[str]:
    with ws.read() as conn:
        row = repo.setting_rows(conn).get(OPTIONS_KEY)
    return json.loads(row.value) if row else []


def set_option(ws: Workspace, rule_id: str, enabled: bool, actor: str = "书记") -> None:
    rules = load_rulebook()
    if rule_id not in rules.ids() or not any(r.local_option for r in rules.rules if r.id == rule_id):
        raise UserError(f"没有名为 {rule_id} 的地方性规则选项")
    current = set(enabled_options(ws))
    current = current | {rule_id} if enabled else current - {rule_id}
    value = canonical_json(sorted(current))
    with ws.write(actor) as writer:
        put_setting(writer, OPTIONS_KEY, value)


def roster_source(ws: Workspace) -> RosterSource:
    """Members, events and flags loaded once, for a dialog that recomputes attendance as the user types."""
    with ws.read() as conn:
        return RosterSource.load(conn)
