"""检查报告: what the rules found in a period's records, violations first, for the secretary to sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from app.domain.periods import chinese_date
from app.io.pdf.layout import (
    HEAD_FILL,
    PageSetup,
    Story,
    frame_width,
    grid_table,
    para,
    signature_table,
    styles,
)

NONE_FOUND = "未发现问题"


@dataclass(frozen=True)
class CheckLine:
    violation: bool  # 违规; else 提醒
    rule: str  # the rule's name as printed
    subject: str
    message: str
    source: str = ""  # the rule's citation, when the message does not already carry it


@dataclass(frozen=True)
class CheckReport:
    period_label: str
    start: dt.date
    end: dt.date
    checked_on: dt.date
    data_as_of: dt.datetime  # the journal head's time
    journal_head: str
    lines: tuple[CheckLine, ...]


def _explanation(line: CheckLine) -> Paragraph:
    """The message, and under it the citation in small print."""
    st = styles()
    text = escape(line.message)
    if line.source:
        text += f'<br/><font size="{st.small.fontSize}">依据：{escape(line.source)}</font>'
    return Paragraph(text, st.cell)


def _facts(report: CheckReport, width: float) -> Story:
    rows = [
        ["检查期间", f"{report.period_label}（{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}）"],
        ["检查日期", chinese_date(report.checked_on)],
        ["数据截至", f"{report.data_as_of:%Y-%m-%d %H:%M}"],
        ["日志哈希", report.journal_head],
    ]
    return [
        grid_table(
            [],
            rows,
            [width * 0.18, width * 0.82],
            align=["C", "L"],
            extra_style=[
                ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ],
        )
    ]


def layout_check(setup: PageSetup, report: CheckReport) -> tuple[PageSetup, Story]:
    st = styles()
    width = frame_width(setup)
    # Violations first, whatever order the lines came in; within each, the order given.
    lines: Sequence[CheckLine] = sorted(report.lines, key=lambda line: not line.violation)
    violations = sum(1 for line in lines if line.violation)
    story: Story = [
        para("检查报告", st.title),
        para(f"{setup.branch_name}　{report.period_label}", st.subtitle),
        *_facts(report, width),
        Spacer(0, 3 * mm),
        para(f"检查结果：违规 {violations} 项，提醒 {len(lines) - violations} 项。", st.body),
        Spacer(0, 2 * mm),
    ]
    if lines:
        rows = [
            [str(i), "违规" if line.violation else "提醒", line.rule, line.subject, _explanation(line)]
            for i, line in enumerate(lines, start=1)
        ]
        shares = [0.07, 0.09, 0.16, 0.2, 0.48]
        story.append(
            grid_table(
                [["序号", "严重程度", "规则", "对象", "说明"]],
                rows,
                [width * s for s in shares],
                align=["C", "C", "L", "L", "L"],
            )
        )
    else:
        story.append(para(f"{report.period_label}：{NONE_FOUND}。", st.body))
    story += [
        Spacer(0, 8 * mm),
        KeepTogether(
            [signature_table(["支部书记"], width), Spacer(0, 4 * mm), para("党支部（盖章）", st.body)]
        ),
    ]
    return setup, story
