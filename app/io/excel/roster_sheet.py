"""The member roster (党员花名册) as an .xlsx sheet: read the one a secretary keeps, write our template.

Reading is tolerant of what real sheets look like: title and 填报单位 lines above the header,
shuffled columns with local header names (出生年月, 入党时间, 身份证号 …), headers with line
breaks, full-width characters or a remark in parentheses, blank rows, and a signature footer.
It only collects cell values; deciding what a value means (a date, a status) is the service's job.

Opening is defensive: the file is checked as a zip (size, entry count, inflated size) before
openpyxl touches it, and openpyxl parses the XML through defusedxml.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter

MAX_FILE_BYTES = 20 * 1024 * 1024  # refuse bigger .xlsx files
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # refuse zips that inflate beyond this (zip bomb)
MAX_ROWS = 20000
MAX_ZIP_ENTRIES = 10_000  # a real workbook has a few dozen parts
HEADER_SEARCH_ROWS = 30  # the header must be within this many rows from the top

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # compound file (.xls, or an .xlsx with a password)
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")  # stream name inside a password-protected .xlsx


class SheetError(Exception):
    """The file as a whole cannot be read. str(exc) is a plain Chinese message that names the file."""


@dataclass(frozen=True)
class ColumnSpec:
    field: str  # our field key
    header: str  # the header our template writes
    synonyms: tuple[str, ...]  # headers found in real sheets (including `header` itself)


ROSTER_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("name", "姓名", ("姓名", "党员姓名")),
    ColumnSpec("gender", "性别", ("性别",)),
    ColumnSpec("ethnicity", "民族", ("民族",)),
    ColumnSpec("birth_date", "出生日期", ("出生日期", "出生年月", "出生年月日")),
    ColumnSpec("id_number", "公民身份号码", ("公民身份号码", "身份证号", "身份证号码", "身份证")),
    ColumnSpec("education", "学历", ("学历", "文化程度", "最高学历")),
    ColumnSpec("native_place", "籍贯", ("籍贯",)),
    ColumnSpec("work_start", "参加工作日期", ("参加工作日期", "参加工作时间", "参加工作年月")),
    ColumnSpec("joined_on", "入党日期", ("入党日期", "入党时间", "入党年月")),
    ColumnSpec("full_on", "转正日期", ("转正日期", "转正时间", "转正年月")),
    # Real sheets use 人员类别 and 党员类别 for either meaning; the service reads the values.
    ColumnSpec("status", "人员类别", ("人员类别",)),
    ColumnSpec("category", "党员类别", ("党员类别",)),
    ColumnSpec("post", "党内职务", ("党内职务",)),
    ColumnSpec("job", "工作岗位", ("工作岗位", "岗位", "行政职务", "工作单位及职务")),
    ColumnSpec("phone", "联系电话", ("联系电话", "手机", "手机号", "手机号码", "电话", "联系方式")),
    ColumnSpec("group", "党小组", ("党小组", "所在党小组")),
    ColumnSpec("team", "班组", ("班组", "所在班组", "倒班班组")),
    ColumnSpec("mobile", "流动党员外出流向", ("流动党员外出流向", "流动党员", "外出流向", "是否流动党员")),
    ColumnSpec("note", "备注", ("备注",)),
    ColumnSpec(
        "in_branch_from",
        "进入本支部日期",
        ("进入本支部日期", "转入本支部日期", "进入支部日期", "转入日期", "组织关系转入日期"),
    ),
    ColumnSpec("dues_paid_through", "党费交至", ("党费交至", "党费交至年月", "党费缴至", "党费交纳至")),
)

# Columns our template stores as text so Excel keeps 18-digit IDs, leading zeros and "1985.03" intact.
TEXT_FIELDS = frozenset(
    {
        "id_number",
        "phone",
        "birth_date",
        "work_start",
        "joined_on",
        "full_on",
        "in_branch_from",
        "dues_paid_through",
    }
)
BLANK_RUN_END = 200  # this many blank rows in a row end the sheet; rows after a shorter gap are reported

_SYNONYM_TO_FIELD: dict[str, str] = {syn: spec.field for spec in ROSTER_COLUMNS for syn in spec.synonyms}
_SILENTLY_IGNORED_HEADERS = frozenset({"序号", "编号"})
_FOOTER_PREFIXES = (
    "制表人",
    "填表人",
    "填报人",
    "审核人",
    "负责人",
    "制表日期",
    "填报日期",
    "合计",
    "总计",
    "说明",
    "注:",
)

_COLUMN_WIDTHS = {
    "name": 10,
    "gender": 6,
    "ethnicity": 8,
    "birth_date": 12,
    "id_number": 21,
    "education": 10,
    "native_place": 12,
    "work_start": 13,
    "joined_on": 12,
    "full_on": 12,
    "status": 10,
    "category": 10,
    "post": 12,
    "job": 16,
    "phone": 14,
    "group": 12,
    "team": 10,
    "mobile": 16,
    "note": 20,
}


@dataclass
class SheetRow:
    row: int  # 1-based Excel row number, as the user sees it in Excel
    values: dict[str, object] = field(default_factory=dict)  # field key -> non-empty cell value


@dataclass
class RosterSheet:
    path: Path
    sheet_name: str
    header_row: int  # 1-based
    columns: dict[str, str]  # field key -> the header text as found in the sheet
    column_letters: dict[str, str]  # field key -> Excel column letter ("C")
    ignored_headers: list[str]  # headers we did not recognise (e.g. 家庭住址)
    rows: list[SheetRow]
    hidden_rows: frozenset[int] = frozenset()  # rows hidden in Excel (imported, and said so)
    after_gap: tuple[int, ...] = ()  # filled rows below two blank rows: not imported, and said so


# --------------------------------------------------------------------------- text normalisation

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20
# Zero-width characters that ride along with text pasted from web pages and chat apps.
_INVISIBLE = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF))
_TRANSLATION = {**_FULL_WIDTH, **_INVISIBLE}
# In cell values only digits, Latin letters and the ideographic space are narrowed: full-width
# punctuation such as （） in free text (备注, 外出流向) is the secretary's own writing and stays.
_CELL_TRANSLATION = {
    **{
        code: code - 0xFEE0
        for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
    },
    0x3000: 0x20,
    **_INVISIBLE,
}
_WHITESPACE = re.compile(r"\s+")
_TRAILING_REMARK = re.compile(r"\([^()]*\)$")


def normalise_cell_text(text: str) -> str:
    """Full-width digits and letters to half-width, U+3000 to a space, whitespace collapsed, stripped.

    Deliberately not NFKC: that would rewrite CJK compatibility ideographs, which occur in names.
    Zero-width spaces are dropped. Characters outside the BMP pass through unchanged.
    """
    return _WHITESPACE.sub(" ", text.translate(_CELL_TRANSLATION)).strip()


def normalise_header(text: str) -> str:
    """The form a header is compared in: half-width, no whitespace at all, no trailing remark or colon.

    "出生年月\\n（年.月）" → "出生年月"; "入党时间：" → "入党时间"; "*姓名" → "姓名".
    """
    text = _WHITESPACE.sub("", text.translate(_TRANSLATION))
    while True:
        shorter = _TRAILING_REMARK.sub("", text).rstrip(":").strip("*")
        if shorter == text or not shorter:
            return text
        text = shorter


def _header_display(text: str) -> str:
    """A header as shown back to the user: half-width, line breaks and spaces removed."""
    return _WHITESPACE.sub("", text.translate(_TRANSLATION))


def _normalise_value(key: str, value: object) -> object | None:
    """A cell value as handed to the service; None for an empty cell.

    Coded fields (ID number, phone, dates) are narrowed fully, so １９８５．０３ reads as 1985.03;
    free text keeps its full-width punctuation.
    """
    if value is None:
        return None
    if isinstance(value, str):
        if key in TEXT_FIELDS:
            return _WHITESPACE.sub(" ", value.translate(_TRANSLATION)).strip() or None
        return normalise_cell_text(value) or None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0, 0) and value.tzinfo is None else value
    return value


def _is_blank(row: Sequence[object]) -> bool:
    for value in row:
        if value is None:
            continue
        if isinstance(value, str) and not normalise_cell_text(value):
            continue
        return False
    return True


def _is_footer(row: Sequence[object]) -> bool:
    for value in row:
        if value is None:
            continue
        if isinstance(value, str):
            text = _WHITESPACE.sub("", value.translate(_TRANSLATION))
            if not text:
                continue
            return text.startswith(_FOOTER_PREFIXES)
        return False
    return False


# --------------------------------------------------------------------------- opening safely


def _quoted(path: Path) -> str:
    return f"“{path.name}”"


def _size_text(n: int) -> str:
    mib = 1024 * 1024
    if n >= mib:
        return f"{n / mib:.0f} MB" if n % mib == 0 else f"{n / mib:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


def _check_file(path: Path) -> None:
    """Refuse what openpyxl should never see: missing, .xls, encrypted, oversized, not a zip, zip bombs."""
    name = _quoted(path)
    if not path.exists():
        raise SheetError(f"找不到文件{name}，它可能已被移动或删除")
    if not path.is_file():
        raise SheetError(f"{name}不是一个文件，无法作为花名册导入")
    if path.suffix.lower() == ".xls":
        raise SheetError(f"{name}是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为” .xlsx 后再导入")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(len(_OLE2_MAGIC))
            if head == _OLE2_MAGIC and size <= MAX_FILE_BYTES:
                body = head + fh.read()
            else:
                body = b""
    except OSError as exc:
        raise SheetError(
            f"无法打开{name}：如果它正在 Excel 或 WPS 中打开，请先关闭后再试（{exc.strerror}）"
        ) from exc
    if head == _OLE2_MAGIC:
        if _ENCRYPTED_MARK in body:
            raise SheetError(
                f"{name}设置了打开密码，无法读取。请在 Excel 或 WPS 中取消密码，"
                "或“另存为”不加密的 .xlsx 后再导入"
            )
        raise SheetError(f"{name}是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为” .xlsx 后再导入")
    if size > MAX_FILE_BYTES:
        raise SheetError(
            f"{name}太大（{_size_text(size)}），超过了 {_size_text(MAX_FILE_BYTES)} 的上限。"
            "花名册通常只有几百 KB，请确认选择的文件是否正确"
        )
    if size == 0:
        raise SheetError(f"{name}是空文件，不是有效的 Excel（.xlsx）文件")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise SheetError(f"{name}不是有效的 Excel（.xlsx）文件，可能已损坏或并非表格文件") from exc
    except OSError as exc:
        raise SheetError(f"无法读取{name}（{exc.strerror or exc}）") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise SheetError(f"{name}内部包含的文件超过 {MAX_ZIP_ENTRIES} 个，不像是正常的表格文件，已拒绝导入")
    inflated = sum(entry.file_size for entry in entries)
    if inflated > MAX_UNCOMPRESSED_BYTES:
        raise SheetError(
            f"{name}解压后超过 {_size_text(MAX_UNCOMPRESSED_BYTES)} 的上限，"
            "不像是正常的表格文件（可能已损坏），已拒绝导入"
        )


# --------------------------------------------------------------------------- header detection


@dataclass
class _Header:
    row: int
    columns: dict[str, str]  # field -> header display text
    indexes: dict[str, int]  # field -> 0-based column index
    ignored: list[str]


def _parse_header(row_number: int, row: Sequence[object]) -> _Header:
    columns: dict[str, str] = {}
    indexes: dict[str, int] = {}
    ignored: list[str] = []
    for index, value in enumerate(row):
        if value is None:
            continue
        text = value if isinstance(value, str) else str(value)
        key = normalise_header(text)
        if not key:
            continue
        found = _SYNONYM_TO_FIELD.get(key)
        if found is not None and found not in indexes:
            columns[found] = _header_display(text)
            indexes[found] = index
        elif key not in _SILENTLY_IGNORED_HEADERS:
            ignored.append(_header_display(text))
    return _Header(row_number, columns, indexes, ignored)


def _find_header(rows: Sequence[Sequence[object]]) -> _Header | None:
    best: _Header | None = None
    for number, row in enumerate(rows, start=1):
        candidate = _parse_header(number, row)
        if "name" not in candidate.indexes or len(candidate.indexes) < 3:
            continue
        if best is None or len(candidate.indexes) > len(best.indexes):
            best = candidate
    return best


# --------------------------------------------------------------------------- reading


def _scan_sheet(ws: object) -> tuple[_Header, list[tuple], Iterator[tuple]] | None:
    """Look for the header in the first rows; return it with the buffered rows and the live iterator."""
    iter_rows = getattr(ws, "iter_rows", None)
    if iter_rows is None:  # a chartsheet
        return None
    if hasattr(ws, "reset_dimensions"):
        # Some writers store a wrong <dimension>; read what is really there.
        ws.reset_dimensions()
    rows = iter_rows(values_only=True)
    head: list[tuple] = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    header = _find_header(head)
    if header is None:
        return None
    return header, head, rows


def _data_rows(path: Path, header: _Header, rows: Iterable[tuple]) -> tuple[list[SheetRow], list[int]]:
    """The rows of the table, and the filled rows found below two blank rows (another table, or members the
    secretary would miss if they were dropped without a word)."""
    result: list[SheetRow] = []
    after_gap: list[int] = []
    blank_run = 0
    gap = False
    fields = list(header.indexes.items())
    for number, row in enumerate(rows, start=header.row + 1):
        if _is_blank(row):
            blank_run += 1
            if blank_run >= BLANK_RUN_END:
                break
            gap = gap or blank_run >= 2
            continue
        blank_run = 0
        if _is_footer(row):
            break
        if gap:
            if len(after_gap) < MAX_ROWS:
                after_gap.append(number)
            continue
        values: dict[str, object] = {}
        width = len(row)
        for key, index in fields:
            if index < width:
                value = _normalise_value(key, row[index])
                if value is not None:
                    values[key] = value
        if not values:
            # Only unrecognised columns are filled (e.g. pre-numbered 序号 rows): nothing to import.
            continue
        if len(result) >= MAX_ROWS:
            raise SheetError(f"{_quoted(path)}的数据超过 {MAX_ROWS} 行，超出了可导入的上限，请拆分后再导入")
        result.append(SheetRow(number, values))
    return result, after_gap


_HIDDEN_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"[^>]*?\bhidden=\"(?:1|true)\"")
_HIDDEN_ROW_FIRST = re.compile(rb"<(?:\w+:)?row\b[^>]*?\bhidden=\"(?:1|true)\"[^>]*?\br=\"(\d+)\"")


def _hidden_rows(path: Path, worksheet: object) -> frozenset[int]:
    """Row numbers hidden in Excel. Read-only openpyxl does not report them, so read the sheet's XML."""
    member = getattr(worksheet, "_worksheet_path", None)
    if not member:
        return frozenset()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as xml:
            data = xml.read(MAX_UNCOMPRESSED_BYTES)
    except (OSError, KeyError, zipfile.BadZipFile):
        return frozenset()
    found = {int(m) for m in _HIDDEN_ROW.findall(data)} | {int(m) for m in _HIDDEN_ROW_FIRST.findall(data)}
    return frozenset(found)


def read_roster_sheet(path: Path) -> RosterSheet:
    """Read the member roster sheet in `path` (.xlsx). Raises SheetError if the file cannot be used."""
    path = Path(path)
    _check_file(path)
    name = _quoted(path)
    try:
        with path.open("rb") as fh:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
            try:
                return _read_workbook(path, wb)
            finally:
                wb.close()
    except SheetError:
        raise
    except OSError as exc:
        raise SheetError(
            f"无法打开{name}：如果它正在 Excel 或 WPS 中打开，请先关闭后再试（{exc.strerror or exc}）"
        ) from exc
    except Exception as exc:  # openpyxl/zip/XML failures on a broken or hostile file
        raise SheetError(f"{name}不是有效的 Excel（.xlsx）文件，可能已损坏，无法读取") from exc


def _read_workbook(path: Path, wb: openpyxl.Workbook) -> RosterSheet:
    active = wb.active
    candidates = [active] if active is not None else []
    sheets = list(wb.worksheets)
    candidates += [ws for ws in sheets if ws is not active and ws.sheet_state == "visible"]
    candidates += [ws for ws in sheets if ws is not active and ws.sheet_state != "visible"]
    for ws in candidates:
        scanned = _scan_sheet(ws)
        if scanned is None:
            continue
        header, head, rest = scanned

        def remaining(
            head: list[tuple] = head, rest: Iterator[tuple] = rest, start: int = header.row
        ) -> Iterator:
            yield from head[start:]
            yield from rest

        rows, after_gap = _data_rows(path, header, remaining())
        return RosterSheet(
            path=path,
            sheet_name=ws.title,
            header_row=header.row,
            columns=header.columns,
            column_letters={key: get_column_letter(index + 1) for key, index in header.indexes.items()},
            ignored_headers=header.ignored,
            rows=rows,
            hidden_rows=_hidden_rows(path, ws),
            after_gap=tuple(after_gap),
        )
    raise SheetError(
        f"{_quoted(path)}中找不到表头（需要有“姓名”列，以及至少两个其他可识别的列，"
        f"如性别、出生日期、入党日期；表头须在前 {HEADER_SEARCH_ROWS} 行内）"
    )


# --------------------------------------------------------------------------- writing


def _cell_value(key: str, value: object) -> object:
    if value is None:
        return None
    if key in TEXT_FIELDS and not isinstance(value, str):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value or None
    return value


def write_roster_sheet(
    path: Path, rows: Sequence[Mapping[str, object]], *, unit: str = "", title: str = "党员花名册"
) -> None:
    """Write `rows` (field key -> value) as our roster template; read_roster_sheet reads it back unchanged.

    Values in ID, phone and date columns are written as text in text-formatted cells.
    Strings are always stored as text, never as formulas, even if they start with "=".
    """
    path = Path(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ncols = len(ROSTER_COLUMNS)
    last = get_column_letter(ncols)

    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    ws["A2"] = f"填报单位：{unit}"
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(f"A2:{last}2")

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col, spec in enumerate(ROSTER_COLUMNS, start=1):
        cell = ws.cell(row=3, column=col, value=spec.header)
        cell.font = bold
        cell.border = border
        cell.alignment = centred
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = _COLUMN_WIDTHS.get(spec.field, 12)
        if spec.field in TEXT_FIELDS:
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "B4"

    # Named styles: assigning one per cell is far cheaper than setting border and format on each.
    body_style = "花名册正文"
    text_style = "花名册文本"
    wb.add_named_style(NamedStyle(name=body_style, border=border, alignment=Alignment(vertical="center")))
    wb.add_named_style(
        NamedStyle(name=text_style, border=border, number_format="@", alignment=Alignment(vertical="center"))
    )
    # Resolve each named style once; copying its style array per cell is what openpyxl does inside, minus the
    # name lookup that made 5,000 rows slow.
    styles = {}
    for name in (body_style, text_style):
        probe = ws.cell(row=4, column=1)
        probe.style = name
        styles[name] = copy.copy(probe._style)
    column_styles = [
        styles[text_style if spec.field in TEXT_FIELDS else body_style] for spec in ROSTER_COLUMNS
    ]
    for offset, record in enumerate(rows):
        excel_row = 4 + offset
        for col, spec in enumerate(ROSTER_COLUMNS, start=1):
            value = _cell_value(spec.field, record.get(spec.field))
            cell = ws.cell(row=excel_row, column=col)
            if value is not None:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula or an error code
            cell._style = copy.copy(column_styles[col - 1])
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # Save next to the target and swap it in, so a failed save never leaves half a file behind.
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise SheetError(
            f"无法保存{_quoted(path)}：如果它正在 Excel 或 WPS 中打开，请先关闭后再试（{exc.strerror or exc}）"
        ) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
