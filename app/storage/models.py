"""The workspace schema. Every branch record has a text UUID primary key that never changes.

Columns hold plain text and integers (see types.py), so a raw row read with sqlite3 is
exactly the state the journal records; that is what lets `journal verify` find edits made
behind the application's back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.domain.partial_date import PartialDate
from app.storage.types import Flag, IsoDate, Money, PartialDateText

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class WorkspaceMeta(Base):
    """Facts about the workspace file itself (kind, creation). Not branch data; not journaled."""

    __tablename__ = "workspace_meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Branch(Base):
    __tablename__ = "branch"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(40))
    org_class: Mapped[int | None] = mapped_column(Integer)
    higher_committee: Mapped[str] = mapped_column(Text, default="")
    is_village: Mapped[bool] = mapped_column(Flag, default=False)
    term_start: Mapped[dt.date | None] = mapped_column(IsoDate)
    term_years: Mapped[int | None] = mapped_column(Integer)
    started_on: Mapped[dt.date | None] = mapped_column(IsoDate)  # first day the book is kept here


class PartyGroup(Base):
    __tablename__ = "party_group"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    # The leader is not stored here: it is the group's member whose post is 党小组长.
    note: Mapped[str] = mapped_column(Text, default="")


class Member(Base):
    __tablename__ = "member"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    gender: Mapped[str] = mapped_column(String(2), default="")
    ethnicity: Mapped[str] = mapped_column(Text, default="")
    birth_date: Mapped[PartialDate | None] = mapped_column(PartialDateText)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    education: Mapped[str] = mapped_column(Text, default="")
    native_place: Mapped[str] = mapped_column(Text, default="")
    work_start: Mapped[PartialDate | None] = mapped_column(PartialDateText)
    job: Mapped[str] = mapped_column(Text, default="")
    post: Mapped[str | None] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(Text, default="")
    group_uuid: Mapped[str | None] = mapped_column(ForeignKey("party_group.uuid"))
    team: Mapped[str] = mapped_column(Text, default="")
    is_mobile: Mapped[bool] = mapped_column(Flag, default=False)
    mobile_to: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class MembershipEvent(Base):
    __tablename__ = "membership_event"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_uuid: Mapped[str] = mapped_column(ForeignKey("member.uuid"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[PartialDate | None] = mapped_column(PartialDateText)
    elsewhere: Mapped[bool] = mapped_column(Flag, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    months: Mapped[int | None] = mapped_column(Integer)  # 延长预备期


class Entry(Base):
    """A record-book entry. Its lists (absences, resolutions, grades …) are canonical JSON text, so the
    whole entry is one journaled row and travels as one object in packages."""

    __tablename__ = "entry"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(IsoDate, index=True)
    start: Mapped[str | None] = mapped_column(String(5))
    end: Mapped[str | None] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(Text, default="")
    host: Mapped[str] = mapped_column(Text, default="")
    recorder: Mapped[str] = mapped_column(Text, default="")
    group_uuid: Mapped[str | None] = mapped_column(ForeignKey("party_group.uuid"))
    makeup_of: Mapped[str | None] = mapped_column(ForeignKey("entry.uuid"))
    topics: Mapped[str] = mapped_column(Text, default="[]")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    absences: Mapped[str] = mapped_column(Text, default="[]")
    nonvoting: Mapped[str] = mapped_column(Text, default="[]")
    resolutions: Mapped[str] = mapped_column(Text, default="[]")
    grades: Mapped[str] = mapped_column(Text, default="{}")
    participants: Mapped[str] = mapped_column(Text, default="[]")
    # Who was expected, and who could vote, fixed when the entry was saved (canonical JSON); NULL = not yet.
    expected: Mapped[str | None] = mapped_column(Text)


class Correction(Base):
    """更正: a later, reasoned change to an entry of a locked period. The entry row is never rewritten;
    its effective content is the `after` of its latest correction."""

    __tablename__ = "correction"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    entry_uuid: Mapped[str] = mapped_column(ForeignKey("entry.uuid"), index=True)
    made_on: Mapped[dt.date] = mapped_column(IsoDate)
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)


class MemberFlag(Base):
    """A dated flag on a member; kind 'watch' = 留党察看 (no vote while it lasts)."""

    __tablename__ = "member_flag"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_uuid: Mapped[str] = mapped_column(ForeignKey("member.uuid"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[dt.date] = mapped_column(IsoDate)
    end: Mapped[dt.date | None] = mapped_column(IsoDate)
    note: Mapped[str] = mapped_column(Text, default="")


class PeriodLock(Base):
    """A period submitted in a package or archived at year end; its entries are read-only."""

    __tablename__ = "period_lock"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)
    state: Mapped[str] = mapped_column(String(12))
    locked_on: Mapped[dt.date] = mapped_column(IsoDate)


class EntryTemplate(Base):
    """The branch's own agenda and minutes skeleton for an entry type."""

    __tablename__ = "entry_template"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    entry_type: Mapped[str] = mapped_column(String(20), unique=True)
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")


class BranchSetting(Base):
    """Branch options, e.g. a local rule turned on."""

    __tablename__ = "branch_setting"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    value: Mapped[str] = mapped_column(Text)


class DuesBase(Base):
    """The inputs of a member's dues base, in force from a month (YYYY-MM). Salaries stay in the workspace."""

    __tablename__ = "dues_base"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_uuid: Mapped[str] = mapped_column(ForeignKey("member.uuid"), index=True)
    effective_month: Mapped[str] = mapped_column(String(7))
    category: Mapped[str] = mapped_column(String(20))
    gross: Mapped[Decimal | None] = mapped_column(Money)
    income_tax: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    social: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    fixed: Mapped[Decimal | None] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")


class DuesAdjustment(Base):
    """减免: a hardship reduction or exemption approved by the higher committee."""

    __tablename__ = "dues_adjustment"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_uuid: Mapped[str] = mapped_column(ForeignKey("member.uuid"), index=True)
    start_month: Mapped[str] = mapped_column(String(7))
    end_month: Mapped[str | None] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    approval: Mapped[str] = mapped_column(Text)


class DuesPayment(Base):
    __tablename__ = "dues_payment"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_uuid: Mapped[str] = mapped_column(ForeignKey("member.uuid"), index=True)
    paid_on: Mapped[dt.date] = mapped_column(IsoDate)
    months: Mapped[str] = mapped_column(Text, default="[]")  # canonical JSON list of YYYY-MM
    amount: Mapped[Decimal] = mapped_column(Money)
    kind: Mapped[str] = mapped_column(String(10), default="regular")
    receipt: Mapped[str] = mapped_column(Text, default="")
    collector: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(Text, default="现金")
    note: Mapped[str] = mapped_column(Text, default="")


class DuesOpening(Base):
    """党费交至 when the branch started keeping dues here: earlier months are neither arrears nor 补交."""

    __tablename__ = "dues_opening"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_uuid: Mapped[str] = mapped_column(ForeignKey("member.uuid"), unique=True)
    paid_through: Mapped[str] = mapped_column(String(7))  # YYYY-MM


class DuesRemittance(Base):
    """上缴: dues passed up to the higher committee."""

    __tablename__ = "dues_remittance"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    remitted_on: Mapped[dt.date] = mapped_column(IsoDate)
    amount: Mapped[Decimal] = mapped_column(Money)
    period: Mapped[str] = mapped_column(String(7))
    note: Mapped[str] = mapped_column(Text, default="")


# ---- signing keys and packages (branch side) --------------------------------------------------


class SigningKey(Base):
    """The branch's package-signing key. The secret half lives encrypted in the workspace folder
    (keys/KEYID.key); here are the public half and its history, journaled."""

    __tablename__ = "signing_key"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    public_key: Mapped[str] = mapped_column(Text)
    created_on: Mapped[dt.date] = mapped_column(IsoDate)
    retired_on: Mapped[dt.date | None] = mapped_column(IsoDate)
    predecessor: Mapped[str | None] = mapped_column(String(16))
    handover: Mapped[str] = mapped_column(Text, default="")  # statement + signature by the old key


class PackageExport(Base):
    """A package the branch exported: sequence number and hash chain."""

    __tablename__ = "package_export"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    periods: Mapped[str] = mapped_column(Text)  # canonical JSON list of period codes
    created_at: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    journal_head: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(Text)
    encrypted: Mapped[bool] = mapped_column(Flag, default=False)


# ---- committee side ----------------------------------------------------------------------------


class EnrolledBranch(Base):
    __tablename__ = "enrolled_branch"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(Text)
    org_class: Mapped[int | None] = mapped_column(Integer)
    enrolled_on: Mapped[dt.date] = mapped_column(IsoDate)


class EnrolledKey(Base):
    """A branch public key pinned by the committee. state: active / revoked / replaced."""

    __tablename__ = "enrolled_key"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(40), index=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    public_key: Mapped[str] = mapped_column(Text)
    enrolled_on: Mapped[dt.date] = mapped_column(IsoDate)
    state: Mapped[str] = mapped_column(String(10), default="active")
    ended_on: Mapped[dt.date | None] = mapped_column(IsoDate)
    reason: Mapped[str] = mapped_column(Text, default="")


class ReceivedPackage(Base):
    """A package the committee imported. The file itself is kept in the workspace folder as evidence."""

    __tablename__ = "received_package"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(40))
    sequence: Mapped[int] = mapped_column(Integer)
    periods: Mapped[str] = mapped_column(Text)  # canonical JSON list of period codes
    sha256: Mapped[str] = mapped_column(String(64))
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    journal_head: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(Text)
    counts: Mapped[str] = mapped_column(Text, default="{}")

    __table_args__ = (Index("ux_received_package_branch_seq", "branch_code", "sequence", unique=True),)


class BranchRecord(Base):
    """A branch's record (entry, member, correction) as its latest package carried it. Derived from the
    signed packages kept in the folder, so not journaled row by row (the import is)."""

    __tablename__ = "branch_record"
    branch_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    day: Mapped[str | None] = mapped_column(String(10))  # entries: their date
    sha256: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)

    # The committee matches records on their UUID; one index finds a UUID under any branch.
    __table_args__ = (Index("ix_branch_record_uuid", "uuid"),)


class BranchPeriod(Base):
    """What a branch reported for one period: counts, dues and findings (derived, see BranchRecord)."""

    __tablename__ = "branch_period"
    branch_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(32))
    members: Mapped[int] = mapped_column(Integer)
    entries: Mapped[int] = mapped_column(Integer)
    dues_due: Mapped[Decimal] = mapped_column(Money)
    dues_collected: Mapped[Decimal] = mapped_column(Money)
    violations: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    findings: Mapped[str] = mapped_column(Text, default="[]")
    not_entered: Mapped[int | None] = mapped_column(Integer)  # 未录入: before the branch's started_on


class BranchMember(Base):
    """A branch's roster as of the end of the latest period it reported: the columns statistics count."""

    __tablename__ = "branch_member"
    branch_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    as_of: Mapped[str] = mapped_column(String(10))
    gender: Mapped[str] = mapped_column(String(2), default="")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    education: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(14))
    category: Mapped[str | None] = mapped_column(String(20))


# ---- year-end archive (branch side) --------------------------------------------------------------


class YearArchive(Base):
    """A year-end archive (归档) the branch wrote: the signed manifest's hash ties the row to the folder."""

    __tablename__ = "year_archive"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(32))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    journal_head: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    folder_name: Mapped[str] = mapped_column(Text)
    violations: Mapped[int] = mapped_column(Integer, default=0)  # open violations the secretary confirmed


class PeriodReopen(Base):
    """撤销归档: an archived year opened again for direct edits, with the secretary's reason."""

    __tablename__ = "period_reopen"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    reopened_on: Mapped[dt.date] = mapped_column(IsoDate)
    reason: Mapped[str] = mapped_column(Text)
    archive_uuid: Mapped[str | None] = mapped_column(ForeignKey("year_archive.uuid"))  # the archive undone


class JournalEntry(Base):
    __tablename__ = "journal"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(Text)
    entity: Mapped[str] = mapped_column(String(40))
    uuid: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(12))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_journal_entity_uuid", "entity", "uuid"),)


# The tables whose every change is journaled, by entity name.
JOURNALED = {
    "branch": Branch.__table__,
    "party_group": PartyGroup.__table__,
    "member": Member.__table__,
    "membership_event": MembershipEvent.__table__,
    "entry": Entry.__table__,
    "correction": Correction.__table__,
    "member_flag": MemberFlag.__table__,
    "period_lock": PeriodLock.__table__,
    "entry_template": EntryTemplate.__table__,
    "branch_setting": BranchSetting.__table__,
    "dues_base": DuesBase.__table__,
    "dues_adjustment": DuesAdjustment.__table__,
    "dues_payment": DuesPayment.__table__,
    "dues_remittance": DuesRemittance.__table__,
    "dues_opening": DuesOpening.__table__,
    "signing_key": SigningKey.__table__,
    "package_export": PackageExport.__table__,
    "enrolled_branch": EnrolledBranch.__table__,
    "enrolled_key": EnrolledKey.__table__,
    "received_package": ReceivedPackage.__table__,
    "year_archive": YearArchive.__table__,
    "period_reopen": PeriodReopen.__table__,
}
