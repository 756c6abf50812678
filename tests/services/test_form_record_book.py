"""党支部工作记录本 printed from a real workspace and read back: the cover ties paper to data, contents by
type with page numbers that point at the right pages, entries in date order, corrections shown as
corrections, each page's footer listing the journal hashes of the records on it; and its benchmark."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader

from app.domain.entries import ENTRY_TYPE_LABELS, Absence, AbsenceReason, EntryDraft, EntryType
from app.domain.members import MemberDraft, Status
from app.domain.partial_date import PartialDate
from app.domain.periods import Period
from app.services.printing import PrintRequest, data_stamp, print_form
from app.services.records import RecordView, add_entry, correct_entry, get_record, load_records, lock_period
from app.services.roster import add_member
from app.storage.journal import head_row, latest_hashes
from app.storage.workspace import Workspace
from bench.record_book import PDF_YEAR, TARGET_PDF_S, build_year, pdf_bench
from tests.fixtures.branch import TODAY, Branch, build_branch
from tests.fixtures.pdf import assert_fonts_embedded, page_texts, pdf_text, squeeze
from tests.fixtures.people import make_id
from tests.services.test_form_minutes import MARKS, consumed_in_order, full_entry, varied_text

RARE = "𠮷堃喆赟"
YEAR = Period.parse("2026")


@pytest.fixture
def branch(branch_ws: Workspace) -> Branch:
    b = build_branch(branch_ws)
    b.ids[RARE] = add_member(
        branch_ws,
        MemberDraft(
            name=RARE,
            id_number=make_id(dt.date(1990, 5, 5), "男", serial=55),
            group="一组",
            joined_on=PartialDate(2010, 1, 1),
            full_on=PartialDate(2011, 1, 1),
            status=Status.FULL,
        ),
    )
    return b


@pytest.fixture
def year(branch: Branch) -> Branch:
    """Four entries of 2026, written out of date order; the congress has long minutes and a correction."""
    ids = branch.ids
    add_entry(
        branch.ws,
        EntryDraft(EntryType.BRANCH_COMMITTEE, dt.date(2026, 2, 3), place="支部活动室", host="书记甲",
                   recorder="组织乙", topics=("研究发展党员工作",), minutes="研究了发展对象的培养情况。"),
        today=TODAY,
    )  # fmt: skip
    congress = add_entry(
        branch.ws,
        full_entry(
            branch,
            minutes=varied_text(1500),
            absences=(Absence(ids["党员丁"], AbsenceReason.SHIFT), Absence(ids[RARE], AbsenceReason.TRIP)),
            resolutions=(),
        ),
        today=TODAY,
    )
    add_entry(
        branch.ws,
        EntryDraft(EntryType.HEART_TALK, dt.date(2026, 4, 3), place="办公室", participants=(ids["书记甲"], ids[RARE]),
                   topics=("思想和工作情况",), minutes="谈了岗位上的困难。"),
        today=TODAY,
    )  # fmt: skip
    add_entry(
        branch.ws,
        EntryDraft(EntryType.GROUP_MEETING, dt.date(2026, 1, 20), place="班组学习室", host="书记甲",
                   recorder="党员丁", group_uuid=branch.groups["一组"], topics=("学习支部工作条例",)),
        today=TODAY,
    )  # fmt: skip
    lock_period(branch.ws, Period.parse("2026Q1"), today=TODAY)
    original = get_record(branch.ws, congress).draft
    fixed = dataclasses.replace(original, place="车间二楼会议室", absences=original.absences[1:])
    correct_entry(branch.ws, congress, fixed, "原记录地点写错；党员丁实际到会", today=TODAY)
    return branch


def print_book(ws: Workspace, target: Path, period: Period | None = YEAR) -> int:
    return print_form(ws, PrintRequest("recordbook", period=period), target, today=TODAY)


def in_book_order(ws: Workspace, period: Period = YEAR) -> list[RecordView]:
    return sorted(load_records(ws, period), key=lambda v: (v.draft.date, v.draft.start or dt.time.min))


def heading(number: int, view: RecordView) -> str:
    d = view.original
    return f"No.{number}{d.date.year}年{d.date.month}月{d.date.day}日"


def placed_texts(page: PageObject) -> tuple[str, list[tuple[float, float, str]]]:
    """The page's text, and each piece of it with where it was drawn (x, y in points)."""
    pieces: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pieces.append((x, y, text.strip()))

    return page.extract_text(visitor_text=visit), pieces


def contents_page_numbers(pdf: Path) -> dict[int, int]:
    """「No. n」 → the page number printed on its contents row (matched by the row's height on the page)."""
    found: dict[int, int] = {}
    for page in PdfReader(str(pdf)).pages:
        text, pieces = placed_texts(page)
        if "目录" not in squeeze(text):
            continue
        for _, y, piece in pieces:
            if m := re.fullmatch(r"No\. (\d+)", piece):
                [number] = [t for x, y2, t in pieces if abs(y2 - y) < 1 and x > 450 and t.isdigit()]
                found[int(m[1])] = int(number)
    return found


def test_cover_ties_the_paper_to_the_data(year: Branch, tmp_path: Path) -> None:
    pdf = tmp_path / "book.pdf"
    print_book(year.ws, pdf)
    cover = squeeze(page_texts(pdf)[0])
    with year.ws.read() as conn:
        head = head_row(conn)
    assert head is not None and head[0] in cover  # the full hash
    stamp = data_stamp(year.ws)
    created = stamp.created.date()
    assert f"数据截至{created.year}年{created.month}月{created.day}日" in cover
    assert "党支部工作记录本" in cover and "三车间党支部" in cover and "0301" in cover
    assert "2026年（2026年1月1日至2026年12月31日）" in cover
    assert "党支部书记书记甲" in cover
    views = load_records(year.ws, YEAR)
    corrections = sum(len(v.corrections) for v in views)
    assert f"记录条数{len(views)}条（其中更正{corrections}次）" in cover and corrections == 1


def test_contents_by_type_point_at_the_pages_of_the_entries(year: Branch, tmp_path: Path) -> None:
    pdf = tmp_path / "book.pdf"
    print_book(year.ws, pdf)
    pages = [squeeze(t) for t in page_texts(pdf)]
    contents = pages[1]
    positions = [contents.index(label + "（") for label in ENTRY_TYPE_LABELS.values()]
    assert positions == sorted(positions)  # every type, in the fixed order
    views = in_book_order(year.ws)
    assert "党小组会（1次）" in contents and "党课（本期间无）" in contents
    numbers = contents_page_numbers(pdf)
    assert sorted(numbers) == list(range(1, len(views) + 1))
    for number, view in enumerate(views, start=1):
        page = numbers[number]
        assert heading(number, view) in pages[page - 1]
        assert all(heading(number, view) not in p for p in pages[2 : page - 1])  # it starts there


def test_entries_in_date_order_each_correction_after_the_entry_as_recorded(
    year: Branch, tmp_path: Path
) -> None:
    pdf = tmp_path / "book.pdf"
    print_book(year.ws, pdf)
    texts = page_texts(pdf)
    body = squeeze("".join(texts[2:]))
    views = in_book_order(year.ws)
    starts = [body.index(heading(n, v)) for n, v in enumerate(views, start=1)]
    assert starts == sorted(starts)
    assert [v.draft.type for v in views] == [
        EntryType.GROUP_MEETING,
        EntryType.BRANCH_COMMITTEE,
        EntryType.PARTY_CONGRESS,
        EntryType.HEART_TALK,
    ]
    congress = views[2]
    entry_part = body[starts[2] : body.index("No.3的更正（第1次")]
    correction_part = body[body.index("No.3的更正（第1次") : starts[3]]
    assert "地点车间三楼会议室" in entry_part  # as originally recorded
    assert f"党员丁（倒班）、{RARE}（出差）" in entry_part
    found, spread = consumed_in_order(congress.original.minutes, texts)
    assert found == len(squeeze(congress.original.minutes)) and spread >= 2
    assert "更正原因原记录地点写错；党员丁实际到会" in correction_part
    assert "原记载：车间三楼会议室更正为：车间二楼会议室" in correction_part
    assert (
        f"原记载：缺席2人：党员丁（倒班）、{RARE}（出差）更正为：缺席1人：{RARE}（出差）" in correction_part
    )


def test_each_footer_lists_the_journal_hashes_of_the_records_on_its_page(
    year: Branch, tmp_path: Path
) -> None:
    pdf = tmp_path / "book.pdf"
    pages = print_book(year.ws, pdf)
    texts = page_texts(pdf)
    assert len(texts) == pages
    views = in_book_order(year.ws)
    with year.ws.read() as conn:
        hashes = latest_hashes(conn, ("entry", "correction"))
    spanned = 0
    for index, text in enumerate(texts):
        flat = squeeze(text)
        assert f"第{index + 1}页共{pages}页" in flat
        expected = set()
        if index >= 2:  # past the cover and the contents
            for number, view in enumerate(views, start=1):
                if heading(number, view) in flat:
                    expected.add(hashes[view.uuid][:16])
                for k, correction in enumerate(view.corrections, start=1):
                    if f"No.{number}的更正（第{k}次" in flat:
                        expected.add(hashes[correction.uuid][:16])
        shown = set(re.findall(r"[0-9a-f]{16}", text.split(MARKS, 1)[1])) if MARKS in text else set()
        assert shown == expected, index + 1
        spanned += hashes[views[2].uuid][:16] in shown
    assert spanned >= 2  # the long congress is marked on every page it runs onto


def test_rare_names_copy_out_and_only_the_bundled_font_is_used(year: Branch, tmp_path: Path) -> None:
    pdf = tmp_path / "book.pdf"
    print_book(year.ws, pdf)
    text = squeeze(pdf_text(pdf))
    assert f"谈话人员书记甲、{RARE}" in text
    assert_fonts_embedded(pdf)


def test_an_empty_period_still_prints_a_cover(year: Branch, tmp_path: Path) -> None:
    pdf = tmp_path / "empty.pdf"
    assert print_book(year.ws, pdf, Period.parse("2025")) == 2
    cover, rest = (squeeze(t) for t in page_texts(pdf))
    assert "2025年（2025年1月1日至2025年12月31日）" in cover and "记录条数0条" in cover
    assert "本期间无记录" in rest


def test_without_a_period_the_book_is_of_this_year(year: Branch, tmp_path: Path) -> None:
    print_book(year.ws, tmp_path / "default.pdf", period=None)
    print_book(year.ws, tmp_path / "2026.pdf")
    assert (tmp_path / "default.pdf").read_bytes() == (tmp_path / "2026.pdf").read_bytes()


def test_same_data_same_bytes_any_change_different(year: Branch, tmp_path: Path) -> None:
    print_book(year.ws, tmp_path / "a.pdf")
    print_book(year.ws, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    add_entry(
        year.ws,
        EntryDraft(
            EntryType.HEART_TALK, dt.date(2026, 5, 6), participants=(year.ids["党员己"], year.ids["党员庚"])
        ),
        today=TODAY,
    )
    print_book(year.ws, tmp_path / "c.pdf")
    assert (tmp_path / "c.pdf").read_bytes() != (tmp_path / "a.pdf").read_bytes()


# ---- the benchmark (bench/record_book.py --pdf) ------------------------------------------------------------


def test_bench_small_year_prints_and_reports(tmp_path: Path) -> None:
    ws = build_year(tmp_path / "bench.branchbook", entries=14, members=15, corrections=2)
    try:
        result = pdf_bench(ws, tmp_path, repeat=1)
        views = load_records(ws, Period.year(PDF_YEAR))
        assert result.entries == len(views) == 14
        assert result.corrections == sum(len(v.corrections) for v in views) == 2
        assert {v.draft.type for v in views} >= {
            EntryType.MAKEUP,
            EntryType.HEART_TALK,
            EntryType.PARTY_CONGRESS,
        }
        book = tmp_path / "党支部工作记录本.pdf"
        assert result.pages == len(page_texts(book)) and result.size == book.stat().st_size
        assert result.book_s > 0 and result.plain_s > 0 and result.plain_pages > 0
        assert result.ratio == result.book_s / result.plain_s
    finally:
        ws.close()


def test_a_year_of_150_entries_prints_within_the_issue_limit(tmp_path: Path) -> None:
    ws = build_year(tmp_path / "bench.branchbook")
    try:
        request = PrintRequest("recordbook", period=Period.year(PDF_YEAR))
        times = []
        for _ in range(2):  # best of two: a busy machine should not fail the build
            start = time.perf_counter()
            pages = print_form(ws, request, tmp_path / "book.pdf", today=TODAY)
            times.append(time.perf_counter() - start)
        assert len(load_records(ws, Period.year(PDF_YEAR))) == 150
        assert pages == len(page_texts(tmp_path / "book.pdf")) > 150 / 3
        assert min(times) <= TARGET_PDF_S, times
    finally:
        ws.close()
