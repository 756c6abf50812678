"""党员花名册 from a real workspace: every member and column, headers and totals, the status on the date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pypdf import PdfReader

from app.domain.members import EventKind, Status
from app.domain.partial_date import PartialDate
from app.domain.periods import Period
from app.services.demo import create_demo_workspace
from app.services.printing import PrintRequest, print_form
from app.services.roster import load_roster, record_event
from app.services.roster_export import sheet_values
from tests.fixtures.pdf import assert_fonts_embedded, page_texts, squeeze

TODAY = dt.date(2026, 11, 21)


def test_a_300_member_roster_prints_every_member_with_headers_and_totals(tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path / "demo.branchbook", members=300, today=TODAY)
    try:
        target = tmp_path / "roster.pdf"
        pages = print_form(ws, PrintRequest("roster"), target, today=TODAY)
        members = load_roster(ws, TODAY)
    finally:
        ws.close()
    reader = PdfReader(str(target))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # landscape
    texts = [squeeze(t) for t in page_texts(target)]
    assert pages == len(texts) > 5
    for number, text in enumerate(texts, start=1):
        assert "序号姓名性别民族出生日期公民身份号码" in text
        assert f"第{number}页共{pages}页" in text
    everything = "".join(texts)
    for m in members:
        values = sheet_values(m.draft)
        assert m.draft.name in everything and values["id_number"] in everything
    assert any("𠮷" in m.draft.name for m in members) and "𠮷" in everything
    full = sum(1 for m in members if m.standing.status is Status.FULL)
    probationary = len(members) - full
    assert f"正式党员{full}名，预备党员{probationary}名" in everything
    assert f"合计{len(members)}名" in everything
    assert_fonts_embedded(target)


def test_status_is_the_one_on_the_period_end_and_output_is_deterministic(tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path / "demo.branchbook", members=12, today=TODAY)
    try:
        probationary = next(m for m in load_roster(ws, TODAY) if m.standing.status is Status.PROBATIONARY)
        record_event(ws, probationary.uuid, EventKind.FULL, PartialDate(2026, 10, 1))
        first, again, september = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
        print_form(ws, PrintRequest("roster"), first, today=TODAY)
        print_form(ws, PrintRequest("roster"), again, today=TODAY)
        print_form(ws, PrintRequest("roster", Period.parse("2026-09")), september, today=TODAY)
    finally:
        ws.close()
    assert first.read_bytes() == again.read_bytes()
    now_text, then_text = squeeze("".join(page_texts(first))), squeeze("".join(page_texts(september)))
    name = probationary.draft.name
    assert "截至2026年11月21日" in now_text and "截至2026年9月30日" in then_text
    assert now_text.count("预备党员") < then_text.count("预备党员")
    assert name in now_text and name in then_text
