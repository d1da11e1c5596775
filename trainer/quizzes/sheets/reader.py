"""Reading the template from .csv or .xlsx bytes, row by row (see the package doc)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

import openpyxl

from trainer.quizzes.items import ImportProblem, QuestionData, snippet
from trainer.quizzes.sheets.columns import ALL_HEADERS, REQUIRED, Problem, cell
from trainer.quizzes.sheets.rows import parse_row

__all__ = ["parse_csv", "parse_xlsx"]

_NOT_UTF8 = "文件不是UTF-8编码：请在Excel中“另存为”，选择“CSV UTF-8（逗号分隔）”"


def parse_csv(data: bytes) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Read the template from CSV bytes (UTF-8, with or without a BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [ImportProblem(data[: error.start].count(b"\n") + 1, "", _NOT_UTF8)]
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows.extend(reader)
    except csv.Error:  # an overlong cell or broken quoting: name the row it stopped at
        questions, problems = _parse_rows(rows) if rows else ([], [])
        message = f"无法读取这一行：单元格超过{csv.field_size_limit()}个字符，或引号不成对"
        return questions, [*problems, ImportProblem(len(rows) + 1, "", message)]
    return _parse_rows(rows)


def parse_xlsx(data: bytes) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Read the template from the first sheet of an .xlsx workbook."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged upload can fail in zipfile, XML or openpyxl code alike
        return [], [ImportProblem(1, "", "无法读取xlsx文件：文件已损坏或不是Excel工作簿")]
    try:
        if not workbook.worksheets:
            return [], [ImportProblem(1, "", "工作簿中没有工作表")]
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
            return ImportProblem(1, "", f"列“{name}”重复")
        if name in ALL_HEADERS:
            columns[name] = at
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        return ImportProblem(1, "", f"第1行应为表头，缺少列：{'、'.join(missing)}")
    return columns
