"""What every printed form shares: A4 pages in the bundled font, header and footer, 「第 x 页 共 y 页」,
wrapping table cells with headers repeated on every page, and byte-identical output for the same data.

Forms build a list of flowables (a "story") with `para`, `grid_table` and `signature_table`, and hand it
to `build_pdf` with a `PageSetup`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from app.io.pdf.fonts import body_font

MARGIN = 15 * mm
HEADER_GAP = 9 * mm  # room above the frame for the header line
FOOTER_GAP = 12 * mm  # room below the frame for the footer lines
MARK_LENGTH = 16  # hex digits of each journal hash in a page footer: enough to find the record
GRID_COLOUR = colors.black
HEAD_FILL = colors.Color(0.9, 0.9, 0.9)


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    head: ParagraphStyle
    small: ParagraphStyle


@cache
def styles() -> Styles:
    font = body_font()

    def style(
        name: str, size: float, align: int = TA_LEFT, leading: float | None = None, **kw: Any
    ) -> ParagraphStyle:
        # CJK wrapping breaks between any two characters, so a long name or number never overflows a cell.
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=leading or size * 1.35,
            alignment=align,
            wordWrap="CJK",
            **kw,
        )

    return Styles(
        title=style("title", 18, TA_CENTER, spaceAfter=4 * mm),
        subtitle=style("subtitle", 10.5, TA_CENTER, spaceAfter=3 * mm),
        heading=style("heading", 12, leading=17, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        body=style("body", 10.5, leading=16),
        cell=style("cell", 9),
        cell_center=style("cell_center", 9, TA_CENTER),
        cell_right=style("cell_right", 9, TA_RIGHT),
        head=style("head", 9, TA_CENTER),
        small=style("small", 7.5),
    )


def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain text: markup characters are escaped and line breaks kept."""
    safe = escape(text or "").replace("\r\n", "\n").replace("\n", "<br/>")
    return Paragraph(safe, style or styles().body)


def one_per_page(items: Sequence[Any], render: Callable[[Any], Story]) -> Story:
    """The stories of several sheets, each starting on a new page."""
    story: Story = []
    for index, item in enumerate(items):
        if index:
            story.append(PageBreak())
        story += render(item)
    return story


def _cell(value: object, style: ParagraphStyle) -> object:
    if isinstance(value, Flowable):
        return value
    return para("" if value is None else str(value), style)


def grid_table(
    headers: Sequence[Sequence[object]],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    align: Sequence[str] | None = None,
    extra_style: Sequence[tuple[Any, ...]] = (),
    cell_style: ParagraphStyle | None = None,
    head_style: ParagraphStyle | None = None,
) -> Table:
    """A ruled table; the header rows repeat at the top of every page it runs onto.

    `align` gives each column's alignment: "L", "C" or "R". Strings become wrapping paragraphs."""
    st = styles()
    base = cell_style or st.cell
    by_align = {
        "L": base,
        "C": ParagraphStyle(base.name + "_c", parent=base, alignment=TA_CENTER),
        "R": ParagraphStyle(base.name + "_r", parent=base, alignment=TA_RIGHT),
    }
    column_styles = [by_align[a] for a in (align or ["L"] * len(widths))]
    data = [[_cell(v, head_style or st.head) for v in row] for row in headers]
    data += [[_cell(v, column_styles[i]) for i, v in enumerate(row)] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=len(headers), hAlign="CENTER")
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), body_font()),  # else empty cells pull in unembedded Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if headers:
        commands.append(("BACKGROUND", (0, 0), (-1, len(headers) - 1), HEAD_FILL))
    table.setStyle(TableStyle(commands + list(extra_style)))
    return table


class EntryMark(Flowable):
    """Invisible; tells the page footer that a record with this journal hash appears on the page."""

    def __init__(self, journal_hash: str) -> None:
        super().__init__()
        self.journal_hash = journal_hash
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        marks = getattr(self.canv, "page_marks", None)
        if marks is not None and self.journal_hash not in marks:
            marks.append(self.journal_hash)


class PageAnchor(Flowable):
    """Invisible; notes the page it lands on under `key`, for a `PageNumber` elsewhere (a contents page)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        refs = getattr(self.canv, "page_refs", None)
        if refs is not None:
            refs.setdefault(self.key, self.canv.getPageNumber())


class PageNumber(Flowable):
    """The number of the page its `PageAnchor` lands on, right-aligned in one line of `style`. It may come
    before the anchor: it is written when every page has been laid out, as the footers' totals are."""

    def __init__(self, key: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.key = key
        self.style = style

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        late = getattr(self.canv, "page_late", None)
        if late is None:
            return
        # where a one-line Paragraph of the same style would put its baseline
        x, y = self.canv.absolutePosition(self.width, self.height - self.style.fontSize)
        key, font, size = self.key, self.style.fontName, self.style.fontSize

        def write(canvas: Canvas) -> None:
            page = canvas.page_refs.get(key)  # type: ignore[attr-defined]
            if page is not None:
                canvas.setFont(font, size)
                canvas.drawRightString(x, y, str(page))

        late.append(write)


Story = list[Flowable]


@dataclass(frozen=True)
class PageSetup:
    title: str  # the form's name: header, and the PDF's title
    branch_name: str
    created: dt.datetime  # taken from the data (e.g. the journal head's time), never the clock
    landscape: bool = False
    header_note: str = ""  # e.g. the period, right of the header line
    footer_note: str = ""  # e.g. "日志哈希 …", bottom left
    marks_label: str = ""  # when set, the footer lists the EntryMark hashes of the page after this label
    subject: str = ""


class _Stamp:
    """Stands in for reportlab's TimeStamp so the PDF's CreationDate/ModDate come from the data."""

    def __init__(self, when: dt.datetime) -> None:
        utc = when.astimezone(dt.UTC) if when.tzinfo else when
        self.t = utc.replace(tzinfo=dt.UTC).timestamp()
        self.YMDhms = (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
        self.lt = (*self.YMDhms, 0, 0, 0)
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def _canvas_class(setup: PageSetup, on_page: Callable[[int], None] | None) -> type[Canvas]:
    font = body_font()

    class FormCanvas(Canvas):
        """Holds every page back until the end, so each footer can say how many pages there are."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _Stamp(setup.created)
            self._held: list[tuple[dict[str, Any], list[str], list[Callable[[Canvas], None]]]] = []
            self.page_marks: list[str] = []
            self.page_refs: dict[str, int] = {}  # PageAnchor key → page number
            self.page_late: list[Callable[[Canvas], None]] = []  # drawn on this page at the end

        def showPage(self) -> None:
            self._held.append((dict(self.__dict__), list(self.page_marks), self.page_late))
            self.page_marks = []
            self.page_late = []
            if on_page is not None:
                on_page(len(self._held))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, (state, marks, late) in enumerate(self._held, start=1):
                self.__dict__.update(state)
                for write in late:
                    write(self)
                self._decorate(number, total, marks)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, number: int, total: int, marks: list[str]) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setStrokeColor(colors.black)
            self.setLineWidth(0.5)
            top = height - MARGIN - HEADER_GAP + 2.5 * mm
            self.setFont(font, 8.5)
            self.drawString(MARGIN, top + 1.5 * mm, setup.branch_name)
            right = setup.title + (f"　{setup.header_note}" if setup.header_note else "")
            self.drawRightString(width - MARGIN, top + 1.5 * mm, right)
            self.line(MARGIN, top, width - MARGIN, top)
            bottom = MARGIN + FOOTER_GAP - 3 * mm
            self.line(MARGIN, bottom, width - MARGIN, bottom)
            self.setFont(font, 8.5)
            self.drawCentredString(width / 2, bottom - 4.5 * mm, f"第 {number} 页 共 {total} 页")
            self.setFont(font, 7)
            self.drawString(MARGIN, bottom - 4.5 * mm, setup.branch_name)
            if setup.footer_note:
                self.drawRightString(width - MARGIN, bottom - 4.5 * mm, setup.footer_note)
            if setup.marks_label and marks:
                shown = "　".join(h[:MARK_LENGTH] for h in marks)
                self.setFont(font, 6.5)
                self.drawString(MARGIN, bottom - 8.5 * mm, f"{setup.marks_label}{shown}")
            self.restoreState()

    return FormCanvas


def page_size(setup: PageSetup) -> tuple[float, float]:
    return landscape(A4) if setup.landscape else A4


def frame_width(setup: PageSetup) -> float:
    return page_size(setup)[0] - 2 * MARGIN


def render_pdf(
    setup: PageSetup, story: list[Flowable], on_page: Callable[[int], None] | None = None
) -> tuple[bytes, int]:
    """The PDF's bytes and its page count. `on_page` is called after each page is laid out (it may raise
    to cancel)."""
    font = body_font()
    size = page_size(setup)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_GAP,
        bottomMargin=MARGIN + FOOTER_GAP,
        title=f"{setup.branch_name} {setup.title}",
        author="支部记录本",
        subject=setup.subject or setup.title,
        creator="支部记录本",
        invariant=1,
        pageCompression=1,
        initialFontName=font,
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame], pagesize=size)])
    doc.build(story, canvasmaker=_canvas_class(setup, on_page))
    pages = doc.page
    return buffer.getvalue(), pages


def write_pdf(
    target: Path, setup: PageSetup, story: list[Flowable], on_page: Callable[[int], None] | None = None
) -> int:
    """Render, then write through a temporary file and rename, so a failed run leaves no half-written PDF.
    Returns the page count."""
    data, pages = render_pdf(setup, story, on_page)
    target = Path(target)
    temp = target.with_name(target.name + ".part")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return pages


def signature_table(labels: Sequence[str], width: float) -> Table:
    """Signature lines, one per person: 「主持人（签字）：＿＿＿＿　日期：＿＿＿＿」, ruled for a pen."""
    st = styles()
    rows = [[para(f"{label}（签字）：", st.body), "", para("日期：", st.body), ""] for label in labels]
    widths = [width * 0.22, width * 0.38, width * 0.1, width * 0.3]
    table = Table(rows, colWidths=widths, rowHeights=[11 * mm] * len(rows), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), body_font()),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.5, GRID_COLOUR),
                ("LINEBELOW", (3, 0), (3, -1), 0.5, GRID_COLOUR),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ]
        )
    )
    return table
