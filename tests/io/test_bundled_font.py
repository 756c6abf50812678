"""Checks on the bundled font resources/fonts/BranchBookSans-Regular.ttf.

The font is made by packaging/convert_font.py.  These tests use fontTools only (no Qt,
no reportlab) and read the font lazily, so the module runs in well under a second.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from fontTools import ttLib
from fontTools.pens.areaPen import AreaPen

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT_PATH = FONT_DIR / "BranchBookSans-Regular.ttf"

FAMILY = "BranchBook Sans"
RARE_NAME_CHARS = "𠮷堃喆赟犇昇淼镕"
CHINESE_PUNCTUATION = "（），。、；：“”《》！？【】—…·￥"
# Noto Sans CJK SC 2.004 maps U+2252 (≒, GBK A892) to nothing, so neither can we.
GBK_NOT_IN_SOURCE = {0x2252}


def _decode_two_byte(codec: str, leads: range, trails: range) -> set[int]:
    points: set[int] = set()
    for lead in leads:
        for trail in trails:
            try:
                text = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            points.update(ord(ch) for ch in text)
    return points


def _is_han(code_point: int) -> bool:
    return unicodedata.name(chr(code_point), "").startswith(
        ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")
    )


def _missing(cmap: dict[int, str], code_points) -> list[str]:
    return [f"U+{cp:04X} {chr(cp)}" for cp in sorted(code_points) if cp not in cmap]


@pytest.fixture(scope="module")
def font():
    if not FONT_PATH.is_file():
        pytest.fail(f"bundled font missing: {FONT_PATH} (run packaging/convert_font.py)")
    loaded = ttLib.TTFont(str(FONT_PATH), lazy=True)
    yield loaded
    loaded.close()


@pytest.fixture(scope="module")
def cmap(font) -> dict[int, str]:
    return font.getBestCmap()


def test_file_is_reasonably_small():
    assert FONT_PATH.stat().st_size < 25 * 2**20


def test_truetype_outlines_not_cff(font):
    assert font.sfntVersion == "\x00\x01\x00\x00"
    assert "glyf" in font
    assert "loca" in font
    assert "CFF " not in font
    assert "CFF2" not in font
    assert font["maxp"].tableVersion == 0x00010000
    assert 0 < font["maxp"].numGlyphs < 0xFFFF
    assert font["post"].formatType == 3.0
    assert font["head"].glyphDataFormat == 0


def test_unhinted_and_without_dropped_tables(font):
    for tag in ("fpgm", "prep", "cvt ", "GSUB", "GPOS", "vhea", "vmtx", "VORG"):
        assert tag not in font, tag


def test_family_and_names(font):
    name = font["name"]
    assert name.getDebugName(1) == FAMILY
    assert name.getDebugName(2) == "Regular"
    assert name.getDebugName(6) == "BranchBookSans-Regular"
    # OFL: the copyright notice stays, and the font says it is a modified version.
    assert "Adobe" in name.getDebugName(0)
    assert "Modified version" in name.getDebugName(0)
    assert "modified version of Noto Sans CJK SC" in name.getDebugName(10)
    # "Source" is the upstream Reserved Font Name, "Noto" a trademark.
    for name_id in (1, 4, 6):
        value = name.getDebugName(name_id)
        assert "Noto" not in value
        assert "Source" not in value


def test_licence_shipped_next_to_font():
    licence = (FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007" in licence
    assert "Adobe" in licence
    assert "TERMINATION" in licence and "DISCLAIMER" in licence


def test_ascii_printable(cmap):
    assert _missing(cmap, range(0x20, 0x7F)) == []


def test_gb2312_levels_1_and_2(cmap):
    hanzi = _decode_two_byte("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF))
    assert len(hanzi) == 6763  # 3755 level 1 + 3008 level 2
    assert _missing(cmap, hanzi) == []


def test_whole_gb2312_symbol_rows(cmap):
    symbols = _decode_two_byte("gb2312", range(0xA1, 0xB0), range(0xA1, 0xFF))
    assert _missing(cmap, symbols) == []


def test_every_gbk_hanzi(cmap):
    gbk = _decode_two_byte("gbk", range(0x81, 0xFF), range(0x40, 0xFF))
    hanzi = {cp for cp in gbk if _is_han(cp)}
    assert len(hanzi) > 20900  # 20,902 URO + compatibility ideographs
    assert _missing(cmap, hanzi) == []


def test_every_gbk_character_the_source_has(cmap):
    gbk = _decode_two_byte("gbk", range(0x81, 0xFF), range(0x40, 0xFF))
    assert _missing(cmap, gbk - GBK_NOT_IN_SOURCE) == []


def test_cjk_unified_and_extension_a(cmap):
    # The source maps all of U+4E00..9FEF (Unicode 12) and U+3400..4DB5 (Unicode 3.0 Ext-A).
    assert _missing(cmap, range(0x4E00, 0x9FF0)) == []
    assert _missing(cmap, range(0x3400, 0x4DB6)) == []


def test_some_extension_b_and_later(cmap):
    beyond_bmp = [cp for cp in cmap if 0x20000 <= cp <= 0x3134F]
    assert len(beyond_bmp) > 2000


def test_rare_name_characters(cmap):
    assert _missing(cmap, map(ord, RARE_NAME_CHARS)) == []


def test_chinese_punctuation_and_full_width_forms(cmap):
    assert _missing(cmap, map(ord, CHINESE_PUNCTUATION)) == []
    assert _missing(cmap, range(0x3000, 0x3040)) == []
    assert _missing(cmap, range(0xFF01, 0xFF5F)) == []  # full-width ASCII
    assert _missing(cmap, range(0xFFE0, 0xFFE7)) == []  # ￠￡￢￣￤￥￦


def test_other_symbols_kept(cmap):
    assert _missing(cmap, map(ord, "¥○◯●□■△▲◇◆★☆①⑩⑳㉑㊿⑴⒈㈠㊣⸺→←↑↓✓×÷±≤≥€℃№ⅠⅫ㎡㎏āáǎàüǘ┌─┐")) == []
    assert _missing(cmap, range(0x2500, 0x2580)) == []  # box drawing


def test_hangul_dropped(cmap):
    assert not any(0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF for cp in cmap)


def test_contours_are_clockwise(font, cmap):
    # TrueType outer contours run clockwise (negative area in fontTools' AreaPen);
    # a wrong direction shows up as filled-in counters in some renderers.
    glyph_set = font.getGlyphSet()
    for ch in "一口回𠮷A":
        pen = AreaPen(glyph_set)
        glyph_set[cmap[ord(ch)]].draw(pen)
        assert pen.value < 0, ch
