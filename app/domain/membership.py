"""A member's dated membership events, the timeline they make, and which new events are possible.

Events keep the dates secretaries know; an unknown 转正 date is presumed (入党 + 预备期 + any extension), so a
正式党员 whose 转正日期 is 不详 votes from that day at the latest and is never a member before joining.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.partial_date import PartialDate


class Status(StrEnum):
    PROBATIONARY = "probationary"
    FULL = "full"


STATUS_LABELS = {Status.PROBATIONARY: "预备党员", Status.FULL: "正式党员"}


class EventKind(StrEnum):
    # Same-day events apply in this order.
    ADMITTED = "admitted"  # 支部大会 passed as probationary member
    FULL = "full"
    EXTENDED = "extended"  # 延长预备期
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    SUSPENDED = "suspended"  # 停止党籍
    RESTORED = "restored"  # 恢复党籍
    DISQUALIFIED = "disqualified"  # 取消预备党员资格
    LEFT = "left"  # 出党、退党、除名
    DIED = "died"
    LOST_CONTACT = "lost_contact"  # 失联: still a member, recorded so it can be followed up
    CONTACT_RESTORED = "contact_restored"


EVENT_LABELS = {
    EventKind.ADMITTED: "入党（接收为预备党员）",
    EventKind.FULL: "转为正式党员",
    EventKind.EXTENDED: "延长预备期",
    EventKind.TRANSFER_IN: "组织关系转入",
    EventKind.TRANSFER_OUT: "组织关系转出",
    EventKind.SUSPENDED: "停止党籍",
    EventKind.RESTORED: "恢复党籍",
    EventKind.DISQUALIFIED: "取消预备党员资格",
    EventKind.LEFT: "出党（除名）",
    EventKind.DIED: "去世",
    EventKind.LOST_CONTACT: "失去联系",
    EventKind.CONTACT_RESTORED: "恢复联系",
}

FULL_ON_UNKNOWN = "不详"

_ORDER = {kind: index for index, kind in enumerate(EventKind)}
_ENTRIES = {EventKind.TRANSFER_IN, EventKind.RESTORED}
_EXITS = {
    EventKind.TRANSFER_OUT,
    EventKind.SUSPENDED,
    EventKind.DISQUALIFIED,
    EventKind.LEFT,
    EventKind.DIED,
}


@dataclass(frozen=True)
class MembershipEvent:
    kind: EventKind
    on: PartialDate | None  # None = date unknown (不详)
    elsewhere: bool = False  # admitted or made full by another branch, before a transfer in
    note: str = ""
    months: int | None = None  # 延长预备期: how long


@dataclass(frozen=True)
class DatedEvent:
    """An event on the day the timeline puts it; `presumed` when the record does not give the day."""

    event: MembershipEvent
    day: dt.date
    presumed: bool = False

    @property
    def kind(self) -> EventKind:
        return self.event.kind


@dataclass(frozen=True)
class Standing:
    """A member's place in the branch on one day."""

    in_branch: bool
    status: Status | None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def first_event(events: Iterable[MembershipEvent], kind: EventKind) -> MembershipEvent | None:
    matching = [e for e in events if e.kind is kind]
    dated = [e for e in matching if e.on is not None]
    if dated:
        return min(dated, key=lambda e: e.on.earliest() if e.on else dt.date.min)
    return matching[0] if matching else None


def probation_end(events: Iterable[MembershipEvent], probation_years: int) -> dt.date | None:
    """The last day a probationary member can stay one: 入党 + 预备期 + extensions. None if 入党 is unknown."""
    events = tuple(events)
    admitted = first_event(events, EventKind.ADMITTED)
    if admitted is None or admitted.on is None:
        return None
    end = add_years(admitted.on.earliest(), probation_years)
    for event in events:
        if event.kind is EventKind.EXTENDED and event.months:
            end = add_months(end, event.months)
    return end


def timeline(events: Iterable[MembershipEvent], probation_years: int) -> tuple[DatedEvent, ...]:
    """Events in the order they happened. An undated 入党 is before our records begin; an undated 转正 is presumed
    at the end of the 预备期 (never before 入党); other undated events follow the dated ones they cannot precede."""
    events = tuple(events)
    end = probation_end(events, probation_years)
    admitted = first_event(events, EventKind.ADMITTED)
    joined = admitted.on.earliest() if admitted and admitted.on else dt.date.min
    out = []
    for event in events:
        if event.on is not None:
            out.append(DatedEvent(event, event.on.earliest()))
        elif event.kind is EventKind.FULL:
            out.append(DatedEvent(event, end if end is not None else joined, presumed=True))
        else:
            out.append(DatedEvent(event, joined, presumed=True))
    return tuple(sorted(out, key=lambda d: (d.day, _ORDER[d.kind])))


def standing_on(dated: Sequence[DatedEvent], day: dt.date) -> Standing:
    """Replay a timeline up to and including `day`."""
    in_branch = False
    status: Status | None = None
    for item in dated:
        if item.day > day:
            break
        kind, elsewhere = item.kind, item.event.elsewhere
        if kind is EventKind.ADMITTED:
            status = Status.PROBATIONARY
            in_branch = in_branch or not elsewhere
        elif kind is EventKind.FULL:
            status = Status.FULL
            in_branch = in_branch or not elsewhere
        elif kind in _ENTRIES:
            in_branch = True
        elif kind in _EXITS:
            in_branch = False
    return Standing(in_branch and status is not None, status if in_branch else None)


def current_stay_start(dated: Sequence[DatedEvent], day: dt.date) -> dt.date | None:
    """The first day of the stay in the branch that includes `day` (None if not in the branch that day)."""
    start = None
    for index, item in enumerate(dated):
        if item.day > day:
            break
        before = standing_on(dated[:index], item.day).in_branch if index else False
        after = standing_on(dated[: index + 1], item.day).in_branch
        if after and not before:
            start = item.day
        elif before and not after:
            start = None
    return start if standing_on(dated, day).in_branch else None


@dataclass(frozen=True)
class ExtensionLimits:
    """延长预备期: how short, how long and how often (党章 第七条), from the rule files."""

    min_months: int = 6
    max_months: int = 12
    times: int = 1
    source: str = ""


def refusal_of_new_event(
    events: Sequence[MembershipEvent],
    new: MembershipEvent,
    probation_years: int,
    limits: ExtensionLimits,
    today: dt.date,
) -> str | None:
    """Why `new` cannot be added to this member's events, in words a secretary reads; None when it can."""
    if new.on is None:
        return "变动日期不能为空"
    day = new.on.earliest()
    if day > today:
        return "变动日期不能晚于今天"
    dated = timeline(events, probation_years)
    admitted = first_event(events, EventKind.ADMITTED)
    if admitted is not None and admitted.on is not None and day < admitted.on.earliest():
        return f"变动日期 {new.on.display()} 早于入党日期 {admitted.on.display()}"
    entries = [d for d in dated if d.kind in (EventKind.ADMITTED, EventKind.TRANSFER_IN) and not d.presumed]
    came = min((d.day for d in entries if not d.event.elsewhere), default=None)
    if came is not None and day < came and new.kind is not EventKind.TRANSFER_IN:
        return f"变动日期早于进入本支部的日期 {came:%Y-%m-%d}"
    standing = standing_on(dated, day)
    later = [d for d in dated if d.day > day and d.kind in _EXITS | _ENTRIES]
    if later and new.kind in _EXITS | _ENTRIES:
        return f"该党员在 {later[0].day:%Y-%m-%d} 已有“{EVENT_LABELS[later[0].kind]}”，请按时间顺序登记"
    kind = new.kind
    if kind is EventKind.RESTORED:
        last_exit = [d for d in dated if d.day <= day and d.kind in _EXITS | _ENTRIES]
        if not last_exit or last_exit[-1].kind is not EventKind.SUSPENDED:
            return "没有停止党籍的记录，不能恢复党籍"
    elif kind is EventKind.EXTENDED:
        if standing.status is not Status.PROBATIONARY:
            return "只有预备党员才能延长预备期"
        done = sum(1 for e in events if e.kind is EventKind.EXTENDED)
        if done >= limits.times:
            return f"预备期只能延长{limits.times}次，该党员已延长过"
        if new.months is None or not limits.min_months <= new.months <= limits.max_months:
            return f"延长预备期应为{limits.min_months}至{limits.max_months}个月（{limits.source}）"
    elif kind is EventKind.FULL:
        if standing.status is not Status.PROBATIONARY:
            return "只有预备党员才能转为正式党员"
    elif kind is EventKind.DISQUALIFIED:
        if standing.status is not Status.PROBATIONARY:
            return "只有预备党员才能取消预备党员资格"
    elif kind is EventKind.TRANSFER_IN:
        if standing.in_branch:
            return "该党员当日已在本支部，无需登记转入"
    elif kind in _EXITS:
        if not standing.in_branch:
            return "该党员当日不在本支部"
    elif kind is EventKind.CONTACT_RESTORED:
        lost = [
            d
            for d in dated
            if d.day <= day and d.kind in (EventKind.LOST_CONTACT, EventKind.CONTACT_RESTORED)
        ]
        if not lost or lost[-1].kind is not EventKind.LOST_CONTACT:
            return "没有失去联系的记录，不能登记恢复联系"
    elif kind is EventKind.ADMITTED:
        return "入党日期请在党员信息中填写"
    return None
