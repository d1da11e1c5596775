"""Spreadsheet output with formula neutralisation. Pure: no Flask, no DB."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value that no spreadsheet will run as a formula (text gets a leading ')."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def workbook_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """An .xlsx file with one sheet per (title, header, rows); every cell neutralised."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append([neutralise(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # stored as text, never as a formula
    out = BytesIO()
    book.save(out)
    return out.getvalue()
