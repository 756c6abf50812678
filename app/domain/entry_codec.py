"""An entry as plain JSON-ready data: the stored columns, corrections and packages all use this form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.entries import (
    Absence,
    AbsenceReason,
    EntryDraft,
    EntryType,
    Grade,
    Resolution,
    ResolutionKind,
    RosterMember,
)
from app.domain.membership import Status


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _parse_time(value: str | None) -> dt.time | None:
    return dt.datetime.strptime(value, "%H:%M").time() if value else None


def absence_to_dict(a: Absence) -> dict[str, Any]:
    return {
        "member": a.member_uuid,
        "reason": a.reason.value,
        "text": a.reason_text,
        "written_opinion": a.written_opinion,
    }


def resolution_to_dict(r: Resolution) -> dict[str, Any]:
    return {
        "text": r.text,
        "yes": r.yes,
        "no": r.no,
        "abstain": r.abstain,
        "written_yes": r.written_yes,
        "written_no": r.written_no,
        "written_abstain": r.written_abstain,
        "kind": r.kind.value,
        "candidate": r.candidate_uuid,
        "recorded": r.recorded,
    }


def entry_to_dict(d: EntryDraft) -> dict[str, Any]:
    return {
        "type": d.type.value,
        "date": d.date.isoformat(),
        "start": _time(d.start),
        "end": _time(d.end),
        "title": d.title,
        "place": d.place,
        "host": d.host,
        "recorder": d.recorder,
        "group": d.group_uuid,
        "makeup_of": d.makeup_of,
        "topics": list(d.topics),
        "agenda": d.agenda,
        "minutes": d.minutes,
        "summary": d.summary,
        "absences": [absence_to_dict(a) for a in d.absences],
        "nonvoting": list(d.nonvoting),
        "resolutions": [resolution_to_dict(r) for r in d.resolutions],
        "grades": {k: v.value for k, v in sorted(d.grades.items())},
        "participants": list(d.participants),
        "expected": [roster_member_to_dict(m) for m in d.expected] if d.expected is not None else None,
    }


def roster_member_to_dict(m: RosterMember) -> dict[str, Any]:
    return {
        "member": m.uuid,
        "name": m.name,
        "status": m.status.value,
        "on_watch": m.on_watch,
        "group": m.group_uuid,
        "committee": m.on_committee,
        "team": m.team,
    }


def roster_member_from_dict(data: dict[str, Any]) -> RosterMember:
    return RosterMember(
        data["member"],
        data["name"],
        Status(data["status"]),
        bool(data.get("on_watch")),
        data.get("group"),
        bool(data.get("committee")),
        data.get("team", ""),
    )


def entry_from_dict(data: dict[str, Any]) -> EntryDraft:
    return EntryDraft(
        type=EntryType(data["type"]),
        date=dt.date.fromisoformat(data["date"]),
        start=_parse_time(data.get("start")),
        end=_parse_time(data.get("end")),
        title=data.get("title", ""),
        place=data.get("place", ""),
        host=data.get("host", ""),
        recorder=data.get("recorder", ""),
        group_uuid=data.get("group"),
        makeup_of=data.get("makeup_of"),
        topics=tuple(data.get("topics", ())),
        agenda=data.get("agenda", ""),
        minutes=data.get("minutes", ""),
        summary=data.get("summary", ""),
        absences=tuple(
            Absence(
                a["member"], AbsenceReason(a["reason"]), a.get("text", ""), bool(a.get("written_opinion"))
            )
            for a in data.get("absences", ())
        ),
        nonvoting=tuple(data.get("nonvoting", ())),
        resolutions=tuple(
            Resolution(
                r["text"],
                r.get("yes", 0),
                r.get("no", 0),
                r.get("abstain", 0),
                r.get("written_yes", 0),
                r.get("written_no", 0),
                r.get("written_abstain", 0),
                ResolutionKind(r.get("kind", "general")),
                r.get("candidate"),
                r.get("recorded", True),
            )
            for r in data.get("resolutions", ())
        ),
        grades={k: Grade(v) for k, v in data.get("grades", {}).items()},
        participants=tuple(data.get("participants", ())),
        expected=(
            tuple(roster_member_from_dict(m) for m in data["expected"])
            if data.get("expected") is not None
            else None
        ),
    )


def entry_changes(before: EntryDraft, after: EntryDraft) -> list[str]:
    """The names of the top-level fields that differ, for showing a correction."""
    a, b = entry_to_dict(before), entry_to_dict(after)
    return [k for k in a if a[k] != b[k]]
