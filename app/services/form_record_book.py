"""党支部工作记录本 for a month, quarter or year: the record book as the higher committee inspects it.

Entries are printed as first recorded; each correction follows as its own block (原记载 → 更正为), so the
paper shows what was corrected, when and why, as red ink on the old paper book did.
"""

from __future__ import annotations

import datetime as dt

from app.domain.entries import ENTRY_TYPE_LABELS
from app.domain.members import Post
from app.domain.periods import Period, chinese_date
from app.io.pdf.layout import PageSetup, Story
from app.io.pdf.record_book_form import BookCover, BookEntry, layout_record_book
from app.services.branch_profile import load_profile
from app.services.form_minutes import Book, correction_block, entry_block, load_book
from app.services.printing import FORM_TITLES, DataStamp, PrintRequest, default_period
from app.services.records import RecordView
from app.storage.workspace import Workspace


def _book_entry(number: int, view: RecordView, book: Book) -> BookEntry:
    d = view.original  # printed as recorded; the corrections follow
    ordinal = book.ordinals[view.uuid]
    name = f"{d.title.strip()}（{ordinal}）" if d.title.strip() else ordinal
    when = chinese_date(d.date)
    blocks = [entry_block(view, book, f"No. {number}　{when}　{name}", as_recorded=True)]
    blocks += [
        correction_block(view, c, book, f"No. {number} 的更正（第 {i} 次，{chinese_date(c.made_on)}）")
        for i, c in enumerate(view.corrections, start=1)
    ]
    return BookEntry(f"entry:{view.uuid}", number, view.type_label, when, name, tuple(blocks))


def gather(ws: Workspace, period: Period, stamp: DataStamp) -> tuple[BookCover, list[BookEntry]]:
    """The cover and every entry of the period in date order, as plain text for the layout."""
    book = load_book(ws)
    views = sorted(
        (v for v in book.views if period.contains(v.draft.date)),
        key=lambda v: (v.draft.date, v.draft.start or dt.time.min),
    )
    entries = [_book_entry(n, v, book) for n, v in enumerate(views, start=1)]
    profile = load_profile(ws)
    secretary = next((s.name for s in profile.committee if s.post is Post.SECRETARY), "未设")
    cover = BookCover(
        branch_name=stamp.branch_name,
        branch_code=stamp.branch_code,
        higher_committee=profile.higher_committee,
        period_label=period.label(),
        period_dates=f"{chinese_date(period.start)}至{chinese_date(period.end)}",
        secretary=secretary,
        entries=len(entries),
        corrections=sum(len(v.corrections) for v in views),
        data_date=chinese_date(stamp.created.date()),
        journal_head=stamp.journal_head,
    )
    return cover, entries


def build(ws: Workspace, request: PrintRequest, stamp: DataStamp, today: dt.date) -> tuple[PageSetup, Story]:
    """The book of `request.period` (this year if none). An empty period still gives a cover."""
    period = request.period or default_period("recordbook", today)
    cover, entries = gather(ws, period, stamp)
    title = FORM_TITLES["recordbook"]
    setup = stamp.setup(
        title,
        header_note=period.label(),
        footer_note=f"数据截至 {stamp.created:%Y-%m-%d}　日志头 {stamp.journal_head[:16]}",
        marks_label="本页记录的日志哈希：",
        subject=f"{stamp.branch_name} {period.label()} {title}",
    )
    return layout_record_book(setup, cover, list(ENTRY_TYPE_LABELS.values()), entries)
