"""The shared form layout: rare characters copy out, fonts are embedded, page totals, repeated headers,
per-page record hashes, and byte-identical output dated from the data."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.io.pdf.layout import (
    EntryMark,
    PageSetup,
    grid_table,
    para,
    render_pdf,
    styles,
    write_pdf,
)
from tests.fixtures.pdf import assert_fonts_embedded, page_texts, pdf_text, squeeze

WHEN = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SETUP = PageSetup(
    title="测试表", branch_name="三车间党支部", created=WHEN, header_note="2026年", footer_note="尾注"
)


def _table(rows: int) -> list:
    data = [[str(i), f"张𠮷{i}", "堃喆赟"] for i in range(rows)]
    return [para("测试表", styles().title), grid_table([["序号", "姓名", "备注"]], data, [60, 120, 120])]


def test_rare_name_characters_print_and_copy_back_out(tmp_path: Path) -> None:
    target = tmp_path / "rare.pdf"
    write_pdf(target, SETUP, [para("张𠮷 王堃 李喆 赵赟 党员花名册 A&B <c>")])
    text = pdf_text(target)
    assert "张𠮷 王堃 李喆 赵赟 党员花名册 A&B <c>" in text
    poppler = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "张𠮷" in poppler
    assert_fonts_embedded(target)


def test_every_page_has_header_and_page_x_of_y(tmp_path: Path) -> None:
    target = tmp_path / "long.pdf"
    pages = write_pdf(target, SETUP, _table(300))
    texts = page_texts(target)
    assert pages == len(texts) > 3
    for number, text in enumerate(texts, start=1):
        flat = squeeze(text)
        assert f"第{number}页共{pages}页" in flat
        assert "三车间党支部" in flat and "尾注" in flat
        assert "序号姓名备注" in flat  # the table's header row repeated on this page
    everything = squeeze("".join(texts))
    assert all(f"张𠮷{i}" in everything for i in range(300))


def test_same_input_same_bytes_and_creation_date_from_the_data() -> None:
    first, _ = render_pdf(SETUP, _table(40))
    second, _ = render_pdf(SETUP, _table(40))
    assert first == second
    later = PageSetup(**{**SETUP.__dict__, "created": WHEN + dt.timedelta(days=1)})
    assert render_pdf(later, _table(40))[0] != first
    changed = _table(40)
    changed.append(para("多一行"))
    assert render_pdf(SETUP, changed)[0] != first
    info = PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"].startswith("D:20260301013000")  # 09:30 +08:00 in UTC
    assert info["/Title"] == "三车间党支部 测试表"


def test_footer_lists_the_hashes_of_the_records_on_its_page(tmp_path: Path) -> None:
    setup = PageSetup(title="记录本", branch_name="支部", created=WHEN, marks_label="本页记录：")
    story = []
    hashes = [f"{i:02x}" * 32 for i in range(6)]
    for digest in hashes:
        story += [EntryMark(digest), para("记录内容。" * 260)]
    target = tmp_path / "marks.pdf"
    write_pdf(target, setup, story)
    texts = [squeeze(t) for t in page_texts(target)]
    for digest in hashes:
        pages = [i for i, t in enumerate(texts) if digest[:16] in t]
        assert len(pages) == 1, (digest, pages)  # on the page where the record starts, and only there
    assert texts.index(next(t for t in texts if hashes[-1][:16] in t)) > 0


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "x.pdf"
    with pytest.raises(OSError):
        write_pdf(missing, SETUP, [para("x")])
    assert not missing.parent.exists()
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")

    def boom(page: int) -> None:
        raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        write_pdf(target, SETUP, _table(300), on_page=boom)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]
