"""党支部工作记录本: a cover that ties the paper to the data (journal head hash), contents by type with page
numbers, then every entry of the period as recorded, each correction after it as its own marked block."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from app.io.pdf.entry_block import Block, block_story
from app.io.pdf.layout import (
    HEAD_FILL,
    PageAnchor,
    PageNumber,
    PageSetup,
    Story,
    frame_width,
    grid_table,
    para,
    styles,
)

BOOK_TITLE = "党支部工作记录本"
EMPTY = "本期间无记录"
GROUP_FILL = colors.Color(0.95, 0.95, 0.95)


@dataclass(frozen=True)
class BookCover:
    branch_name: str
    branch_code: str
    higher_committee: str
    period_label: str  # 「2026年」
    period_dates: str  # 「2026年1月1日至2026年12月31日」
    secretary: str
    entries: int
    corrections: int
    data_date: str  # when the data was last changed
    journal_head: str  # the full hash, so paper and data can be matched


@dataclass(frozen=True)
class BookEntry:
    key: str  # unique in the book: where the contents' page number points
    number: int
    type_label: str
    date: str
    name: str
    blocks: tuple[Block, ...]  # the entry as recorded, then each correction


@cache
def _cover_styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    body = styles().body
    title = ParagraphStyle("book_title", parent=body, fontSize=30, leading=40, alignment=TA_CENTER)
    period = ParagraphStyle("book_period", parent=body, fontSize=16, leading=24, alignment=TA_CENTER)
    cell = ParagraphStyle("book_cell", parent=body, fontSize=11, leading=16)
    return title, period, cell


def _grouped_hash(digest: str) -> str:
    # four groups of 16, easier to compare by eye; whitespace does not matter when it is copied out
    return " ".join(digest[i : i + 16] for i in range(0, len(digest), 16))


def _cover(setup: PageSetup, cover: BookCover) -> Story:
    title, period, cell = _cover_styles()
    width = frame_width(setup)
    rows = [
        ("党支部名称", cover.branch_name),
        ("党支部代码", cover.branch_code or "未填"),
        ("上级党委", cover.higher_committee or "未填"),
        ("记录期间", f"{cover.period_label}（{cover.period_dates}）"),
        ("党支部书记", cover.secretary),
        ("记录条数", f"{cover.entries} 条（其中更正 {cover.corrections} 次）"),
        ("数据截至", cover.data_date),
        ("日志头哈希", _grouped_hash(cover.journal_head)),
    ]
    table = grid_table(
        [],
        rows,
        [width * 0.24, width * 0.76],
        align=["C", "L"],
        cell_style=cell,
        extra_style=[
            ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ],
    )
    note = (
        "日志头哈希是打印时全部数据的指纹：数据有任何改动，它就不同。每页页脚列出该页所载记录的日志哈希"
        "（前 16 位），可在软件中核对纸质记录与电子数据是否一致。"
    )
    return [
        Spacer(0, 45 * mm),
        para(BOOK_TITLE, title),
        Spacer(0, 6 * mm),
        para(cover.period_label, period),
        Spacer(0, 30 * mm),
        table,
        Spacer(0, 6 * mm),
        para(note, styles().small),
    ]


def _contents(setup: PageSetup, type_labels: Sequence[str], entries: Sequence[BookEntry]) -> Story:
    st = styles()
    width = frame_width(setup)
    widths = [width * s for s in (0.1, 0.2, 0.6, 0.1)]
    rows: list[list[object]] = []
    extra: list[tuple[object, ...]] = []
    for label in type_labels:
        mine = [e for e in entries if e.type_label == label]
        count = f"{len(mine)} 次" if mine else "本期间无"
        rows.append([para(f"{label}（{count}）", st.cell), "", "", ""])
        at = len(rows)  # the header row comes first
        extra += [("SPAN", (0, at), (-1, at)), ("BACKGROUND", (0, at), (-1, at), GROUP_FILL)]
        for entry in mine:
            rows.append([f"No. {entry.number}", entry.date, entry.name, PageNumber(entry.key, st.cell)])
    table = grid_table(
        [["序号", "日期", "名称", "页码"]], rows, widths, align=["C", "C", "L", "R"], extra_style=extra
    )
    return [para("目　　录", st.title), table]


def _entries(setup: PageSetup, entries: Sequence[BookEntry]) -> Story:
    width = frame_width(setup)
    story: Story = []
    for entry in entries:
        if story:
            story.append(Spacer(0, 6 * mm))
        # keep an entry's heading and first rows off the foot of a page
        story += [CondPageBreak(40 * mm), PageAnchor(entry.key), *block_story(entry.blocks, width)]
    return story


def layout_record_book(
    setup: PageSetup, cover: BookCover, type_labels: Sequence[str], entries: Sequence[BookEntry]
) -> tuple[PageSetup, Story]:
    """Cover; contents by type in the order of `type_labels`; every entry. With no entries the book is
    the cover and a page saying so: a secretary may need to file it all the same."""
    story = [*_cover(setup, cover), PageBreak()]
    if not entries:
        return setup, [*story, para(EMPTY, styles().title)]
    story += [*_contents(setup, type_labels, entries), PageBreak(), *_entries(setup, entries)]
    return setup, story
