"""The bundled CJK font, registered once with reportlab and embedded (subset) in every PDF."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

import app

FONT_FILE = Path(app.__file__).resolve().parent.parent / "resources" / "fonts" / "BranchBookSans-Regular.ttf"
FONT_NAME = "BranchBookSans"


@cache
def body_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE)))
    return FONT_NAME
