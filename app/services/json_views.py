"""Members, entries and findings as plain JSON objects: what `--json` prints and what packages carry."""

from __future__ import annotations

from typing import Any

from app.domain.members import MemberDraft, posts_text
from app.domain.partial_date import PartialDate


def _iso(value: PartialDate | None) -> str | None:
    return value.iso() if value is not None else None


def member_json(uuid: str, draft: MemberDraft) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "name": draft.name,
        "gender": draft.gender,
        "ethnicity": draft.ethnicity,
        "birth_date": _iso(draft.birth_date),
        "id_number": draft.id_number,
        "education": draft.education,
        "status": draft.status.value,
        "category": draft.category.value if draft.category else None,
        "post": posts_text(draft.posts) or None,
        "joined_on": _iso(draft.joined_on),
        "full_on": _iso(draft.full_on),
        "group": draft.group or None,
        "team": draft.team or None,
        "phone": draft.phone,
        "native_place": draft.native_place,
        "work_start": _iso(draft.work_start),
        "job": draft.job,
        "is_mobile": draft.is_mobile,
        "mobile_to": draft.mobile_to or None,
        "note": draft.note,
    }


def roster_member_json(view: Any) -> dict[str, Any]:
    """`roster list --json`: the member as entered, with their standing on the day asked about."""
    row = member_json(view.uuid, view.draft)
    row["status"] = view.standing.status.value if view.standing.status else row["status"]
    row["in_branch_from"] = view.draft.in_branch_from.isoformat() if view.draft.in_branch_from else None
    row["full_on_known"] = view.full_on_known
    row["voting"] = view.voting
    presumed = view.presumed_full_on
    row["full_on_presumed"] = presumed.isoformat() if presumed else None
    return row


def record_json(view: Any, group_names: dict[str, str]) -> dict[str, Any]:
    from app.domain.entry_codec import entry_to_dict

    d = view.draft
    facts = view.facts
    data = entry_to_dict(d)
    reasons = {a.member_uuid: a for a in d.absences}
    made, absentees = view.makeup_progress()
    data.update(
        {
            "uuid": view.uuid,
            "type_label": view.type_label,
            "group": group_names.get(d.group_uuid) if d.group_uuid else None,
            "expected": len(facts.attendance.expected),
            "roll_fixed": d.expected is not None,
            "roster_changed": getattr(view, "drift", None) is not None,
            "rule_note": facts.rule_note or None,
            "present": len(facts.attendance.present),
            "absent": len(facts.attendance.absent),
            "entitled_voters": facts.attendance.entitled_voters,
            "present_voters": facts.attendance.present_voters,
            "quorate": facts.quorum.quorate if facts.quorum else None,
            "exactly_half": facts.quorum.exactly_at_threshold if facts.quorum else None,
            "expected_members": [{"uuid": m.uuid, "name": m.name} for m in facts.attendance.expected],
            "present_members": [{"uuid": m.uuid, "name": m.name} for m in facts.attendance.present],
            "absent_members": [
                {
                    "uuid": m.uuid,
                    "name": m.name,
                    "reason": reasons[m.uuid].reason.value,
                    "text": reasons[m.uuid].reason_text,
                }
                for m in facts.attendance.absent
            ],
            "made_up": made,
            "absentees": absentees,
            "locked": view.locked,
            "corrections": [
                {"uuid": c.uuid, "made_on": c.made_on.isoformat(), "reason": c.reason, "changed": c.changed()}
                for c in view.corrections
            ],
        }
    )
    for resolution, outcome in zip(data["resolutions"], facts.outcomes, strict=False):
        resolution["passed"] = outcome.passed
        resolution["total_yes"] = outcome.yes
    for resolution in data["resolutions"]:
        resolution.setdefault("passed", None)
    return data


def finding_json(finding: Any) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "subject": finding.subject,
        "message": finding.message,
    }
