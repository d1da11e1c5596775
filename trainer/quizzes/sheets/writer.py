"""Writing the template as .csv or .xlsx (see the package doc)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import openpyxl
from openpyxl.utils import get_column_letter

from trainer.quizzes.items import (
    COMPETENCIES,
    KEYS,
    NumericAnswer,
    QuestionData,
    number_text,
    percent_text,
)
from trainer.quizzes.sheets.columns import (
    ALL_HEADERS,
    TAG_SEPARATORS,
    TYPE_NAMES,
    join_items,
)
from trainer.spreadsheets import csv_bytes, quote_for_reader, xlsx_row

__all__ = ["answer_text", "dump_csv", "dump_xlsx"]


def dump_csv(questions: Iterable[QuestionData]) -> bytes:
    """The template as CSV: UTF-8 with a BOM (so Excel reads it), CRLF line ends; text a
    spreadsheet could run gets a leading ' (spreadsheets.py), which the reader removes."""
    return csv_bytes([ALL_HEADERS, *map(_row, questions)])


_WIDTHS = (8, 40, *[16] * 6, 10, 30, 6, 12, 20, 6, 16, 16, 8, 12, 30, 20, 10)


def dump_xlsx(questions: Iterable[QuestionData]) -> bytes:
    """The template as an .xlsx workbook with one sheet; texts are text cells, never
    formulas (spreadsheets.py), and read back as written."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("题目")
    for at, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(at)].width = width
    sheet.append(xlsx_row(sheet, ALL_HEADERS))
    for question in questions:
        sheet.append(xlsx_row(sheet, [quote_for_reader(value) if isinstance(value, str)
                                      else value for value in _row(question)]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(question: QuestionData) -> list[str | int]:
    """One row: the DESIGN.md columns, then the optional ones (extras.py)."""
    options = [option.text for option in question.options[: len(KEYS)]]
    options += [""] * (len(KEYS) - len(options))
    names = "、".join(COMPETENCIES.get(code, code) for code in question.competencies)
    texts = [TYPE_NAMES[question.type], question.stem, *options, _answer_text(question),
             question.explanation]
    extra = [number_text(question.points) if question.points != 1 else "", question.title,
             join_items(question.tags, TAG_SEPARATORS), "是" if question.partial else "",
             _weights(question), _feedback(question), question.feedback_other,
             "Markdown" if question.markup == "markdown" else ""]
    return [*texts, question.difficulty, question.category, names, *extra]


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
        return join_items(question.accepted)
    return "|".join(_numeric_text(answer) for answer in question.numeric)


def _numeric_text(answer: NumericAnswer) -> str:
    text = number_text(answer.value)
    return f"{text}±{number_text(answer.tolerance)}" if answer.tolerance else text


def _weights(question: QuestionData) -> str:
    """权重: blank when the weights are those a blank cell gives."""
    if question.type in ("single", "multiple"):
        fractions = [option.fraction for option in question.options]
        right = [f for f in fractions if f > 0]
        if question.type == "single":
            plain = [float(f == max(fractions)) for f in fractions]
        else:
            plain = [1 / len(right) if f > 0 else 0.0 for f in fractions]
    elif question.type == "numerical":
        fractions = [answer.fraction for answer in question.numeric]
        plain = [1.0] * len(fractions)
    elif question.type == "short":
        plain = [1.0] * len(question.accepted)
        fractions = list(question.accepted_credit) or plain
    else:
        return ""
    return "" if fractions == plain else join_items([percent_text(f) for f in fractions])


def _feedback(question: QuestionData) -> str:
    """反馈: one item per option or answer (trailing empty ones left out)."""
    notes = {"single": [o.feedback for o in question.options],
             "multiple": [o.feedback for o in question.options],
             "truefalse": [question.feedback_true, question.feedback_false],
             "short": list(question.accepted_feedback),
             "numerical": [answer.feedback for answer in question.numeric]}[question.type]
    while notes and not notes[-1]:
        notes.pop()
    return join_items(notes)
