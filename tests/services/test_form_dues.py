"""党费收缴登记表: paid months, unpaid marks, totals from the payments, mid-year members, no salary figures,
headers on every page of a 300-member ledger, rare names, embedded fonts and byte-identical output."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.domain.dues import AdjustmentKind, PaymentKind
from app.domain.members import Category, MemberDraft, Status
from app.domain.partial_date import PartialDate
from app.domain.periods import Period, month_code, month_index
from app.io.pdf.dues_form import EXEMPT, NOT_OWED, UNDERPAID, UNPAID
from app.io.pdf.layout import render_pdf
from app.services.demo import create_demo_workspace
from app.services.dues import add_adjustment, add_base, load_dues, record_payment, year_summary
from app.services.form_dues import dues_ledger
from app.services.printing import PrintRequest, layout_form, print_form
from app.services.roster import add_member, load_roster
from app.storage.workspace import Workspace
from tests.fixtures.pdf import assert_fonts_embedded, page_texts, pdf_text, squeeze
from tests.fixtures.people import make_id

TODAY = dt.date(2026, 11, 21)
YEAR = 2026
ZERO = Decimal("0.00")
# What was entered as income: none of it may reach the paper.
SALARY_FIGURES = ("4837.19", "4824.85", "6213.47", "6112.26", "3512.88", "2780.55", "5234.56", "311.07")


@dataclass
class Ledger:
    ws: Workspace
    ids: dict[str, str]
    paid: dict[str, dict[str, Decimal]]  # name → month → amount, from the payments this test recorded


def _member(ws: Workspace, name: str, joined: dt.date, status: Status, serial: int) -> str:
    return add_member(
        ws,
        MemberDraft(
            name=name,
            id_number=make_id(dt.date(1980, 1, serial), "男", serial=serial),
            joined_on=PartialDate.of(joined),
            full_on=PartialDate(joined.year + 1, joined.month, joined.day) if status is Status.FULL else None,
            status=status,
        ),
    )


def _months(first: int, last: int) -> list[str]:
    return [f"{YEAR}-{m:02d}" for m in range(first, last + 1)]


@pytest.fixture
def ledger(branch_ws: Workspace) -> Ledger:
    ws = branch_ws
    ids = {
        "张𠮷": _member(ws, "张𠮷", dt.date(2000, 7, 1), Status.FULL, 11),
        "李堃": _member(ws, "李堃", dt.date(2026, 5, 16), Status.PROBATIONARY, 12),  # joins mid-May
        "王喆": _member(ws, "王喆", dt.date(2001, 3, 1), Status.FULL, 13),
        "赵赟": _member(ws, "赵赟", dt.date(1990, 9, 1), Status.FULL, 14),
    }
    add_base(ws, ids["张𠮷"], "2025-01", Category.EMPLOYED, gross="4837.19", income_tax="12.34")
    add_base(ws, ids["张𠮷"], "2026-07", Category.EMPLOYED, gross="6213.47", income_tax="101.21")  # a raise
    add_base(ws, ids["李堃"], "2026-01", Category.EMPLOYED, gross="3512.88")
    add_base(ws, ids["王喆"], "2026-01", Category.EMPLOYED, gross="2780.55", income_tax="0")
    add_base(ws, ids["赵赟"], "2026-01", Category.RETIRED, gross="5234.56", social="311.07")
    add_adjustment(ws, ids["王喆"], "2026-03", "2026-05", AdjustmentKind.EXEMPT, "某党委〔2026〕7号")
    payments = [
        ("张𠮷", dt.date(2026, 3, 10), _months(1, 3), "144.75"),  # 3 × 48.25
        ("张𠮷", dt.date(2026, 4, 15), _months(4, 4), "20.00"),  # short
        ("张𠮷", dt.date(2026, 7, 20), _months(7, 7), "91.68"),
        ("李堃", dt.date(2026, 10, 8), _months(5, 10), "210.78"),  # 6 × 35.13
        ("王喆", dt.date(2026, 2, 10), _months(1, 2), "27.80"),
        ("王喆", dt.date(2026, 10, 12), _months(6, 10), "69.50"),
        ("赵赟", dt.date(2026, 1, 5), _months(1, 12), "628.20"),  # the whole year ahead
    ]
    paid: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for name, day, months, amount in payments:
        record_payment(ws, ids[name], paid_on=day, months=months, amount=amount, receipt=f"No.{day:%m%d}")
        each = Decimal(amount) / len(months)  # every payment here covers months of equal dues
        for month in months:
            paid[name][month] = paid[name].get(month, ZERO) + each
    record_payment(
        ws, ids["赵赟"], paid_on=dt.date(2026, 6, 1), months=[], amount="1200", kind=PaymentKind.VOLUNTARY
    )
    return Ledger(ws, ids, paid)


def _print(ws: Workspace, target: Path) -> int:
    return print_form(ws, PrintRequest("dues", Period.parse("2026")), target, today=TODAY)


def _text_of(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def _row_text(name: str, flat: str) -> str:
    start = flat.index(name)
    return flat[start : start + 200]


def test_paid_months_show_amounts_and_totals_are_the_sums_of_the_payments(
    ledger: Ledger, tmp_path: Path
) -> None:
    data = dues_ledger(ledger.ws, YEAR, TODAY)
    rows = {r.name: r for r in data.rows}
    assert list(rows) == ["张𠮷", "李堃", "王喆", "赵赟"]

    zhang = rows["张𠮷"]
    assert [c.paid for c in zhang.months[:4]] == [ledger.paid["张𠮷"][m] for m in _months(1, 4)]
    assert zhang.months[3].mark == UNDERPAID  # 20.00 of 48.25
    assert [c.mark for c in zhang.months[4:6]] == [UNPAID, UNPAID]
    assert zhang.months[6].paid == Decimal("91.68")
    assert [c.mark for c in zhang.months[7:10]] == [UNPAID] * 3
    assert [c.mark for c in zhang.months[10:]] == ["", ""]  # November is not over yet on the 21st
    assert zhang.monthly == Decimal("91.68") and zhang.monthly_changed
    assert zhang.band == "5000 < 基数 ≤ 10000：1.5%"
    assert zhang.paid_through == ""  # owes all of 2025 still, so not even his first month is paid
    assert any("2026-07 起月应交由 48.25 元调整为 91.68 元" in n for n in zhang.notes)

    wang = rows["王喆"]
    assert [c.mark for c in wang.months[2:5]] == [EXEMPT] * 3
    assert any("2026-03 至 2026-05 免交（批准：某党委〔2026〕7号）" in n for n in wang.notes)
    assert rows["赵赟"].paid_through == "2026-12"  # paid the whole year ahead
    assert rows["李堃"].paid_through == "2026-10"

    # Per month and per year: the recorded payments, and what the dues service says is due.
    book = load_dues(ledger.ws, month_index(YEAR, 12))
    months = range(month_index(YEAR, 1), month_index(YEAR, 12) + 1)
    expected_paid = tuple(
        sum((p.get(month_code(k), ZERO) for p in ledger.paid.values()), ZERO) for k in months
    )
    expected_due = tuple(sum((m.dues[k].amount for m in book.members if k in m.dues), ZERO) for k in months)
    assert data.month_paid == expected_paid
    assert data.month_due == expected_due
    summary, voluntary, large = year_summary(ledger.ws, YEAR)
    assert data.month_paid == tuple(s.collected for s in summary)
    assert data.year_paid == sum((sum(p.values(), ZERO) for p in ledger.paid.values()), ZERO)
    owed = {m.name: sum((d.amount for k, d in m.dues.items() if k in months), ZERO) for m in book.members}
    for name, row in rows.items():
        assert row.year_paid == sum(ledger.paid[name].values(), ZERO)
        assert row.year_due == owed[name]
    assert (voluntary, large) == (data.voluntary, data.large) == (ZERO, Decimal("1200.00"))

    target = tmp_path / "dues.pdf"
    _print(ledger.ws, target)
    flat = squeeze(pdf_text(target))
    z = "".join(f"{v:.2f}" for v in (ledger.paid["张𠮷"][m] for m in _months(1, 3)))
    assert _row_text("张𠮷", flat).startswith(
        f"张𠮷在职5000<基数≤10000：1.5%91.68*{z}20.00少交未交未交91.68未交未交未交"
        f"{zhang.year_due:.2f}{zhang.year_paid:.2f}{rows['李堃'].number}李堃"
    )
    assert f"应交合计{''.join(f'{v:.2f}' for v in expected_due)}{sum(expected_due, ZERO):.2f}" in flat
    assert f"实交合计{''.join(f'{v:.2f}' for v in expected_paid)}{sum(expected_paid, ZERO):.2f}" in flat
    assert "免交免交免交" in _row_text("王喆", flat)
    assert "大额党费1200.00元" in flat
    assert "收缴人（签字）" in flat and "支部书记（签字）" in flat


def test_a_member_who_joined_mid_year_owes_only_from_that_month(ledger: Ledger, tmp_path: Path) -> None:
    row = next(r for r in dues_ledger(ledger.ws, YEAR, TODAY).rows if r.name == "李堃")
    assert [c.mark for c in row.months[:4]] == [NOT_OWED] * 4  # admitted 16 May
    assert [c.paid for c in row.months[4:10]] == [ledger.paid["李堃"][m] for m in _months(5, 10)]
    assert row.monthly == Decimal("35.13")  # 3512.88 × 1%
    assert row.year_due == row.monthly * 8  # May to December
    target = tmp_path / "dues.pdf"
    _print(ledger.ws, target)
    assert _row_text("李堃", squeeze(pdf_text(target))).startswith(
        "李堃在职3000<基数≤5000：1%35.13————" + "35.13" * 6
    )


def test_no_salary_or_base_figure_is_printed_and_rare_names_copy_out(ledger: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "dues.pdf"
    _print(ledger.ws, target)
    flat = squeeze(pdf_text(target))
    for figure in SALARY_FIGURES:
        assert figure not in flat, figure
    assert "基数≤" in flat or "<基数" in flat  # the band is there instead
    poppler = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    for name in ("张𠮷", "李堃", "王喆", "赵赟"):
        assert name in squeeze(poppler)
    assert_fonts_embedded(target)


def test_same_data_same_bytes_and_a_new_payment_changes_them(ledger: Ledger) -> None:
    request = PrintRequest("dues", Period.parse("2026Q3"))  # a quarter means its year
    first = render_pdf(*layout_form(ledger.ws, request, TODAY))[0]
    assert render_pdf(*layout_form(ledger.ws, request, TODAY))[0] == first
    assert "2026年度党费收缴登记表" in squeeze(_text_of(first))
    record_payment(
        ledger.ws, ledger.ids["张𠮷"], paid_on=dt.date(2026, 11, 20), months=["2026-05"], amount="48.25"
    )
    second = render_pdf(*layout_form(ledger.ws, request, TODAY))[0]
    assert second != first
    assert squeeze(_text_of(second)).count("48.25") > squeeze(_text_of(first)).count("48.25")


def test_a_finished_year_does_not_depend_on_the_day_it_is_printed(ledger: Ledger) -> None:
    request = PrintRequest("dues", Period.parse("2025"))
    early = render_pdf(*layout_form(ledger.ws, request, dt.date(2026, 1, 2)))[0]
    assert render_pdf(*layout_form(ledger.ws, request, TODAY))[0] == early
    row = next(r for r in dues_ledger(ledger.ws, 2025, TODAY).rows if r.name == "张𠮷")
    assert [c.mark for c in row.months] == [UNPAID] * 12  # December 2025 is over
    assert row.monthly == Decimal("48.25") and not row.monthly_changed


def test_a_300_member_ledger_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path / "demo.branchbook", members=300, today=TODAY, activity=True)
    try:
        target = tmp_path / "dues300.pdf"
        start = time.perf_counter()
        pages = _print(ws, target)
        elapsed = time.perf_counter() - start
        print(f"300-member ledger: {pages} pages in {elapsed:.2f} s")
        texts = page_texts(target)
        assert pages == len(texts) > 5
        for number, text in enumerate(texts, start=1):
            flat = squeeze(text)
            assert "序号姓名类别档次月应交" in flat
            assert "".join(f"{m}月" for m in range(1, 13)) in flat
            assert f"第{number}页共{pages}页" in flat
        everything = squeeze("".join(texts))
        names = [m.name for m in load_roster(ws, TODAY)]
        assert len(names) == 300 and all(name in everything for name in names)
        summary, _, _ = year_summary(ws, YEAR)
        due = [s.due for s in summary]
        assert f"应交合计{''.join(f'{v:.2f}' for v in due)}{sum(due, ZERO):.2f}" in everything
        assert len(dues_ledger(ws, YEAR, TODAY).rows) == 300
        assert_fonts_embedded(target)
    finally:
        ws.close()
