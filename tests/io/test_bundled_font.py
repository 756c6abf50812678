"""The bundled font: TrueType outlines (so reportlab can embed it), and every character a roster needs."""

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

FONT = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "BranchBookSans-Regular.ttf"


@pytest.fixture(scope="module")
def font() -> TTFont:
    return TTFont(FONT, lazy=True)


@pytest.fixture(scope="module")
def cmap(font: TTFont) -> dict[int, str]:
    return font.getBestCmap()


def test_truetype_outlines_not_cff(font: TTFont) -> None:
    assert "glyf" in font and "CFF " not in font
    assert font["maxp"].numGlyphs < 65535


def test_family_name_is_our_own(font: TTFont) -> None:
    assert font["name"].getDebugName(1) == "BranchBook Sans"
    assert "Noto Sans CJK" in " ".join(str(r) for r in font["name"].names)  # says what it was made from


def _gb2312() -> list[str]:
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def test_all_gb2312_hanzi(cmap: dict[int, str]) -> None:
    chars = _gb2312()
    assert len(chars) > 6700
    assert [c for c in chars if ord(c) not in cmap] == []


def test_all_gbk_hanzi(cmap: dict[int, str]) -> None:
    missing = []
    for high in range(0x81, 0xFF):
        for low in range(0x40, 0xFF):
            try:
                char = bytes((high, low)).decode("gbk")
            except UnicodeDecodeError:
                continue
            if "\u4e00" <= char <= "\u9fff" and ord(char) not in cmap:
                missing.append(char)
    assert missing == []


def test_rare_name_characters_and_punctuation(cmap: dict[int, str]) -> None:
    wanted = "𠮷堃喆赟犇昇淼镕（），。、；：“”《》！？·—…①②③" + "".join(chr(c) for c in range(0x20, 0x7F))
    assert [c for c in wanted if ord(c) not in cmap] == []


def test_ext_a_is_covered(cmap: dict[int, str]) -> None:
    ext_a = range(0x3400, 0x4DC0)
    assert sum(1 for c in ext_a if c in cmap) > 6000


def test_licence_beside_the_font() -> None:
    text = (FONT.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text and "Adobe" in text
