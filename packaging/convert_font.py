"""Build the bundled CJK font ``resources/fonts/BranchBookSans-Regular.ttf``.

BranchBook ships exactly one font that both Qt (``QFontDatabase.addApplicationFont``)
and reportlab (``TTFont``, which can only embed TrueType ``glyf`` outlines) can use.
It is made from *Noto Sans CJK SC Regular* (SIL OFL 1.1, by Adobe for Google's Noto
project) as found in Debian's ``fonts-noto-cjk`` package:

1. take the SC face out of ``NotoSansCJK-Regular.ttc`` (picked by its PostScript
   name ``NotoSansCJKsc-Regular``, not by index) or out of a ``.otf``/``.ttc`` given
   on the command line;
2. subset it with ``fontTools.subset`` to the code points in ``KEEP_RANGES`` plus
   every character that GBK (and so GB2312) can encode, no hinting, no glyph names,
   and without the OpenType layout tables (GSUB/GPOS/GDEF/BASE) and the vertical
   metrics tables (vhea/vmtx/VORG);
3. convert the CFF (cubic) outlines to TrueType (quadratic) ``glyf`` outlines with
   ``Cu2QuPen(TTGlyphPen, max_err=1.0, reverse_direction=True)`` (CFF contours run
   counter-clockwise, TrueType ones clockwise), dropping implied on-curve points;
   build ``glyf``/``loca``/``maxp`` 1.0, set ``post`` format 3 and a ``gasp`` table
   for unhinted rendering;
4. rename the family to "BranchBook Sans" and rewrite the ``name`` table so that it
   says it is a modified version of Noto Sans CJK SC.  The upstream licence reserves
   the font name "Source" (and "Noto" is a Google trademark), so neither is used in
   the new family name;
5. write the font with fixed timestamps (taken from the source font) so that the
   same source and the same fontTools version give a byte-identical file, then load
   it again and re-save it in memory as a sanity check.

Usage (from the repository root; needs only fontTools, which the dev extra pins)::

    .venv/bin/python packaging/convert_font.py
    .venv/bin/python packaging/convert_font.py --source /path/to/NotoSansCJKsc-Regular.otf
    .venv/bin/python packaging/convert_font.py --source NotoSansCJK-Regular.ttc \\
        --output /tmp/BranchBookSans-Regular.ttf --max-err 1.0

It takes about 35 seconds on a 2-core machine (15 s subsetting, 15 s converting).  After regenerating, update
the numbers in ``resources/fonts/README.md`` and run ``tests/io/test_bundled_font.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import time
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_OUTPUT = REPO_ROOT / "resources" / "fonts" / "BranchBookSans-Regular.ttf"
SOURCE_PS_NAME = "NotoSansCJKsc-Regular"

FAMILY = "BranchBook Sans"
STYLE = "Regular"
PS_NAME = "BranchBookSans-Regular"
MAX_ERR = 1.0  # font units (the source has 1000 units per em)

# Code points to keep when the source face maps them.  Everything GBK can encode is
# added to this (see gbk_code_points), so the font covers GB2312/GBK text completely.
KEEP_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0020, 0x007E, "Basic Latin"),
    (0x00A0, 0x00FF, "Latin-1 Supplement"),
    (0x0100, 0x024F, "Latin Extended-A/B (pinyin tone marks)"),
    (0x0250, 0x02FF, "IPA Extensions, Spacing Modifier Letters"),
    (0x0300, 0x036F, "Combining Diacritical Marks"),
    (0x0370, 0x03FF, "Greek (GB2312 row 6)"),
    (0x0400, 0x04FF, "Cyrillic (GB2312 row 7)"),
    (0x1E00, 0x1EFF, "Latin Extended Additional"),
    (0x2000, 0x206F, "General Punctuation"),
    (0x2070, 0x209F, "Superscripts and Subscripts"),
    (0x20A0, 0x20FF, "Currency Symbols, combining enclosing circle/square"),
    (0x2100, 0x214F, "Letterlike Symbols"),
    (0x2150, 0x218F, "Number Forms"),
    (0x2190, 0x21FF, "Arrows"),
    (0x2200, 0x22FF, "Mathematical Operators"),
    (0x2300, 0x23FF, "Miscellaneous Technical"),
    (0x2400, 0x243F, "Control Pictures (␣)"),
    (0x2460, 0x24FF, "Enclosed Alphanumerics"),
    (0x2500, 0x257F, "Box Drawing"),
    (0x2580, 0x259F, "Block Elements"),
    (0x25A0, 0x25FF, "Geometric Shapes"),
    (0x2600, 0x26FF, "Miscellaneous Symbols"),
    (0x2700, 0x27BF, "Dingbats (check marks)"),
    (0x2900, 0x29FF, "Supplemental Arrows-B, Misc. Mathematical Symbols-B"),
    (0x2B00, 0x2BFF, "Miscellaneous Symbols and Arrows"),
    (0x2E00, 0x2E7F, "Supplemental Punctuation (⸺ two-em dash)"),
    (0x2E80, 0x2EFF, "CJK Radicals Supplement"),
    (0x2F00, 0x2FDF, "Kangxi Radicals (often pasted from PDFs)"),
    (0x2FF0, 0x2FFF, "Ideographic Description Characters"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation"),
    (0x3040, 0x30FF, "Hiragana, Katakana (GB2312 rows 4-5)"),
    (0x3100, 0x312F, "Bopomofo"),
    (0x31A0, 0x31BF, "Bopomofo Extended"),
    (0x31C0, 0x31EF, "CJK Strokes"),
    (0x31F0, 0x31FF, "Katakana Phonetic Extensions"),
    (0x3220, 0x325F, "Parenthesized ideographs, circled numbers 21-35"),
    (0x3280, 0x32FF, "Circled ideographs, circled numbers 36-50, circled Katakana"),
    (0x3300, 0x33FF, "CJK Compatibility (units such as ㎡ ㎏)"),
    (0x3400, 0x4DBF, "CJK Unified Ideographs Extension A"),
    (0x4E00, 0x9FFF, "CJK Unified Ideographs"),
    (0xF900, 0xFAFF, "CJK Compatibility Ideographs"),
    (0xFB00, 0xFB06, "Latin ligatures (ﬁ ﬂ, found in text copied from PDFs)"),
    (0xFE10, 0xFE1F, "Vertical Forms"),
    (0xFE30, 0xFE4F, "CJK Compatibility Forms"),
    (0xFE50, 0xFE6F, "Small Form Variants"),
    (0xFF00, 0xFF9F, "Fullwidth ASCII, halfwidth CJK punctuation and Katakana"),
    (0xFFE0, 0xFFEF, "Fullwidth signs (￥ ￠ ￡)"),
    (0x20000, 0x3134F, "CJK Extensions B-G and Compatibility Ideographs Supplement"),
)

# Tables removed before subsetting: OpenType layout (neither reportlab nor our plain
# horizontal Chinese text needs it), vertical metrics, and the CFF vertical origins.
DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx", "DSIG")

COPYRIGHT = (
    "© 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'. "
    "Modified version (subset, converted to TrueType outlines, renamed) made for BranchBook."
)
DESCRIPTION = (
    "BranchBook Sans is a modified version of Noto Sans CJK SC Regular {version} "
    "(Adobe, for Google's Noto project), licensed under the SIL Open Font License 1.1. "
    "Changes: subset to Latin, symbols, CJK punctuation and the Han ideographs the SC face "
    "maps (Hangul dropped); CFF outlines converted to unhinted TrueType outlines; "
    "OpenType layout and vertical metrics tables removed; renamed. "
    "Original production: Dr. Ken Lunde (project architect, glyph set definition & overall "
    "production); Masataka HATTORI 服部正貴 (production & ideograph elements). "
    "Not endorsed by Adobe or Google."
)
LICENSE_DESCRIPTION = (
    "This Font Software is licensed under the SIL Open Font License, Version 1.1. "
    'This Font Software is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR '
    "CONDITIONS OF ANY KIND, either express or implied. See the SIL Open Font License for "
    "the specific language, permissions and limitations governing your use of this Font "
    "Software."
)
LICENSE_URL = "https://openfontlicense.org"


def gbk_code_points() -> set[int]:
    """Every character that a two-byte GBK (CP936) sequence decodes to."""
    points: set[int] = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                text = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
            points.update(ord(ch) for ch in text)
    return points


def wanted_code_points(face_cmap: dict[int, str]) -> list[int]:
    wanted = gbk_code_points()
    for first, last, _label in KEEP_RANGES:
        wanted.update(range(first, last + 1))
    return sorted(cp for cp in wanted if cp in face_cmap)


def load_source(path: Path, ps_name: str) -> TTFont:
    """Load the face called ``ps_name`` from a collection, or a single font file."""
    if path.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(path), lazy=True)
        names = [face["name"].getDebugName(6) for face in collection.fonts]
        if ps_name not in names:
            raise SystemExit(f"{path}: no face named {ps_name!r} (faces: {', '.join(map(str, names))})")
        return TTFont(str(path), fontNumber=names.index(ps_name))
    return TTFont(str(path))


def subset_font(font: TTFont, unicodes: list[int]) -> None:
    for tag in DROP_TABLES:
        if tag in font:
            del font[tag]
    options = subset.Options()
    options.layout_features = []
    options.layout_scripts = []
    options.drop_tables += list(DROP_TABLES)
    options.hinting = False
    options.glyph_names = False
    options.legacy_kern = False
    options.notdef_glyph = True
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.name_IDs = ["*"]  # rewritten by set_names() anyway
    options.name_languages = ["*"]
    options.prune_unicode_ranges = True
    options.prune_codepage_ranges = True
    options.desubroutinize = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def convert_outlines(font: TTFont, max_err: float) -> None:
    """Replace the CFF table by glyf/loca and make the other tables TrueType-flavoured."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        tt_pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(tt_pen, max_err, reverse_direction=True))
        glyf.glyphs[name] = tt_pen.glyph(dropImpliedOnCurves=True)

    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    font.sfntVersion = "\x00\x01\x00\x00"

    # TrueType wants the left side bearing to equal xMin (head.flags bit 1 is set).
    hmtx = font["hmtx"]
    for name in glyph_order:
        glyph = glyf.glyphs[name]
        glyph.recalcBounds(glyf)
        advance, _lsb = hmtx[name]
        hmtx[name] = (advance, getattr(glyph, "xMin", 0) if glyph.numberOfContours else 0)

    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(glyph_order)
    for field in (
        "maxPoints",
        "maxContours",
        "maxCompositePoints",
        "maxCompositeContours",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp  # the point/contour maxima are recalculated on save

    head = font["head"]
    head.glyphDataFormat = 0
    head.indexToLocFormat = 1  # loca.compile switches to the short form when it can

    post = font["post"]
    post.formatType = 3.0
    post.minMemType42 = post.maxMemType42 = post.minMemType1 = post.maxMemType1 = 0
    for attr in ("glyphOrder", "extraNames", "mapping"):
        if hasattr(post, attr):
            delattr(post, attr)

    gasp = newTable("gasp")
    gasp.version = 1
    gasp.gaspRange = {0xFFFF: 0x000A}  # unhinted: grey-scale + symmetric smoothing at all sizes
    font["gasp"] = gasp


def tidy_cmap(font: TTFont) -> None:
    """Keep only the Unicode subtables (drop the empty legacy Mac Chinese one)."""
    cmap = font["cmap"]
    cmap.tables = [
        t for t in cmap.tables if (t.platformID, t.platEncID) in {(0, 3), (0, 4), (0, 5), (3, 1), (3, 10)}
    ]


def set_names(font: TTFont, source_version: str) -> None:
    name = font["name"]
    old = {rec.nameID: rec.toUnicode() for rec in name.names if rec.platformID == 3 and rec.langID == 0x409}
    version = f"Version {source_version}"
    records = {
        0: COPYRIGHT,
        1: FAMILY,
        2: STYLE,
        3: f"{source_version};NONE;{PS_NAME}",
        4: f"{FAMILY} {STYLE}",
        5: f"{version}; BranchBook modified Noto Sans CJK SC {source_version}",
        6: PS_NAME,
        7: old.get(7, "Noto is a trademark of Google Inc."),
        8: "Adobe (original); modified for the BranchBook project",
        9: old.get(9, ""),
        10: DESCRIPTION.format(version=source_version),
        12: old.get(12, "http://www.adobe.com/type/"),
        13: LICENSE_DESCRIPTION,
        14: LICENSE_URL,
    }
    name.names = []
    for name_id, text in records.items():
        if text:
            name.setName(text, name_id, 3, 1, 0x409)


def fix_os2(font: TTFont) -> None:
    os2 = font["OS/2"]
    os2.achVendID = "NONE"
    os2.recalcAvgCharWidth(font)
    os2.recalcUnicodeRanges(font)
    os2.recalcCodePageRanges(font)


def build(source: Path, output: Path, ps_name: str, max_err: float) -> dict[str, object]:
    started = time.perf_counter()
    font = load_source(source, ps_name)
    if "CFF " not in font:
        raise SystemExit(f"{source}: expected CFF outlines in {ps_name}")
    source_version = f"{font['head'].fontRevision:.3f}"
    created, modified = font["head"].created, font["head"].modified
    unicodes = wanted_code_points(font.getBestCmap())

    subset_font(font, unicodes)
    subset_done = time.perf_counter()
    convert_outlines(font, max_err)
    convert_done = time.perf_counter()
    tidy_cmap(font)
    set_names(font, source_version)
    fix_os2(font)

    head = font["head"]
    head.created, head.modified = created, modified
    font.recalcTimestamp = False  # keep the output reproducible
    num_glyphs = len(font.getGlyphOrder())
    if num_glyphs >= 0xFFFF:
        raise SystemExit(f"too many glyphs: {num_glyphs}")
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(output))
    font.close()

    check = TTFont(str(output))
    assert "glyf" in check and "CFF " not in check, "output is not a TrueType-outline font"
    assert check["maxp"].numGlyphs == num_glyphs
    check.save(io.BytesIO())  # decompiles and recompiles every table
    mapped = len(check.getBestCmap())
    check.close()

    data = output.read_bytes()
    return {
        "output": str(output),
        "code points mapped": mapped,
        "glyphs": num_glyphs,
        "bytes": len(data),
        "MiB": round(len(data) / 2**20, 2),
        "sha256": hashlib.sha256(data).hexdigest(),
        "subset seconds": round(subset_done - started, 1),
        "convert seconds": round(convert_done - subset_done, 1),
        "total seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="Noto Sans CJK .ttc/.otc/.otf")
    parser.add_argument("--face", default=SOURCE_PS_NAME, help="PostScript name of the face in a collection")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--max-err", type=float, default=MAX_ERR, help="cu2qu tolerance in font units")
    args = parser.parse_args(argv)
    report = build(args.source, args.output, args.face, args.max_err)
    for key, value in report.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
