"""Writing rows as an Excel workbook (openpyxl, write-only) or as a CSV for Danish Excel.

Both take rows of plain values (text, whole numbers, dates, date-times, None) and neutralise
formula injection the same way (OWASP, "CSV Injection"): a text that begins with `=`, `+`,
`-`, `@`, a tab or a carriage return could be run as a formula by a spreadsheet.

- In a workbook such a text is written as a text cell (never a formula cell) with Excel's
  "quote prefix" flag, the mark Excel itself sets when someone types a leading apostrophe: the
  text is shown as typed, and stays text when the cell is edited.
- In a CSV, which has no cell types, it gets a leading apostrophe, and every field is quoted.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.columns import Column

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
CSV_DATE = "%d-%m-%Y"
CSV_DATETIME = "%d-%m-%Y %H:%M"
# Excel's limit for one worksheet name.
SHEET_TITLE_LENGTH = 31

Value = str | int | float | datetime.date | datetime.datetime | None


def is_formula_like(value: object) -> bool:
    """Would a spreadsheet read this text as the start of a formula?"""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralised(value: str) -> str:
    """The text as a CSV field that no spreadsheet runs as a formula."""
    return f"'{value}" if is_formula_like(value) else value


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Value]]


def _header(ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> list[WriteOnlyCell]:
    bold = Font(bold=True)
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = bold
        cells.append(cell)
    return cells


def _cells(ws: WriteOnlyWorksheet, row: Sequence[Value]) -> list:
    """The row with the values that need a cell of their own made into one: dates in Danish
    order, and formula-like text as quote-prefixed text. Everything else is passed as it is,
    which is openpyxl's fast path."""
    out: list = []
    for value in row:
        if value is None or value == "":
            out.append(None)
        elif isinstance(value, str):
            if value.startswith(FORMULA_STARTS):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
                cell.quotePrefix = True
                out.append(cell)
            else:
                out.append(value)
        elif isinstance(value, datetime.datetime):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATETIME_FORMAT
            out.append(cell)
        elif isinstance(value, datetime.date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATE_FORMAT
            out.append(cell)
        else:
            out.append(value)
    return out


def write_workbook(sheets: Iterable[Sheet]) -> IO[bytes]:
    """The sheets as an .xlsx file, rewound: headers in bold, the header row frozen, an
    autofilter over every row, column widths from the columns. Rows are streamed to disk by
    openpyxl's write-only mode, so memory stays flat whatever the number of rows."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:SHEET_TITLE_LENGTH])
        # Widths and the frozen pane must be set before the first row is written.
        for number, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = column.width
        ws.freeze_panes = "A2"
        ws.append(_header(ws, sheet.columns))
        count = 0
        for row in sheet.rows:
            ws.append(_cells(ws, row))
            count += 1
        last = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    workbook.save(output)
    output.seek(0)
    return output


class _Line:
    """A file that hands back what the csv writer writes, so that rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value: Value, *, dates: str, datetimes: str) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    if isinstance(value, datetime.datetime):
        return value.strftime(datetimes)
    if isinstance(value, datetime.date):
        return value.strftime(dates)
    return value


def csv_lines(
    headers: Sequence[str],
    rows: Iterable[Sequence[Value]],
    *,
    dates: str = CSV_DATE,
    datetimes: str = CSV_DATETIME,
    batch: int = 200,
) -> Iterator[bytes]:
    """The rows as CSV for Danish Excel, in pieces for a StreamingHttpResponse: UTF-8 with a
    byte-order mark (without it Excel reads Windows-1252), semicolons (Danish Excel's list
    separator, the comma being the decimal sign), every field quoted, dates as dd-mm-yyyy.
    The header goes out before the first row is read."""
    writer = csv.writer(_Line(), delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow([neutralised(str(h)) for h in headers])).encode()
    lines: list[str] = []
    for row in rows:
        lines.append(
            writer.writerow([_csv_value(v, dates=dates, datetimes=datetimes) for v in row])
        )
        if len(lines) >= batch:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()
