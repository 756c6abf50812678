"""The printable key card: a real PDF whose text is the branch and fingerprint, with only embedded fonts."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from app.io.pdf.key_card import KeyCardFacts, write_key_card_pdf

FACTS = KeyCardFacts(
    branch_name="𠮷堃喆车间党支部",
    branch_code="0301",
    committee="示例公司党委",
    key_id="292B170C8CF65795",
    fingerprint="0015 8293 0d2c f5df 80ff 8999 b14d b030",
    public_key="RWSVV/aMDBcrKdBsNvTclHBhul9n+syAmunfOxxjLJfScQ2eoP9PxX7L",
    created_on=dt.date(2026, 11, 21),
)


def test_key_card_text_and_fonts(tmp_path: Path) -> None:
    pdf = tmp_path / "card.pdf"
    write_key_card_pdf(pdf, FACTS)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "党支部上报签名公钥卡" in text
    assert "0015 8293 0d2c f5df" in text and "80ff 8999 b14d b030" in text
    assert "0301" in text and FACTS.key_id in text and "2026年11月21日" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row and "BranchBookSans" in row for row in rows)


def test_same_key_gives_the_same_bytes(tmp_path: Path) -> None:
    write_key_card_pdf(tmp_path / "a.pdf", FACTS)
    write_key_card_pdf(tmp_path / "b.pdf", FACTS)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
