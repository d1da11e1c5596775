"""Spreadsheet output that no spreadsheet program runs as a formula: one rule for every
export (plans, annual records, competition results, the question template). Pure: no
Flask, no database.

- In ``.xlsx`` every text is a typed string cell (an inline string, never ``<f>``): it
  is shown exactly as written, with no apostrophe, and never evaluated. (XML reads a
  carriage return as a line break, so a CR comes back as LF: still text.)
- In ``.csv`` a program guesses each cell's type, so text starting with a character that
  starts a formula or a command (``= + - @``, a tab, a carriage return, or the full-width
  ``＝ ＋ － ＠`` that some programs fold into them) gets a leading apostrophe.
- Numbers (and None) are written as they are; a (naive, local) datetime is a real date
  cell with the number format ``DATETIME_FORMAT``, so a spreadsheet sorts and filters it.

Readers of our own files undo the apostrophe with ``unquote_cell``; text that already
starts with apostrophes before such a character gets one more, so that round trip is exact.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

__all__ = ["DATETIME_FORMAT", "FORMULA_STARTS", "csv_bytes", "csv_cell", "quote_for_reader",
           "unquote_cell", "workbook_bytes", "xlsx_cell", "xlsx_row"]

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
FORMULA_STARTS = "=+-@\t\r＝＋－＠"
_CLASS = "[" + re.escape(FORMULA_STARTS) + "]"
_NEEDS_QUOTE = re.compile("'*" + _CLASS)  # could run as a formula, or looks quoted already
_QUOTED = re.compile("'+" + _CLASS)  # a leading apostrophe that csv_cell put there


def csv_cell(value):
    """A CSV cell: text a spreadsheet could run gets a leading apostrophe; the rest as is."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def quote_for_reader(text: str) -> str:
    """An .xlsx text that ``unquote_cell`` reads back as ``text``: only text that already
    starts with apostrophes before a formula character gets one more (others as is)."""
    return "'" + text if _QUOTED.match(text) else text


def unquote_cell(text: str) -> str:
    """The text a cell of our own export stands for (the guard apostrophe removed)."""
    return text[1:] if _QUOTED.match(text) else text


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows as CSV (every cell through ``csv_cell``): UTF-8 with a BOM so that Excel
    reads it, CRLF line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_cell(sheet, value) -> Cell:
    """A cell for ``sheet.append`` (normal or write-only sheets): text as a typed string,
    never a formula (characters XML cannot hold are dropped, "" is a blank cell); other
    values as they are; a datetime (naive, in the time the reader should see: .xlsx has no
    zones) as a date cell shown as ``DATETIME_FORMAT``."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("an .xlsx date cannot hold a time zone: convert to local time")
        cell = Cell(sheet, row=1, column=1, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value) or None  # a blank cell stays empty
    if not isinstance(value, str):
        return Cell(sheet, row=1, column=1, value=value)
    cell = Cell(sheet, row=1, column=1)  # append() gives it its place
    cell._value = value  # set directly: no formula guess
    cell.data_type = "s"
    return cell


def xlsx_row(sheet, values: Iterable) -> list[Cell]:
    return [xlsx_cell(sheet, value) for value in values]


def workbook_bytes(sheets: list[tuple[str, list, list[list]]]) -> bytes:
    """An .xlsx file with one sheet per (title, header, rows), the header in bold."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(xlsx_row(sheet, header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
