"""党费交至 when the branch started keeping dues here: months up to it are settled, neither arrears nor 补交."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_mod

from sqlalchemy import Connection, select

from app.domain.periods import month_code, month_of, parse_month
from app.services.errors import UserError
from app.storage import repositories as repo
from app.storage.journal import JournaledWriter
from app.storage.models import DuesOpening
from app.storage.workspace import Workspace


def openings(conn: Connection) -> dict[str, int]:
    """member uuid → the month index dues were paid through before the book began."""
    rows = conn.execute(select(DuesOpening.__table__)).all()
    return {r.member_uuid: parse_month(r.paid_through) for r in rows}


def write_opening(
    writer: JournaledWriter, member_uuid: str, paid_through: str, *, replace_existing: bool
) -> bool:
    """Record the opening 党费交至 (YYYY-MM) in the caller's transaction; True when something was written."""
    parse_month(paid_through)
    existing = writer.conn.execute(
        select(DuesOpening.__table__).where(DuesOpening.member_uuid == member_uuid)
    ).first()
    if existing is not None:
        if not replace_existing or existing.paid_through == paid_through:
            return False
        writer.update("dues_opening", existing.uuid, {"paid_through": paid_through})
        return True
    writer.insert(
        "dues_opening",
        [{"uuid": str(uuid_mod.uuid4()), "member_uuid": member_uuid, "paid_through": paid_through}],
    )
    return True


def set_opening(
    ws: Workspace, member_uuid: str, paid_through: str, actor: str = "书记", today: dt.date | None = None
) -> bool:
    """`dues opening MEMBER --paid-through YYYY-MM`: the position when the branch started using BranchBook."""
    today = today or dt.date.today()
    try:
        month = parse_month(paid_through)
    except ValueError:
        raise UserError(f"党费交至“{paid_through}”不是有效的年月（应写成 2025-06）") from None
    if month > month_of(today) + 12:
        raise UserError(f"党费交至 {paid_through} 超过当前月份一年以上，请核对")
    with ws.write(actor) as writer:
        if repo.member_row(writer.conn, member_uuid) is None:
            raise UserError("找不到这名党员，可能已被删除")
        return write_opening(writer, member_uuid, month_code(month), replace_existing=True)
