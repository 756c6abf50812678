"""会议签到表: printed before a meeting, one sheet per meeting, with an empty column for each member to sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from app.domain.periods import chinese_date
from app.io.pdf.fonts import body_font
from app.io.pdf.layout import (
    GRID_COLOUR,
    HEAD_FILL,
    PageSetup,
    Story,
    frame_width,
    grid_table,
    one_per_page,
    para,
    styles,
)

SIGN_HEADER = "签到"
# Padding above and below each member's row: with the 10.5 pt text the row is about 10.5 mm, room for a pen.
_SIGN_PADDING = 8


@dataclass(frozen=True)
class SigninRow:
    name: str
    role: str  # the member's party group, or their post in the branch (书记, 组织委员 …)
    category: str  # 正式党员 / 预备党员
    note: str = ""  # e.g. 预备党员，无表决权


@dataclass(frozen=True)
class SigninSheet:
    name: str  # 会议名称
    type_label: str
    day: dt.date
    time: str  # "" leaves the cell to be written in by hand
    place: str
    host: str
    group: str  # the party group of a 党小组会, else ""
    role_header: str  # 党小组 or 党内职务
    rows: tuple[SigninRow, ...]
    voters: int | None = None  # members with a vote, for meetings that vote


def _cell_style() -> ParagraphStyle:
    return ParagraphStyle("signin_cell", parent=styles().cell, fontSize=10.5, leading=14)


def _meeting_header(sheet: SigninSheet, width: float) -> Table:
    """The meeting's particulars as a ruled form: label cells shaded, values beside them."""
    rows: list[list[object]] = [
        ["会议名称", sheet.name, "会议类型", sheet.type_label],
        ["日　　期", chinese_date(sheet.day), "时　　间", sheet.time],
        ["地　　点", sheet.place, "主 持 人", sheet.host],
    ]
    extra: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
        ("BACKGROUND", (2, 0), (2, -1), HEAD_FILL),
    ]
    if sheet.group:
        rows.append(["党 小 组", sheet.group, "", ""])
        extra.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
    label = width * 0.13
    value = width / 2 - label
    extra += [("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]
    return grid_table(
        [],
        rows,
        [label, value, label, value],
        align=["C", "L", "C", "L"],
        extra_style=extra,
        cell_style=_cell_style(),
    )


def _member_table(sheet: SigninSheet, width: float) -> Table:
    headers = [["序号", "姓名", sheet.role_header, "类别", SIGN_HEADER, "备注"]]
    rows = [[str(i), r.name, r.role, r.category, "", r.note] for i, r in enumerate(sheet.rows, start=1)]
    shares = [0.07, 0.17, 0.14, 0.12, 0.28, 0.22]
    return grid_table(
        headers,
        rows,
        [width * s for s in shares],
        align=["C", "C", "C", "C", "C", "L"],
        extra_style=[
            ("TOPPADDING", (0, 1), (-1, -1), _SIGN_PADDING),
            ("BOTTOMPADDING", (0, 1), (-1, -1), _SIGN_PADDING),
            ("TOPPADDING", (0, 0), (-1, 0), 4),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ],
        cell_style=_cell_style(),
    )


def _blank_line(label: str, width: float, lines: int = 2) -> Table:
    """「列席人员：」 and ruled lines to write on."""
    st = styles()
    data = [[para(label, st.body), ""]] + [["", ""] for _ in range(lines - 1)]
    table = Table(data, colWidths=[width * 0.16, width * 0.84], rowHeights=[9 * mm] * lines, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), body_font()),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, 0), 0.5, GRID_COLOUR),
                ("LINEBELOW", (0, 1), (1, -1), 0.5, GRID_COLOUR),
            ]
        )
    )
    return table


def _sheet(setup: PageSetup, sheet: SigninSheet) -> list[Flowable]:
    st = styles()
    width = frame_width(setup)
    counts = f"应到 {len(sheet.rows)} 人，实到＿＿人，缺席＿＿人"
    if sheet.voters is not None:
        counts += f"（其中有表决权的党员 {sheet.voters} 人）"
    return [
        para("会议签到表", st.title),
        para(setup.branch_name, st.subtitle),
        _meeting_header(sheet, width),
        Spacer(0, 4 * mm),
        _member_table(sheet, width),
        Spacer(0, 4 * mm),
        KeepTogether([para(counts, st.body), Spacer(0, 1 * mm), _blank_line("列席人员：", width)]),
    ]


def layout_signin(setup: PageSetup, sheets: Sequence[SigninSheet]) -> tuple[PageSetup, Story]:
    """One sheet per meeting, each starting on a new page."""
    return setup, one_per_page(sheets, lambda sheet: _sheet(setup, sheet))
