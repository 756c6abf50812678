"""The bundled CJK font, registered once with reportlab and embedded (subset) in every PDF."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

import app

FONT_FILE = Path(app.__file__).resolve().parent.parent / "resources" / "fonts" / "BranchBookSans-Regular.ttf"
FONT_NAME = "BranchBookSans"

_original_cmap = ttfonts.makeToUnicodeCMap


def _utf16_hex(code_point: int) -> str:
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab 5.1 writes a code point beyond the BMP as five hex digits (𠮷 → <20BB7>), which
    viewers read as a different character; a ToUnicode CMap needs UTF-16BE (<D842DFB7>). Same output
    as reportlab's for the BMP, so only PDFs with rare characters change."""
    text = _original_cmap(fontname, subset)
    if all(v <= 0xFFFF for v in subset):
        return text
    for i, v in enumerate(subset):
        if v > 0xFFFF:
            text = text.replace(f"<{i:02X}> <{v:04X}>", f"<{i:02X}> <{_utf16_hex(v)}>", 1)
    return text


@cache
def body_font() -> str:
    if ttfonts.makeToUnicodeCMap is _original_cmap:
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE)))
    return FONT_NAME
