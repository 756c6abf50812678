"""Read queries over the workspace. Writes go through app.storage.journal.JournaledWriter."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Row, select

from app.storage.models import (
    Branch,
    BranchSetting,
    Correction,
    DuesAdjustment,
    DuesBase,
    DuesPayment,
    DuesRemittance,
    Entry,
    EntryTemplate,
    Member,
    MemberFlag,
    MembershipEvent,
    PartyGroup,
    PeriodLock,
)


def branch_row(conn: Connection) -> Row[Any] | None:
    return conn.execute(select(Branch.__table__)).first()


def group_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(PartyGroup.__table__).order_by(PartyGroup.name)))


def member_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(Member.__table__)))


def member_row(conn: Connection, uuid: str) -> Row[Any] | None:
    return conn.execute(select(Member.__table__).where(Member.uuid == uuid)).first()


def member_uuid_by_id_number(conn: Connection) -> dict[str, str]:
    return dict(
        conn.execute(select(Member.id_number, Member.uuid).where(Member.id_number.is_not(None))).all()
    )


def events_by_member(conn: Connection, member_uuid: str | None = None) -> dict[str, list[Row[Any]]]:
    query = select(MembershipEvent.__table__)
    if member_uuid is not None:
        query = query.where(MembershipEvent.member_uuid == member_uuid)
    grouped: dict[str, list[Row[Any]]] = defaultdict(list)
    for row in conn.execute(query):
        grouped[row.member_uuid].append(row)
    return grouped


def entry_row(conn: Connection, uuid: str) -> Row[Any] | None:
    return conn.execute(select(Entry.__table__).where(Entry.uuid == uuid)).first()


def entry_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(Entry.__table__).order_by(Entry.date, Entry.start, Entry.uuid)))


def correction_rows(conn: Connection) -> dict[str, list[Row[Any]]]:
    grouped: dict[str, list[Row[Any]]] = defaultdict(list)
    for row in conn.execute(select(Correction.__table__).order_by(Correction.made_on)):
        grouped[row.entry_uuid].append(row)
    return grouped


def flag_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(MemberFlag.__table__)))


def period_lock_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(PeriodLock.__table__)))


def template_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(EntryTemplate.__table__)))


def setting_rows(conn: Connection) -> dict[str, Row[Any]]:
    return {r.key: r for r in conn.execute(select(BranchSetting.__table__))}


def dues_base_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(DuesBase.__table__)))


def dues_adjustment_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(DuesAdjustment.__table__)))


def dues_payment_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(DuesPayment.__table__).order_by(DuesPayment.paid_on)))


def dues_remittance_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(DuesRemittance.__table__).order_by(DuesRemittance.remitted_on)))
