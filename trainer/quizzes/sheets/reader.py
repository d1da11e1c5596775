"""Reading the template from .csv or .xlsx bytes, row by row (see the package doc)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

import openpyxl

from trainer.quizzes.items import ImportProblem, QuestionData, snippet
from trainer.quizzes.parse_messages import message as _
from trainer.quizzes.sheets.columns import ALL_HEADERS, REQUIRED, Problem, cell
from trainer.quizzes.sheets.rows import parse_row

__all__ = ["parse_csv", "parse_xlsx"]


def parse_csv(data: bytes) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Read the template from CSV bytes (UTF-8, with or without a BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [ImportProblem(data[: error.start].count(b"\n") + 1, "", _(
            "The file is not UTF-8 encoded: in Excel, choose “Save As” and then "
            "“CSV UTF-8 (Comma delimited)”."))]
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows.extend(reader)
    except csv.Error:  # an overlong cell or broken quoting: name the row it stopped at
        questions, problems = _parse_rows(rows) if rows else ([], [])
        message = _("Cannot read this row: a cell is longer than %(limit)s characters, or "
                    "quotes are unbalanced.", limit=csv.field_size_limit())
        return questions, [*problems, ImportProblem(len(rows) + 1, "", message)]
    return _parse_rows(rows)


def parse_xlsx(data: bytes) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Read the template from the first sheet of an .xlsx workbook."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged upload can fail in zipfile, XML or openpyxl code alike
        return [], [ImportProblem(1, "", _(
            "Cannot read the xlsx file: it is damaged or not an Excel workbook."))]
    try:
        if not workbook.worksheets:
            return [], [ImportProblem(1, "", _("The workbook has no worksheet."))]
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong used range; read every row
        return _parse_rows(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _parse_rows(rows: Iterable[Sequence]) -> tuple[list[QuestionData], list[ImportProblem]]:
    rows = iter(rows)
    columns = _columns(next(rows, ()))
    if isinstance(columns, ImportProblem):
        return [], [columns]
    questions, problems = [], []
    for number, row in enumerate(rows, start=2):
        cells = dict.fromkeys(ALL_HEADERS, "")
        cells.update((name, cell(row[at])) for name, at in columns.items() if at < len(row))
        if not any(cells.values()):
            continue
        try:
            questions.append(parse_row(cells))
        except Problem as problem:
            problems.append(ImportProblem(number, snippet(cells["题干"]), str(problem)))
    return questions, problems


def _columns(header: Sequence) -> dict[str, int] | ImportProblem:
    columns: dict[str, int] = {}
    for at, value in enumerate(header):
        name = "".join(unicodedata.normalize("NFKC", cell(value)).split()).upper()
        if name in columns:
            return ImportProblem(1, "", _("The column “%(name)s” appears twice.", name=name))
        if name in ALL_HEADERS:
            columns[name] = at
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        return ImportProblem(1, "", _("Row 1 must hold the headers; missing columns: %(columns)s",
                                         columns="、".join(missing)))
    return columns
