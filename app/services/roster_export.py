"""Write the roster in our template, which `roster import` reads back unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.domain.members import CATEGORY_LABELS, STATUS_LABELS, MemberDraft, posts_text
from app.io.excel.roster_sheet import write_roster_sheet
from app.services.branch_profile import branch_name
from app.services.errors import UserError
from app.services.roster import load_roster
from app.storage.workspace import Workspace


def sheet_values(draft: MemberDraft) -> dict[str, object]:
    def date(value: object) -> str:
        return value.display() if value is not None else ""  # type: ignore[attr-defined]

    if draft.is_mobile:
        mobile = draft.mobile_to or "是"
    else:
        mobile = ""
    return {
        "name": draft.name,
        "gender": draft.gender,
        "ethnicity": draft.ethnicity,
        "birth_date": date(draft.birth_date),
        "id_number": draft.id_number,
        "education": draft.education,
        "native_place": draft.native_place,
        "work_start": date(draft.work_start),
        "joined_on": date(draft.joined_on),
        "full_on": date(draft.full_on),
        "status": STATUS_LABELS[draft.status],
        "category": CATEGORY_LABELS[draft.category] if draft.category else "",
        "post": posts_text(draft.posts),
        "job": draft.job,
        "phone": draft.phone,
        "group": draft.group,
        "team": draft.team,
        "mobile": mobile,
        "note": draft.note,
        "in_branch_from": f"{draft.in_branch_from:%Y.%m.%d}" if draft.in_branch_from else "",
    }


def export_roster(ws: Workspace, path: Path, at: dt.date | None = None) -> int:
    """Members on `at` (today) to an .xlsx file; returns how many were written."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"导出文件名应以 .xlsx 结尾：{path.name}")
    members = load_roster(ws, at)
    try:
        write_roster_sheet(path, [sheet_values(m.draft) for m in members], unit=branch_name(ws))
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    return len(members)
