"""Plain report workbooks: one sheet per table, a title row, a bold header, numbers kept as numbers
(openpyxl writes a Decimal as a numeric cell, so Excel can sum the money columns)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# (sheet name, title, headers, rows)
Table = tuple[str, str, Sequence[str], Sequence[Sequence[Any]]]


def _printable(value: Any) -> Any:
    # openpyxl refuses control characters (a pasted \x07 in a title); they show nothing, so they are dropped.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write_tables(path: Path, tables: Sequence[Table]) -> None:
    """Write the workbook through a temporary file; on failure (OSError) nothing is left behind."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, title, headers, rows in tables:
        sheet = workbook.create_sheet(name[:31])
        sheet.append([_printable(title)])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(list(headers))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_printable(v) for v in row])
        sheet.freeze_panes = "A3"
        for index, header in enumerate(headers, start=1):
            width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:200]]) * 2 + 2
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), 60)
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, Decimal):  # money: stored as a number, shown with 2 places
                    cell.number_format = "0.00"
    temp = path.with_name(path.name + ".part")
    try:
        workbook.save(temp)
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
