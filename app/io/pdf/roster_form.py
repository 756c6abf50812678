"""党员花名册: every roster column on landscape A4, headers on every page, totals by status at the end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.io.pdf.layout import PageSetup, Story, frame_width, grid_table, para, styles

# (header, width in mm, alignment); 备注 takes what is left of the line.
COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("序号", 7, "C"),
    ("姓名", 14, "C"),
    ("性别", 6, "C"),
    ("民族", 8, "C"),
    ("出生日期", 15, "C"),
    ("公民身份号码", 29, "C"),
    ("学历", 13, "C"),
    ("籍贯", 13, "L"),
    ("参加工作", 13, "C"),
    ("入党日期", 15, "C"),
    ("转正日期", 15, "C"),
    ("人员类别", 15, "C"),
    ("党费类别", 13, "C"),
    ("党内职务", 13, "C"),
    ("工作岗位", 14, "L"),
    ("联系电话", 19, "C"),
    ("党小组", 16, "C"),
    ("班组", 11, "C"),
    ("流动党员", 9, "C"),
    ("备注", 0, "L"),
)


@dataclass(frozen=True)
class RosterSheet:
    as_of_label: str  # 「2026年11月21日」
    rows: Sequence[Sequence[str]]  # one per member, in COLUMNS order without 序号
    totals: Sequence[tuple[str, int]]  # e.g. (正式党员, 40), (预备党员, 3), (合计, 43)
    notes: Sequence[str] = ()


def roster_story(setup: PageSetup, sheet: RosterSheet) -> Story:
    st = styles()
    cell = ParagraphStyle("roster_cell", parent=st.cell, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("roster_head", parent=st.head, fontSize=7.5, leading=9.5)
    width = frame_width(setup)
    fixed = sum(w for _, w, _ in COLUMNS) * mm
    widths = [w * mm if w else width - fixed for _, w, _ in COLUMNS]
    summary = "，".join(f"{label} {count} 名" for label, count in sheet.totals)
    story: Story = [
        para("党员花名册", st.title),
        para(f"{setup.branch_name}　　截至 {sheet.as_of_label}　　{summary}", st.subtitle),
    ]
    rows = [[str(i), *row] for i, row in enumerate(sheet.rows, start=1)]
    if rows:
        story.append(
            grid_table(
                [[h for h, _, _ in COLUMNS]],
                rows,
                widths,
                align=[a for _, _, a in COLUMNS],
                cell_style=cell,
                head_style=head,
            )
        )
    else:
        story.append(para("该日期没有在册党员。", st.body))
    story.append(Spacer(1, 4 * mm))
    story.append(para("合计", st.heading))
    story.append(
        grid_table(
            [[label for label, _ in sheet.totals]],
            [[str(count) for _, count in sheet.totals]],
            [28 * mm] * len(sheet.totals),
            align=["C"] * len(sheet.totals),
        )
    )
    for note in sheet.notes:
        story.append(para(note, st.small))
    return story
