"""会议签到表 and 民主评议结果汇总表, printed from a real workspace and read back from the PDF."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import Table

from app.domain.entries import Absence, AbsenceReason, EntryDraft, EntryType, Grade, excellent_over_limit
from app.domain.members import COMMITTEE_POSTS, EventKind, Status
from app.domain.partial_date import PartialDate
from app.domain.periods import Period
from app.io.pdf.layout import MARGIN
from app.io.rules import load_rulebook
from app.services.demo import create_demo_workspace
from app.services.errors import UserError
from app.services.printing import PlannedMeeting, PrintRequest, layout_form, print_form
from app.services.records import add_entry, add_watch, get_record
from app.services.roster import load_roster, record_event
from app.storage.workspace import Workspace
from tests.fixtures.branch import TODAY, Branch, build_branch
from tests.fixtures.pdf import assert_fonts_embedded, page_texts, pdf_text, squeeze

MEETING_DAY = dt.date(2026, 11, 28)


@pytest.fixture
def branch(branch_ws: Workspace) -> Branch:
    return build_branch(branch_ws)


def render(ws: Workspace, request: PrintRequest, target: Path) -> Path:
    print_form(ws, request, target, today=TODAY)
    return target


def planned(kind: EntryType, day: dt.date = MEETING_DAY, **kw: str) -> PrintRequest:
    return PrintRequest("signin", meeting=PlannedMeeting(kind, day, **kw))


def placed_text(path: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, every text run with where it starts on the page (x, y in points)."""
    pages = []
    for page in PdfReader(str(path)).pages:
        found: list[tuple[float, float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object, into: list = found) -> None:  # type: ignore[type-arg]
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                into.append((x, y, text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def member_table(ws: Workspace, request: PrintRequest) -> Table:
    """The laid-out table of members, as the PDF draws it."""
    _, story = layout_form(ws, request, TODAY)
    tables = [f for f in story if isinstance(f, Table) and "签到" in cell_texts(f)[0]]
    assert len(tables) == 1
    return tables[0]


def cell_texts(table: Table) -> list[list[str]]:
    return [[cell.getPlainText() for cell in row] for row in table._cellvalues]


def column_span(table: Table, header: str) -> tuple[float, float]:
    """Left and right x of a column on the page (the table fills the frame from the left margin)."""
    widths = table._colWidths
    index = cell_texts(table)[0].index(header)
    left = MARGIN + sum(widths[:index])
    return left, left + widths[index]


def names_listed(ws: Workspace, request: PrintRequest) -> list[str]:
    rows = cell_texts(member_table(ws, request))
    return [row[1] for row in rows[1:]]


# ---- 会议签到表 -------------------------------------------------------------------------------


def test_committee_sheet_lists_the_committee_on_that_day_and_no_one_else(
    branch: Branch, tmp_path: Path
) -> None:
    record_event(branch.ws, branch.ids["宣传丙"], EventKind.TRANSFER_OUT, PartialDate(2026, 6, 15))
    committee_on = {
        day: {m.name for m in load_roster(branch.ws, day) if m.draft.post in COMMITTEE_POSTS}
        for day in (dt.date(2026, 6, 1), dt.date(2026, 7, 1))
    }
    assert "宣传丙" in committee_on[dt.date(2026, 6, 1)] and "宣传丙" not in committee_on[dt.date(2026, 7, 1)]
    for day, members in committee_on.items():
        pdf = render(branch.ws, planned(EntryType.BRANCH_COMMITTEE, day), tmp_path / f"{day}.pdf")
        text = squeeze(pdf_text(pdf))
        others = set(branch.ids) - members
        assert all(name in text for name in members)
        assert not [name for name in others if name in text]
        assert f"应到{len(members)}人，实到＿＿人，缺席＿＿人" in text
        assert "党内职务" in text and "书记" in text
        assert sorted(names_listed(branch.ws, planned(EntryType.BRANCH_COMMITTEE, day))) == sorted(members)


def test_group_sheet_lists_the_groups_members(branch: Branch, tmp_path: Path) -> None:
    group = "二组"
    members = {m.name for m in load_roster(branch.ws, MEETING_DAY) if m.draft.group == group}
    request = planned(EntryType.GROUP_MEETING, group=group, title="二组十一月党小组会", place="班组活动室")
    pdf = render(branch.ws, request, tmp_path / "group.pdf")
    text = squeeze(pdf_text(pdf))
    assert sorted(names_listed(branch.ws, request)) == sorted(members)
    assert not [n for n in set(branch.ids) - members if n in text]
    assert "党小组二组" in text and "二组十一月党小组会" in text and "班组活动室" in text
    assert f"应到{len(members)}人" in text


def test_congress_sheet_lists_everyone_and_marks_who_has_no_vote(branch: Branch, tmp_path: Path) -> None:
    add_watch(branch.ws, branch.ids["党员戊"], dt.date(2026, 10, 1), dt.date(2027, 3, 31))
    roster = load_roster(branch.ws, MEETING_DAY)
    request = planned(
        EntryType.PARTY_CONGRESS, title="第四季度党员大会", place="三楼会议室", start="19:00", host="书记甲"
    )
    pdf = render(branch.ws, request, tmp_path / "congress.pdf")
    text = squeeze(pdf_text(pdf))
    assert sorted(names_listed(branch.ws, request)) == sorted(m.name for m in roster)
    groups = {m.name: m.draft.group for m in roster}
    # each row reads 序号 姓名 党小组 类别 备注, nothing between 类别 and 备注: the 签到 cell is empty
    assert f"预备壬{groups['预备壬']}预备党员预备党员，无表决权" in text
    assert f"党员戊{groups['党员戊']}正式党员留党察看，无表决权" in text
    voters = sum(1 for m in roster if m.draft.status is Status.FULL) - 1  # less the member under 留党察看
    assert f"应到{len(roster)}人，实到＿＿人，缺席＿＿人（其中有表决权的党员{voters}人）" in text
    assert "2026年11月28日" in text and "19:00" in text and "三楼会议室" in text and "列席人员" in text


def test_sign_column_is_empty_in_the_table_and_on_the_page(branch: Branch, tmp_path: Path) -> None:
    request = planned(EntryType.PARTY_CONGRESS, host="书记甲")
    table = member_table(branch.ws, request)
    rows = cell_texts(table)
    sign = rows[0].index("签到")
    assert [row[sign] for row in rows[1:]] == [""] * (len(rows) - 1)
    pdf = render(branch.ws, request, tmp_path / "sign.pdf")
    (page,) = placed_text(pdf)
    sign_left, sign_right = column_span(table, "签到")
    name_left, name_right = column_span(table, "姓名")
    head_y = next(y for _, y, t in page if t == "签到")
    end_y = next(y for _, y, t in page if t.startswith("应到"))
    body = [(x, t) for x, y, t in page if end_y < y < head_y]
    names = {row[1] for row in rows[1:]}
    assert {t for x, t in body if name_left <= x < name_right} == names  # the reading sees the names …
    assert [t for x, t in body if sign_left <= x < sign_right] == []  # … and nothing where members sign


def test_sheet_reprinted_from_an_entry_lists_who_the_record_book_expects(
    branch: Branch, tmp_path: Path
) -> None:
    uuid = add_entry(
        branch.ws,
        EntryDraft(
            EntryType.GROUP_MEETING,
            dt.date(2026, 3, 12),
            dt.time(14, 30),
            dt.time(16, 0),
            "一组活动室",
            "组织乙",
            group_uuid=branch.groups["一组"],
            absences=(Absence(branch.ids["党员丁"], AbsenceReason.SHIFT),),
        ),
        today=TODAY,
    )
    expected = [m.name for m in get_record(branch.ws, uuid).facts.attendance.expected]
    request = PrintRequest("signin", entry_uuid=uuid)
    assert sorted(names_listed(branch.ws, request)) == sorted(expected)  # the absent member is still listed
    text = squeeze(pdf_text(render(branch.ws, request, tmp_path / "entry.pdf")))
    assert "2026年3月12日" in text and "14:30–16:00" in text and "一组活动室" in text and "组织乙" in text
    assert f"应到{len(expected)}人" in text and "党小组一组" in text


def test_period_prints_one_sheet_per_meeting_each_on_its_own_page(branch: Branch, tmp_path: Path) -> None:
    add_entry(branch.ws, EntryDraft(EntryType.BRANCH_COMMITTEE, dt.date(2026, 2, 3)), today=TODAY)
    add_entry(branch.ws, EntryDraft(EntryType.PARTY_CONGRESS, dt.date(2026, 3, 5)), today=TODAY)
    add_entry(
        branch.ws,
        EntryDraft(
            EntryType.HEART_TALK,
            dt.date(2026, 3, 6),
            participants=(branch.ids["书记甲"], branch.ids["党员丁"]),
        ),
        today=TODAY,
    )
    add_entry(branch.ws, EntryDraft(EntryType.PARTY_CONGRESS, dt.date(2026, 4, 5)), today=TODAY)
    pdf = render(branch.ws, PrintRequest("signin", period=Period.parse("2026Q1")), tmp_path / "q1.pdf")
    pages = [squeeze(t) for t in page_texts(pdf)]
    assert len(pages) == 2  # the heart talk is not a meeting, April is outside the quarter
    assert "2026年2月3日" in pages[0] and "支部委员会" in pages[0] and "应到3人" in pages[0]
    assert (
        "2026年3月5日" in pages[1] and "支部党员大会" in pages[1] and f"应到{len(branch.ids)}人" in pages[1]
    )
    with pytest.raises(UserError, match="没有会议记录"):
        layout_form(branch.ws, PrintRequest("signin", period=Period.parse("2025")), TODAY)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (planned(EntryType.GROUP_MEETING, group="三组"), "没有名为“三组”的党小组"),
        (planned(EntryType.GROUP_MEETING), "须指明是哪个党小组"),
        (planned(EntryType.PARTY_CONGRESS, dt.date(1999, 6, 1)), "1999-06-01 的支部党员大会没有应到会的党员"),
        (PrintRequest("signin"), "请指定要签到的会议"),
        (PrintRequest("signin", entry_uuid="no-such-entry"), "找不到这条记录"),
    ],
)
def test_bad_sign_in_requests_are_refused_in_plain_words(
    branch: Branch, request_: PrintRequest, message: str, tmp_path: Path
) -> None:
    target = tmp_path / "x.pdf"
    with pytest.raises(UserError, match=message):
        print_form(branch.ws, request_, target, today=TODAY)
    assert not target.exists()


def test_300_members_run_over_pages_with_the_header_row_on_each(tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path / "big.branchbook", members=300, today=TODAY)
    try:
        roster = load_roster(ws, MEETING_DAY)
        pdf = render(ws, planned(EntryType.PARTY_CONGRESS, title="年度党员大会"), tmp_path / "big.pdf")
        assert_fonts_embedded(pdf)
        pages = page_texts(pdf)
        assert len(pages) > 5
        for number, page in enumerate(pages, start=1):
            flat = squeeze(page)
            assert "序号姓名党小组类别签到备注" in flat, number
            assert f"第 {number} 页 共 {len(pages)} 页" in page
        text = squeeze("".join(pages))
        assert len(roster) == 300 and all(m.name in text for m in roster)
        rare = [m.name for m in roster if "𠮷" in m.name]
        assert rare and all(name in text for name in rare)  # the rare character copies out as itself
        assert "应到300人" in text
    finally:
        ws.close()


def test_sign_in_sheet_is_deterministic_and_embeds_its_font(branch: Branch, tmp_path: Path) -> None:
    request = planned(EntryType.PARTY_CONGRESS)
    first = render(branch.ws, request, tmp_path / "a.pdf")
    second = render(branch.ws, request, tmp_path / "b.pdf")
    assert first.read_bytes() == second.read_bytes()
    assert_fonts_embedded(first)


# ---- 民主评议结果汇总表 -------------------------------------------------------------------------


def review(b: Branch, day: dt.date, grades: dict[str, Grade], **kw: object) -> str:
    return add_entry(
        b.ws,
        EntryDraft(
            EntryType.MEMBER_REVIEW,
            day,
            host="书记甲",
            recorder="组织乙",
            topics=("民主评议党员",),
            grades={b.ids[n]: g for n, g in grades.items()},
            **kw,  # type: ignore[arg-type]
        ),
        today=TODAY,
    )


GRADES = {
    "书记甲": Grade.EXCELLENT,
    "组织乙": Grade.QUALIFIED,
    "宣传丙": Grade.QUALIFIED,
    "党员丁": Grade.BASIC,
    "党员戊": Grade.UNQUALIFIED,
    "党员己": Grade.EXCELLENT,
    "党员庚": Grade.QUALIFIED,
}  # 党员辛 not graded; 预备壬 is probationary


def test_review_summary_prints_each_grade_the_totals_and_the_excellent_share(
    branch: Branch, tmp_path: Path
) -> None:
    review(
        branch, dt.date(2026, 11, 10), GRADES, absences=(Absence(branch.ids["党员辛"], AbsenceReason.TRIP),)
    )
    review(branch, dt.date(2025, 11, 10), {"书记甲": Grade.UNQUALIFIED})  # another year: not in this form
    pdf = render(branch.ws, PrintRequest("review"), tmp_path / "review.pdf")  # default: this year
    assert_fonts_embedded(pdf)
    text = squeeze(pdf_text(pdf))
    assert "民主评议结果汇总表" in text and "2026年11月10日" in text and "2025年11月10日" not in text
    for name, grade in GRADES.items():
        assert f"{name}正式党员{grade.value}" in text
    assert "党员辛正式党员未评定" in text
    assert "预备壬预备党员—预备党员，不评定等次" in text
    counts = Counter(g.value for g in GRADES.values())
    roster = load_roster(branch.ws, dt.date(2026, 11, 10))
    full = sum(1 for m in roster if m.draft.status is Status.FULL)
    probationary = sum(1 for m in roster if m.draft.status is Status.PROBATIONARY)
    totals = [counts[g.value] for g in Grade] + [full - len(GRADES), probationary, len(roster)]
    assert "优秀合格基本合格不合格未评定预备党员（不评定）合计" + "".join(map(str, totals)) in text
    share = (Decimal(counts["优秀"]) * 100 / full).quantize(Decimal("0.1"))
    assert f"评为优秀{counts['优秀']}人，占参加评议的正式党员{full}人的{share}%" in text
    rule = load_rulebook().in_force("review_excellent_limit", dt.date(2026, 11, 10))
    assert f"优秀比例上限{rule['numerator']}/{rule['denominator']}，未超过规定比例" in text
    assert squeeze(rule.source) in text
    assert "支部书记（签字）" in text


def test_review_over_the_excellent_limit_says_so(branch: Branch, tmp_path: Path) -> None:
    grades = {n: Grade.EXCELLENT for n in ("书记甲", "组织乙", "宣传丙")} | {
        n: Grade.QUALIFIED for n in ("党员丁", "党员戊", "党员己", "党员庚", "党员辛")
    }
    uuid = review(branch, dt.date(2026, 11, 10), grades)
    facts = get_record(branch.ws, uuid).facts
    rule = load_rulebook().in_force("review_excellent_limit", dt.date(2026, 11, 10))
    assert excellent_over_limit(facts.draft.grades, len(grades), rule["numerator"], rule["denominator"])
    text = squeeze(
        pdf_text(render(branch.ws, PrintRequest("review", period=Period.parse("2026Q4")), tmp_path / "r.pdf"))
    )
    assert "超过规定比例" in text and "未超过规定比例" not in text


def test_review_without_a_review_entry_is_refused(branch: Branch) -> None:
    add_entry(branch.ws, EntryDraft(EntryType.PARTY_CONGRESS, dt.date(2026, 3, 5)), today=TODAY)
    with pytest.raises(UserError, match="该期间没有民主评议党员记录"):
        layout_form(branch.ws, PrintRequest("review", period=Period.parse("2026")), TODAY)
