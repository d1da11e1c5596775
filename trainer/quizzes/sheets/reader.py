"""Reading the template from .csv or .xlsx bytes, row by row (see the package doc)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from trainer import sheet_reading
from trainer.quizzes.items import ImportProblem, QuestionData, snippet
from trainer.quizzes.parse_messages import message as _
from trainer.quizzes.sheets.columns import ALL_HEADERS, REQUIRED, Problem, cell
from trainer.quizzes.sheets.rows import parse_row

__all__ = ["parse_csv", "parse_xlsx"]


def parse_csv(data: bytes) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Read the template from CSV bytes (UTF-8 with or without a BOM, or GBK/GB18030)."""
    try:
        return _parse_sheet(sheet_reading.csv_table(data, _is_header))
    except sheet_reading.Unreadable as error:  # or TooLarge: the message says which
        return [], [ImportProblem(error.row, "", str(error))]


def parse_xlsx(data: bytes) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Read the template from the first sheet of an .xlsx workbook that holds its headers
    within its first rows (a title row or an instructions sheet before it is skipped)."""
    try:
        return _parse_sheet(sheet_reading.xlsx_table(data, _is_header))
    except sheet_reading.Unreadable as error:
        return [], [ImportProblem(error.row, "", str(error))]


def _is_header(cells: Sequence) -> bool:
    columns = _columns(cells)
    return not isinstance(columns, ImportProblem)


def _parse_sheet(sheet: sheet_reading.Sheet) -> tuple[list[QuestionData], list[ImportProblem]]:
    columns = _columns(sheet.header, sheet.header_row)
    if isinstance(columns, ImportProblem):
        return [], [columns]
    questions, problems = [], [ImportProblem(row, "", message)
                               for row, _column, message in sheet.problems]
    bad_rows = {row for row, _column, _message in sheet.problems}
    for number, row in sheet.rows:
        cells = dict.fromkeys(ALL_HEADERS, "")
        cells.update((name, cell(row[at])) for name, at in columns.items() if at < len(row))
        if not any(cells.values()) or number in bad_rows:
            continue
        try:
            questions.append(parse_row(cells))
        except Problem as problem:
            problems.append(ImportProblem(number, snippet(cells["题干"]), str(problem)))
    problems.sort(key=lambda p: p.line)
    return questions, problems


def _columns(header: Sequence, row: int = 1) -> dict[str, int] | ImportProblem:
    columns: dict[str, int] = {}
    for at, value in enumerate(header):
        name = "".join(unicodedata.normalize("NFKC", cell(value)).split()).upper()
        if name in columns:
            return ImportProblem(row, "", _("The column “%(name)s” appears twice.", name=name))
        if name in ALL_HEADERS:
            columns[name] = at
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        return ImportProblem(row, "", _(
            "Row 1 must hold the headers; missing columns: %(columns)s",
            columns="、".join(missing)))
    return columns
