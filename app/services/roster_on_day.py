"""Who was in the branch on a given day, as meetings see them (status, vote, committee, group)."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from app.domain.entries import RosterMember
from app.domain.members import on_committee, parse_posts
from app.domain.membership import (
    DatedEvent,
    EventKind,
    ExtensionLimits,
    MembershipEvent,
    current_stay_start,
    first_event,
    standing_on,
    timeline,
)
from app.io.rules import load_rulebook
from app.storage import repositories as repo

WATCH = "watch"  # 留党察看


def probation_years(events: tuple[MembershipEvent, ...] | None = None, day: dt.date | None = None) -> int:
    """预备期 in years by the rule in force when the member was admitted (or on `day`)."""
    admitted = first_event(events or (), EventKind.ADMITTED)
    on = admitted.on.earliest() if admitted and admitted.on else (day or dt.date.today())
    return int(load_rulebook().judging("probation_period", on)[0]["years"])


def extension_limits(day: dt.date) -> ExtensionLimits:
    rule, _ = load_rulebook().judging("probation_extension", day)
    return ExtensionLimits(rule["min_months"], rule["max_months"], rule["times"], rule.source)


def event_from_row(row: Any) -> MembershipEvent:
    return MembershipEvent(EventKind(row.kind), row.on_date, bool(row.elsewhere), row.note, row.months)


def member_timeline(events: tuple[MembershipEvent, ...]) -> tuple[DatedEvent, ...]:
    return timeline(events, probation_years(events))


@dataclass
class RosterSource:
    """Members, events and flags loaded once; `on(day)` answers for any day without another query."""

    members: list[Any]
    events: dict[str, tuple[MembershipEvent, ...]]
    timelines: dict[str, tuple[DatedEvent, ...]]
    watches: dict[str, list[tuple[dt.date, dt.date | None]]]
    group_names: dict[str, str]
    _rosters: dict[int, list[RosterMember]] = field(default_factory=dict)
    _changes: list[dt.date] = field(default_factory=list)
    _uuid_sets: dict[int, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The roster only changes on the days of events and flags; between them one answer serves all days.
        days = {d.day for dated in self.timelines.values() for d in dated}
        for spans in self.watches.values():
            for start, end in spans:
                days.add(start)
                if end is not None:
                    days.add(end + dt.timedelta(days=1))
        self._changes = sorted(days)

    @classmethod
    def load(cls, conn: Connection) -> RosterSource:
        events = {
            uuid: tuple(event_from_row(r) for r in rows) for uuid, rows in repo.events_by_member(conn).items()
        }
        timelines = {uuid: member_timeline(e) for uuid, e in events.items()}
        watches: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
        for flag in repo.flag_rows(conn):
            if flag.kind == WATCH:
                watches.setdefault(flag.member_uuid, []).append((flag.start, flag.end))
        groups = {g.uuid: g.name for g in repo.group_rows(conn)}
        members = sorted(repo.member_rows(conn), key=lambda m: (m.name, m.uuid))
        return cls(members, events, timelines, watches, groups)

    def on(self, day: dt.date) -> list[RosterMember]:
        key = bisect.bisect_right(self._changes, day)
        cached = self._rosters.get(key)
        if cached is not None:
            return cached
        out = []
        for m in self.members:
            standing = standing_on(self.timelines.get(m.uuid, ()), day)
            if not standing.in_branch or standing.status is None:
                continue
            on_watch = any(
                start <= day and (end is None or day <= end) for start, end in self.watches.get(m.uuid, ())
            )
            out.append(
                RosterMember(
                    m.uuid,
                    m.name,
                    standing.status,
                    on_watch,
                    m.group_uuid,
                    on_committee(parse_posts(m.post or "")),
                    m.team,
                )
            )
        self._rosters[key] = out
        return out

    def uuids_on(self, day: dt.date) -> frozenset[str]:
        key = bisect.bisect_right(self._changes, day)
        if key not in self._uuid_sets:
            self._uuid_sets[key] = frozenset(m.uuid for m in self.on(day))
        return self._uuid_sets[key]

    def name(self, uuid: str) -> str:
        return next((m.name for m in self.members if m.uuid == uuid), "（已删除）")

    def member_since(self, uuid: str, day: dt.date | None = None) -> dt.date | None:
        """The first day of the member's stay in the branch that includes `day` (today by default)."""
        start = current_stay_start(self.timelines.get(uuid, ()), day or dt.date.today())
        return None if start == dt.date.min else start


class MemberRefs:
    """Members named by name (unique in the branch), ID number or uuid; groups by name."""

    def __init__(self, source: RosterSource) -> None:
        self.by_uuid = {m.uuid: m.uuid for m in source.members}
        self.by_id = {m.id_number: m.uuid for m in source.members if m.id_number}
        names: dict[str, list[str]] = {}
        for m in source.members:
            names.setdefault(m.name, []).append(m.uuid)
        self.by_name = names
        self.groups = {name: uuid for uuid, name in source.group_names.items()}

    def member(self, ref: object) -> str:
        if not isinstance(ref, str) or not ref.strip():
            raise ValueError("应写党员的姓名、身份证号或 uuid")
        ref = ref.strip()
        if ref in self.by_uuid:
            return ref
        if ref.upper() in self.by_id:
            return self.by_id[ref.upper()]
        matches = self.by_name.get(ref, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValueError(f"支部里有 {len(matches)} 人叫“{ref}”，请改用身份证号")
        raise ValueError(f"找不到党员“{ref}”")
