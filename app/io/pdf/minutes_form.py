"""会议记录: one meeting per sheet, every field of rules.md §8.1, its corrections, and signature lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from app.io.pdf.entry_block import Block, block_story, block_table
from app.io.pdf.layout import PageSetup, Story, frame_width, one_per_page, para, signature_table, styles

SIGNERS = ("主持人", "记录人")


@dataclass(frozen=True)
class MinutesSheet:
    name: str  # 「2026年第3次支部委员会」, under the title
    entry: Block  # the entry as it reads now
    corrections: tuple[Block, ...] = ()


def _sheet(setup: PageSetup, sheet: MinutesSheet) -> Story:
    st = styles()
    width = frame_width(setup)
    story: Story = [
        para("会议记录", st.title),
        para(f"{setup.branch_name}　{sheet.name}", st.subtitle),
        block_table(sheet.entry, width),
    ]
    if sheet.corrections:
        story += [
            CondPageBreak(40 * mm),
            para("更正记录", st.heading),
            para("以上为更正后的内容。原记载与更正如下，按更正先后排列。", st.small),
            Spacer(0, 1.5 * mm),
            *block_story(sheet.corrections, width),
        ]
    story += [Spacer(0, 6 * mm), KeepTogether([signature_table(SIGNERS, width)])]
    return story


def layout_minutes(setup: PageSetup, sheets: Sequence[MinutesSheet]) -> tuple[PageSetup, Story]:
    """Each meeting starts on a new page."""
    return setup, one_per_page(sheets, lambda sheet: _sheet(setup, sheet))
