"""One record-book entry on paper: a ruled label/value table, as 会议记录 and the 工作记录本 print it.

The caller hands over plain text (labels and values); this module only lays it out. Long values (minutes,
agenda, summary) go one chunk per row with no rules between the chunks, so they flow over pages like a
paragraph, and the entry's heading row repeats at the top of every page the entry runs onto.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from app.io.pdf.fonts import body_font
from app.io.pdf.layout import GRID_COLOUR, HEAD_FILL, EntryMark, Story, para, styles

LABEL_WIDTH = 27 * mm
PAD = 3  # points left and right of a cell's text
CHUNK_LINES = 6  # lines of a long value per table row
CORRECTION_FILL = colors.Color(0.96, 0.9, 0.9)  # a correction's heading, as red ink would set it apart


@dataclass(frozen=True)
class Field:
    label: str
    text: str  # any length: it is set one chunk per row, so it flows over pages


@dataclass(frozen=True)
class Block:
    """An entry, or one correction of an entry, as printed."""

    heading: str
    fields: tuple[Field, ...]
    journal_hash: str = ""  # listed in the footer of every page the block is on
    correction: bool = False


@cache
def _heading_style() -> ParagraphStyle:
    cell = styles().cell
    return ParagraphStyle("block_heading", parent=cell, fontSize=10.5, leading=14)


def _line_texts(paragraph: Paragraph) -> list[tuple[str, bool]]:
    """(text, ends with a hard line break) of each line of a wrapped CJK paragraph."""
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:  # one plain run of text: (extra space, [text]) per line
        return [("".join(words), False) for _, words in lines]
    return [("".join(w.text for w in line.words), bool(getattr(line, "lineBreak", False))) for line in lines]


def flowing(text: str, width: float, style: ParagraphStyle) -> list[Paragraph]:
    """The text as paragraphs of at most `CHUNK_LINES` lines each, cut where reportlab breaks the lines,
    so that stacked in table rows (a row cannot break across pages) they read as the one text they are.

    reportlab's own Paragraph.split joins the pieces of a CJK line with spaces, so the pieces are made
    afresh from the lines' text; wrapped again at the same width they break at the same places."""
    whole = para(text, style)
    per_line = max(1, int(width // style.fontSize))  # no character is wider than 1 em
    if sum(len(line) // per_line + 1 for line in (text or "").split("\n")) < CHUNK_LINES:
        return [whole]  # surely short: spare a wrap (most values are)
    _, height = whole.wrap(width, 1e9)
    if height <= CHUNK_LINES * style.leading + 0.01:
        return [whole]
    chunks: list[str] = []
    lines = _line_texts(whole)
    for start in range(0, len(lines), CHUNK_LINES):
        piece = lines[start : start + CHUNK_LINES]
        chunks.append("".join(t + ("\n" if hard else "") for t, hard in piece[:-1]) + piece[-1][0])
    return [para(chunk, style) for chunk in chunks]


def block_table(block: Block, width: float) -> Table:
    """The block as one table: a heading row that repeats on each page, then label | value rows."""
    st = styles()
    value_width = width - LABEL_WIDTH
    heading: list[Any] = [para(block.heading, _heading_style())]
    if block.journal_hash:
        heading.append(EntryMark(block.journal_hash))
    rows: list[list[Any]] = [[heading, ""]]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), body_font()),  # else empty cells pull in unembedded Helvetica
        ("SPAN", (0, 0), (1, 0)),
        ("BACKGROUND", (0, 0), (1, 0), CORRECTION_FILL if block.correction else HEAD_FILL),
        ("BOX", (0, 0), (-1, -1), 0.8, GRID_COLOUR),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, GRID_COLOUR),
        ("LINEAFTER", (0, 1), (0, -1), 0.5, GRID_COLOUR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for field in block.fields:
        first = len(rows)
        pieces = flowing(field.text, value_width - 2 * PAD, st.cell)
        for index, piece in enumerate(pieces):
            rows.append([para(field.label, st.cell) if index == 0 else "", piece])
        last = len(rows) - 1
        if last > first:  # continuation rows sit tight against each other, like lines of one paragraph
            commands += [
                ("BOTTOMPADDING", (0, first), (-1, last - 1), 0),
                ("TOPPADDING", (0, first + 1), (-1, last), 0),
            ]
        commands.append(("LINEBELOW", (0, last), (-1, last), 0.5, GRID_COLOUR))
    table = Table(rows, colWidths=[LABEL_WIDTH, value_width], repeatRows=1, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    return table


def block_story(blocks: Sequence[Block], width: float, gap: float = 3 * mm) -> Story:
    """Blocks one after another (an entry and then its corrections), a small gap between them."""
    story: Story = []
    for block in blocks:
        if story:
            story.append(Spacer(width, gap))
        story.append(block_table(block, width))
    return story
