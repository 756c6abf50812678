"""Who was in the branch on a given day, as meetings see them (status, vote, committee, group)."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from app.domain.entries import RosterMember
from app.domain.members import COMMITTEE_POSTS, EventKind, MembershipEvent, sort_events, standing_on
from app.storage import repositories as repo

WATCH = "watch"  # 留党察看
_COMMITTEE = {p.value for p in COMMITTEE_POSTS}


@dataclass
class RosterSource:
    """Members, events and flags loaded once; `on(day)` answers for any day without another query."""

    members: list[Any]
    events: dict[str, tuple[MembershipEvent, ...]]
    watches: dict[str, list[tuple[dt.date, dt.date | None]]]
    group_names: dict[str, str]
    _rosters: dict[int, list[RosterMember]] = field(default_factory=dict)
    _changes: list[dt.date] = field(default_factory=list)
    _uuid_sets: dict[int, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The roster only changes on the days of events and flags; between them one answer serves all days.
        days = {e.on.earliest() for events in self.events.values() for e in events if e.on is not None}
        for spans in self.watches.values():
            for start, end in spans:
                days.add(start)
                if end is not None:
                    days.add(end + dt.timedelta(days=1))
        self._changes = sorted(days)

    @classmethod
    def load(cls, conn: Connection) -> RosterSource:
        events = {
            uuid: sort_events(
                MembershipEvent(EventKind(r.kind), r.on_date, bool(r.elsewhere), r.note) for r in rows
            )
            for uuid, rows in repo.events_by_member(conn).items()
        }
        watches: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
        for flag in repo.flag_rows(conn):
            if flag.kind == WATCH:
                watches.setdefault(flag.member_uuid, []).append((flag.start, flag.end))
        groups = {g.uuid: g.name for g in repo.group_rows(conn)}
        return cls(sorted(repo.member_rows(conn), key=lambda m: (m.name, m.uuid)), events, watches, groups)

    def on(self, day: dt.date) -> list[RosterMember]:
        key = bisect.bisect_right(self._changes, day)
        cached = self._rosters.get(key)
        if cached is not None:
            return cached
        out = []
        for m in self.members:
            standing = standing_on(self.events.get(m.uuid, ()), day, presorted=True)
            if not standing.in_branch or standing.status is None:
                continue
            on_watch = any(
                start <= day and (end is None or day <= end) for start, end in self.watches.get(m.uuid, ())
            )
            out.append(
                RosterMember(
                    m.uuid, m.name, standing.status, on_watch, m.group_uuid, m.post in _COMMITTEE, m.team
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

    def member_since(self, uuid: str) -> dt.date | None:
        """The first day of the member's current stay in the branch (admission or transfer in)."""
        entries = [
            e
            for e in self.events.get(uuid, ())
            if e.kind in (EventKind.ADMITTED, EventKind.TRANSFER_IN, EventKind.RESTORED) and not e.elsewhere
        ]
        dated = [e.on.earliest() for e in entries if e.on is not None]
        return max(dated) if dated else None
