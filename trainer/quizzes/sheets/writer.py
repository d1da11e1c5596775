"""Writing the template as .csv or .xlsx (see the package doc)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from trainer.quizzes.items import COMPETENCIES, KEYS, NumericAnswer, QuestionData, number_text
from trainer.quizzes.sheets.columns import FORMULA_START, HEADERS, TYPE_NAMES

__all__ = ["answer_text", "dump_csv", "dump_xlsx"]


def dump_csv(questions: Iterable[QuestionData]) -> bytes:
    """The template as CSV: UTF-8 with a BOM (so Excel reads it), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(_row(question) for question in questions)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dump_xlsx(questions: Iterable[QuestionData]) -> bytes:
    """The template as an .xlsx workbook with one sheet."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("题目")
    for letter, width in zip("ABCDEFGHIJKLM", (8, 40, *[16] * 6, 10, 30, 6, 12, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(HEADERS)
    for question in questions:
        sheet.append([_xlsx_safe(value) for value in _row(question)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(question: QuestionData) -> list[str | int]:
    options = [option.text for option in question.options[: len(KEYS)]]
    options += [""] * (len(KEYS) - len(options))
    names = "、".join(COMPETENCIES.get(code, code) for code in question.competencies)
    texts = [TYPE_NAMES[question.type], question.stem, *options, _answer_text(question),
             question.explanation]
    return [*map(_neutralise, texts), question.difficulty, _neutralise(question.category),
            _neutralise(names)]


def answer_text(question: QuestionData) -> str:
    """The 答案 cell of a question (B, ACD, 对/错, texts or numbers joined by |)."""
    return _answer_text(question)


def _answer_text(question: QuestionData) -> str:
    if question.type == "single":
        return max(question.options, key=lambda option: option.fraction).key
    if question.type == "multiple":
        return "".join(option.key for option in question.options if option.fraction > 0)
    if question.type == "truefalse":
        return "对" if question.truth else "错"
    if question.type == "short":
        return "|".join(question.accepted)
    return "|".join(_numeric_text(answer) for answer in question.numeric)


def _numeric_text(answer: NumericAnswer) -> str:
    text = number_text(answer.value)
    return f"{text}±{number_text(answer.tolerance)}" if answer.tolerance else text


def _neutralise(text: str) -> str:
    return "'" + text if FORMULA_START.match(text) else text


def _xlsx_safe(value: str | int) -> str | int | None:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None  # blank cells stay empty
    return value
