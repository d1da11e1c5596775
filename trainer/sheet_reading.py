"""Reading uploaded spreadsheets (.xlsx, .csv) within fixed limits. Pure: no Flask, no
database; messages are translated (the default locale outside an app context).

An upload of a few hundred KiB can unpack to gigabytes or a million rows, so nothing here
trusts what the file says about itself:

- every member of an .xlsx zip is read through a counting stream that stops past
  ``MAX_UNPACKED`` bytes (the sizes the zip declares are ignored);
- rows are counted while they stream (``MAX_ROWS``), and so are cells (``MAX_CELLS``) and
  each cell's length (``MAX_TEXT``); the first limit reached stops the reading with
  ``TooLarge``, whose message names it;
- the recorded used range of a sheet is ignored (some writers record a wrong one);
- a merged range fills every cell it covers (read-only openpyxl does not expose merges, so
  they are read from the sheet XML while counting);
- a formula without a cached value is reported by row and column, never read as empty;
- the header row is searched within the first rows of each sheet, so a title row above it
  or an instructions sheet in front is skipped;
- a cell reads as it displays: dates as 2021-01-01, percentages as 8%;
- .csv is UTF-8 (with or without a BOM) or GB18030/GBK (what Chinese Excel saves).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from trainer.quizzes.parse_messages import message as _l

__all__ = ["MAX_CELLS", "MAX_ROWS", "MAX_TEXT", "MAX_UNPACKED", "HEADER_SEARCH", "Sheet",
           "TooLarge", "Unreadable", "csv_table", "decode_text", "xlsx_table"]

MAX_ROWS = 20_000  # rows after the header: room for 10,000 people or questions, and more
MAX_CELLS = 400_000  # 20,000 rows of 20 columns
MAX_TEXT = 20_000  # characters in one cell
MAX_UNPACKED = 48 * 1024 * 1024  # bytes of every zip member together, once unpacked
HEADER_SEARCH = 5  # the header row is one of the first rows of a sheet
_CHUNK = 64 * 1024
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


class Unreadable(ValueError):
    """The file cannot be read at all; ``row`` is where the reading stopped."""

    def __init__(self, message: str, row: int = 1):
        super().__init__(message)
        self.row = row


class TooLarge(Unreadable):
    """The file goes past one of the limits; the message names it."""


@dataclass
class Sheet:
    """The rows of one table: ``rows`` are (sheet row number, cell texts) after the header
    row, which is ``header`` at ``header_row``; ``problems`` are (row, column letter,
    message) for cells that cannot be read (a formula without a value)."""
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    title: str = ""


def too_many_rows() -> TooLarge:
    return TooLarge(str(_l("The file has more than %(n)s rows: split it into several files.",
                           n=f"{MAX_ROWS:,}")))


def _too_many_cells() -> TooLarge:
    return TooLarge(str(_l("The file has more than %(n)s cells: split it into several files.",
                           n=f"{MAX_CELLS:,}")))


def _too_long(row: int, column: str) -> TooLarge:
    return TooLarge(str(_l("Column %(column)s holds more than %(n)s characters.",
                           column=column, n=f"{MAX_TEXT:,}")), row)


def _too_big() -> TooLarge:
    return TooLarge(str(_l("The workbook unpacks to more than %(n)s MB: split it into "
                           "several files.", n=MAX_UNPACKED // (1024 * 1024))))


# ---------------------------------------------------------------- xlsx


def _damaged() -> Unreadable:
    return Unreadable(str(_l("Cannot read the xlsx file: it is damaged or not an Excel "
                             "workbook.")))


@dataclass
class _Scan:
    """What the counting pass saw in one worksheet XML."""
    merges: list[str] = field(default_factory=list)
    rows: int = 0
    cells: int = 0
    formulas: bool = False


_TAGS = re.compile(rb"<(?:\w{1,8}:)?(row|c|f|mergeCell)[\s>/]")
_TAIL = 300  # longer than any tag the scan looks for, and a mergeCell element


def _scan_zip(data: bytes) -> dict[str, _Scan]:
    """Read every member through a counting stream, refusing past MAX_UNPACKED bytes in
    all, and past MAX_ROWS rows or MAX_CELLS cells in a worksheet (so a million-row sheet
    is refused before any XML parser sees it); return what each worksheet holds."""
    scans: dict[str, _Scan] = {}
    total = 0
    row_cap = MAX_ROWS + HEADER_SEARCH
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        for info in archive.infolist():
            is_sheet = info.filename.startswith("xl/worksheets/") and \
                info.filename.endswith(".xml")
            scan = scans.setdefault(info.filename, _Scan()) if is_sheet else None
            tail = b""
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_UNPACKED:
                        raise _too_big()
                    if scan is None:
                        continue
                    window = tail + chunk
                    for match in _TAGS.finditer(window):
                        if match.end() <= len(tail):
                            continue  # counted with the previous chunk
                        tag = match.group(1)
                        if tag == b"row":
                            scan.rows += 1
                        elif tag == b"c":
                            scan.cells += 1
                        elif tag == b"f":
                            scan.formulas = True
                        else:
                            ref = _MERGE.match(window, match.start())
                            if ref:
                                scan.merges.append(ref.group(1).decode())
                    if scan.rows > row_cap:
                        raise too_many_rows()
                    if scan.cells > MAX_CELLS:
                        raise _too_many_cells()
                    tail = window[-_TAIL:]
    except TooLarge:
        raise
    except Exception as exc:  # zipfile raises many types for a damaged upload
        raise _damaged() from exc
    return scans


def xlsx_table(data: bytes, is_header: Callable[[list[str]], bool]) -> Sheet:
    """The first sheet whose header row (within its first rows) passes ``is_header``;
    when none does, the first sheet with its first row as the header (so the caller names
    the missing columns)."""
    scans = _scan_zip(data)
    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _damaged() from exc
    formulas = None
    try:
        if not values.worksheets:
            raise Unreadable(str(_l("The workbook has no worksheet.")))
        first = None
        for index, sheet in enumerate(values.worksheets):
            scan = scans.get(getattr(sheet, "_worksheet_path", "").lstrip("/"), _Scan())
            formula_sheet = None
            if scan.formulas:  # a second, formula-text reading only where there are any
                formulas = formulas or openpyxl.load_workbook(
                    io.BytesIO(data), read_only=True, data_only=False)
                formula_sheet = formulas.worksheets[index]
            table = _read_sheet(sheet, formula_sheet, scan.merges, is_header)
            if table is not None:
                return table
            if first is None:
                first = _read_sheet(sheet, formula_sheet, [], lambda _cells: True)
        return first
    except (TooLarge, Unreadable):
        raise
    except Exception as exc:  # a damaged sheet fails while its rows stream
        raise _damaged() from exc
    finally:
        values.close()
        if formulas is not None:
            formulas.close()


def _merge_map(ranges: list[str]) -> dict[tuple[int, int], tuple[int, int]]:
    """Each covered (row, column) -> the (row, column) of its range's top-left cell."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for ref in ranges:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if (max_row - min_row + 1) * (max_col - min_col + 1) > MAX_CELLS:
            raise _too_many_cells()
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col):
                    out[(r, c)] = (min_row, min_col)
        if len(out) > MAX_CELLS:
            raise _too_many_cells()
    return out


def _read_sheet(sheet, formula_sheet, merge_ranges: list[str],
                is_header: Callable[[list[str]], bool]) -> Sheet | None:
    sheet.reset_dimensions()  # the recorded used range may be wrong: read every row
    formula_rows = iter(())
    if formula_sheet is not None:
        formula_sheet.reset_dimensions()
        formula_rows = formula_sheet.iter_rows()
    covered = _merge_map(merge_ranges)
    anchors = set(covered.values())
    by_row: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for (r, c), anchor in covered.items():
        by_row.setdefault(r, []).append((c, anchor))
    kept: dict[tuple[int, int], str] = {}
    header, header_row, rows, problems, cells = None, 0, [], [], 0
    for number, row in enumerate(sheet.iter_rows(), start=1):
        formula_row = next(formula_rows, ())
        if header is None and number > HEADER_SEARCH:
            return None
        cells += len(row)
        if cells > MAX_CELLS:
            raise _too_many_cells()
        texts = []
        for at, cell in enumerate(row):
            if getattr(cell, "value", None) is None and at < len(formula_row) and \
                    isinstance(getattr(formula_row[at], "value", None), str) and \
                    formula_row[at].value.startswith("=") and \
                    getattr(formula_row[at], "data_type", "") == "f":
                problems.append((number, get_column_letter(at + 1), str(_l(
                    "column %(column)s holds a formula without a saved value: open the "
                    "file in Excel and save it again, or type the value.",
                    column=get_column_letter(at + 1)))))
                texts.append("")
                continue
            text = display_text(cell)
            if "\x00" in text:  # an escaped _x0000_ in the XML
                problems.append((number, get_column_letter(at + 1), str(_l(
                    "column %(column)s holds a NUL character (\\0), which cannot be stored.",
                    column=get_column_letter(at + 1)))))
                text = ""
            if len(text) > MAX_TEXT:
                raise _too_long(number, get_column_letter(at + 1))
            texts.append(text)
        for column, anchor in by_row.get(number, ()):  # merged cells: their anchor's text
            while len(texts) < column:
                texts.append("")
            if not texts[column - 1]:
                texts[column - 1] = kept.get(anchor, "")
        for at, text in enumerate(texts):
            if (number, at + 1) in anchors:
                kept[(number, at + 1)] = text
        if header is None:
            if is_header(texts):
                header, header_row = texts, number
            continue
        if len(rows) >= MAX_ROWS:
            raise too_many_rows()
        rows.append((number, texts))
    if header is None:
        return None
    return Sheet(header, header_row, rows, problems, sheet.title)


_PERCENT = re.compile(r"0(?:\.(0+))?%")


def display_text(cell) -> str:
    """A cell's text as a spreadsheet displays it (not Python's repr of the value)."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = getattr(cell, "number_format", "General") or "General"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0) or not any(ch in fmt.lower() for ch in "hs"):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0
                               else "seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, int | float):
        percent = _PERCENT.search(fmt)
        if percent:
            digits = len(percent.group(1) or "")
            return f"{value * 100:.{digits}f}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    return str(value)


def column_letter(at: int) -> str:
    return get_column_letter(at + 1)


def column_number(letter: str) -> int:
    return column_index_from_string(letter)


# ---------------------------------------------------------------- csv


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else GB18030 (a superset of GBK and GB2312). A file
    whose first non-ASCII characters are UTF-8 and which later breaks is not re-read as
    GBK (that would turn its Chinese into other characters): the bad line is named."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        error = exc
    if not data[: error.start].isascii():
        raise Unreadable(str(_l("The file is neither UTF-8 nor GBK encoded: save it as "
                                "“CSV UTF-8”.")), data[: error.start].count(b"\n") + 1)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Unreadable(str(_l("The file is neither UTF-8 nor GBK encoded: save it as "
                                "“CSV UTF-8”.")), line) from exc


def nul_problem(text: str) -> Unreadable | None:
    """A NUL character (which PostgreSQL text cannot hold) as a problem naming its line."""
    at = text.find("\x00")
    if at < 0:
        return None
    return Unreadable(str(_l("This line holds a NUL character (\\0), which cannot be "
                             "stored: remove it and import again.")), text.count("\n", 0, at) + 1)


def csv_rows(text: str) -> Iterator[list[str]]:
    """The rows of CSV text, refusing past MAX_ROWS rows, MAX_CELLS cells or MAX_TEXT."""
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""))
    for number, row in enumerate(reader, start=1):
        if number > MAX_ROWS + HEADER_SEARCH:
            raise too_many_rows()
        cells += len(row)
        if cells > MAX_CELLS:
            raise _too_many_cells()
        for at, value in enumerate(row):
            if len(value) > MAX_TEXT:
                raise _too_long(number, get_column_letter(at + 1))
        yield row


def csv_table(data: bytes, is_header: Callable[[list[str]], bool]) -> Sheet:
    """A CSV file as a Sheet (header searched within the first rows, like .xlsx)."""
    text = decode_text(data)
    if (problem := nul_problem(text)) is not None:
        raise problem
    rows = []
    header, header_row = None, 0
    try:
        for number, row in enumerate(csv_rows(text), start=1):
            row = [c.strip() for c in row]
            if header is None:
                if is_header(row):
                    header, header_row = row, number
                elif number >= HEADER_SEARCH:
                    break
                continue
            rows.append((number, row))
    except csv.Error as exc:  # an overlong cell (csv's own limit) or broken quoting
        raise Unreadable(str(_l("The CSV file cannot be read: %(why)s", why=exc)),
                         header_row + len(rows) + 1) from exc
    if header is None:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
        return Sheet([c.strip() for c in first], 1, [])
    return Sheet(header, header_row, rows)
