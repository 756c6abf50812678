"""Data for the 党员花名册: the roster on the period's last day (or today, if that is earlier)."""

from __future__ import annotations

import datetime as dt

from app.domain.members import STATUS_LABELS, Status
from app.domain.membership import FULL_ON_UNKNOWN
from app.domain.periods import chinese_date
from app.io.pdf.roster_form import RosterSheet, roster_story
from app.services.printing import FORM_TITLES, DataStamp, Layout, PrintRequest
from app.services.roster import load_roster
from app.services.roster_export import sheet_values
from app.storage.workspace import Workspace

_KEYS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "education",
    "native_place",
    "work_start",
    "joined_on",
    "full_on",
    "status",
    "category",
    "post",
    "job",
    "phone",
    "group",
    "team",
    "mobile",
    "note",
)


def roster_date(request: PrintRequest, today: dt.date) -> dt.date:
    return min(request.period.end, today) if request.period else today


def build(ws: Workspace, request: PrintRequest, stamp: DataStamp, today: dt.date) -> Layout:
    on = roster_date(request, today)
    members = load_roster(ws, on)
    rows = []
    counts = dict.fromkeys(Status, 0)
    women = 0
    for m in members:
        values = sheet_values(m.draft)
        status = m.standing.status or m.draft.status
        values["status"] = STATUS_LABELS[status]  # the status on that day, not today's
        if not m.full_on_known:
            values["full_on"] = FULL_ON_UNKNOWN
        counts[status] += 1
        women += m.draft.gender == "女"
        rows.append([str(values[k]) for k in _KEYS])
    totals = [
        (STATUS_LABELS[Status.FULL], counts[Status.FULL]),
        (STATUS_LABELS[Status.PROBATIONARY], counts[Status.PROBATIONARY]),
        ("其中女党员", women),
        ("合计", len(members)),
    ]
    setup = stamp.setup(
        FORM_TITLES["roster"],
        landscape=True,
        header_note=f"截至 {chinese_date(on)}",
        footer_note=f"数据截至 {stamp.created.date().isoformat()}　日志哈希 {stamp.journal_head[:16]}",
    )
    sheet = RosterSheet(chinese_date(on), rows, totals)
    return setup, roster_story(setup, sheet)
