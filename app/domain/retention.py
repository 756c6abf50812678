"""Which automatic backups to keep: the most recent few, then one a day, a week, a month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def backups_to_keep(
    taken: Iterable[dt.datetime],
    now: dt.datetime,
    recent: int = 10,
    daily: int = 7,
    weekly: int = 5,
    monthly: int = 12,
) -> set[dt.datetime]:
    """Keep the `recent` newest; then the newest of each of the last `daily` days,
    `weekly` ISO weeks and `monthly` months before now."""
    ordered = sorted(set(taken), reverse=True)
    keep = set(ordered[:recent])
    seen: set[tuple[str, object]] = set()
    for stamp in ordered:
        age_days = (now.date() - stamp.date()).days
        iso = stamp.isocalendar()
        for kind, limit, key in (
            ("day", daily, stamp.date()),
            ("week", weekly, (iso.year, iso.week)),
            ("month", monthly, (stamp.year, stamp.month)),
        ):
            horizon = {"day": limit, "week": limit * 7, "month": limit * 31}[kind]
            bucket = (kind, key)
            if age_days < horizon and bucket not in seen:
                seen.add(bucket)
                keep.add(stamp)
    return keep
