"""民主评议结果汇总表: each member's grade from the period's 民主评议党员 meeting(s), totals and the 优秀 share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from app.domain.periods import chinese_date
from app.io.pdf.layout import PageSetup, Story, frame_width, grid_table, para, signature_table, styles


@dataclass(frozen=True)
class ReviewRow:
    name: str
    category: str  # 正式党员 / 预备党员
    grade: str  # 优秀 … or "" when not graded
    note: str = ""


@dataclass(frozen=True)
class ReviewSection:
    """One 民主评议党员 meeting."""

    day: dt.date
    title: str
    host: str
    rows: tuple[ReviewRow, ...]
    totals: tuple[tuple[str, int], ...]  # (等次 or 未评定 …, members), in the order to print
    full_members: int  # 正式党员 expected at the review: the base of the 优秀 share
    excellent: int
    limit: tuple[int, int]  # the 优秀 limit as numerator, denominator (rule data)
    over_limit: bool
    rule_source: str


def percent(part: int, whole: int) -> str:
    if whole == 0:
        return "—"
    share = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{share}%"


def _section(section: ReviewSection, width: float, heading: bool) -> Story:
    st = styles()
    story: Story = []
    if heading:
        story.append(para(f"评议会议：{chinese_date(section.day)}　{section.title}".rstrip(), st.heading))
    rows = [[str(i), r.name, r.category, r.grade, r.note] for i, r in enumerate(section.rows, start=1)]
    shares = [0.08, 0.2, 0.14, 0.14, 0.44]
    story.append(
        grid_table(
            [["序号", "姓名", "类别", "评定等次", "备注"]],
            rows,
            [width * s for s in shares],
            align=["C", "C", "C", "C", "L"],
            extra_style=[("TOPPADDING", (0, 1), (-1, -1), 3.5), ("BOTTOMPADDING", (0, 1), (-1, -1), 4)],
        )
    )
    story.append(Spacer(0, 4 * mm))
    labels = [label for label, _ in section.totals]
    counts = [str(n) for _, n in section.totals]
    total = str(sum(n for _, n in section.totals))
    # Columns as wide as their labels need, so 「预备党员（不评定）」 stays on one line.
    weights = [max(len(label), 4) + 2 for label in [*labels, "合计"]]
    widths = [width * w / sum(weights) for w in weights]
    totals = grid_table([[*labels, "合计"]], [[*counts, total]], widths, align=["C"] * len(widths))
    numerator, denominator = section.limit
    verdict = "超过规定比例" if section.over_limit else "未超过规定比例"
    share = (
        f"评为优秀 {section.excellent} 人，占参加评议的正式党员 {section.full_members} 人的 "
        f"{percent(section.excellent, section.full_members)}；优秀比例上限 {numerator}/{denominator}，{verdict}。"
    )
    story.append(
        KeepTogether(
            [
                para("等次统计", st.heading),
                totals,
                Spacer(0, 2 * mm),
                para(share, st.body),
                para(f"依据：{section.rule_source}", st.small),
            ]
        )
    )
    return story


def layout_review(
    setup: PageSetup, period_label: str, sections: Sequence[ReviewSection]
) -> tuple[PageSetup, Story]:
    st = styles()
    width = frame_width(setup)
    dates = "、".join(chinese_date(s.day) for s in sections)
    hosts = "、".join(dict.fromkeys(s.host for s in sections if s.host))
    story: Story = [
        para("民主评议结果汇总表", st.title),
        para(f"{setup.branch_name}　{period_label}", st.subtitle),
        para(f"评议会议日期：{dates}" + (f"　　主持人：{hosts}" if hosts else ""), st.body),
        Spacer(0, 2 * mm),
    ]
    for section in sections:
        story += _section(section, width, heading=len(sections) > 1)
    story += [
        Spacer(0, 6 * mm),
        KeepTogether(
            [signature_table(["支部书记"], width), Spacer(0, 4 * mm), para("党支部（盖章）", st.body)]
        ),
    ]
    return setup, story
