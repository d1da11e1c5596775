"""The spreadsheet question template, as .xlsx or UTF-8 .csv. Pure code: no Flask, no DB.

Row 1 holds the headers (any order; unknown columns are ignored); every later row that is
not blank is one question, and problems name that row. Cells starting with = + - @ are
written with a leading ' so no spreadsheet runs them as formulas; that ' is removed again
on import. Multiple choice from a sheet is all-or-nothing. Title, tags, points and
feedback have no column, so dump_* drops them.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from trainer.quizzes.items import (
    COMPETENCIES,
    DEFAULT_DIFFICULTY,
    KEYS,
    ImportProblem,
    NumericAnswer,
    Option,
    QuestionData,
    competency_code,
    number_text,
    snippet,
    to_number,
    truth_value,
)

__all__ = ["HEADERS", "TYPE_NAMES", "answer_text", "dump_csv", "dump_xlsx", "parse_csv",
           "parse_xlsx", "read_row"]

OPTION_COLUMNS = tuple(f"选项{key}" for key in KEYS)
HEADERS = ("题型", "题干", *OPTION_COLUMNS, "答案", "解析", "难度", "分类", "能力")
REQUIRED = ("题型", "题干", "答案")
TYPE_NAMES = {"single": "单选", "multiple": "多选", "truefalse": "判断", "short": "填空",
              "numerical": "数值"}
_TYPE_ALIASES = {name: kind for kind, name in TYPE_NAMES.items()} | {
    "单项选择": "single", "多项选择": "multiple", "是非": "truefalse"} | {
    kind: kind for kind in TYPE_NAMES}
_ANSWER_SEPARATORS = re.compile(r"[|｜;；]")
_LIST_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_FORMULA_START = re.compile(r"'*[=+\-@]")  # a cell that a spreadsheet could run
_QUOTED_FORMULA = re.compile(r"'+[=+\-@]")
_NOT_UTF8 = "文件不是UTF-8编码：请在Excel中“另存为”，选择“CSV UTF-8（逗号分隔）”"


class _Problem(Exception):
    """One row cannot be imported; the message is for the trainer."""


def parse_csv(data: bytes) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Read the template from CSV bytes (UTF-8, with or without a BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [ImportProblem(data[: error.start].count(b"\n") + 1, "", _NOT_UTF8)]
    try:
        return _parse_rows(list(csv.reader(io.StringIO(text, newline=""))))
    except csv.Error:
        return [], [ImportProblem(1, "", "无法读取CSV文件：格式不正确")]


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
        cells = dict.fromkeys(HEADERS, "")
        cells.update((name, _cell(row[at])) for name, at in columns.items() if at < len(row))
        if not any(cells.values()):
            continue
        try:
            questions.append(_read_row(cells))
        except _Problem as problem:
            problems.append(ImportProblem(number, snippet(cells["题干"]), str(problem)))
    return questions, problems


def _columns(header: Sequence) -> dict[str, int] | ImportProblem:
    columns: dict[str, int] = {}
    for at, value in enumerate(header):
        name = "".join(unicodedata.normalize("NFKC", _cell(value)).split()).upper()
        if name in columns:
            return ImportProblem(1, "", f"列“{name}”重复")
        if name in HEADERS:
            columns[name] = at
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        return ImportProblem(1, "", f"第1行应为表头，缺少列：{'、'.join(missing)}")
    return columns


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text[1:] if _QUOTED_FORMULA.match(text) else text


def read_row(cells: dict[str, str]) -> QuestionData:
    """One template row given as {header: text} (the web form uses it too); raises
    ValueError with the reason (in Chinese) when it is not a question."""
    full = dict.fromkeys(HEADERS, "") | {name: _cell(value) for name, value in cells.items()}
    try:
        return _read_row(full)
    except _Problem as problem:
        raise ValueError(str(problem)) from None


def _read_row(cells: dict[str, str]) -> QuestionData:
    name = "".join(unicodedata.normalize("NFKC", cells["题型"]).split()).removesuffix("题")
    if not name:
        raise _Problem("缺少题型")
    kind = _TYPE_ALIASES.get(name.lower())
    if kind is None:
        raise _Problem(f"未知题型“{cells['题型']}”")
    if not cells["题干"]:
        raise _Problem("缺少题干")
    if not cells["答案"]:
        raise _Problem("缺少答案")
    fields = _READERS[kind](cells)
    return QuestionData(
        type=kind, stem=cells["题干"], explanation=cells["解析"], category=cells["分类"],
        difficulty=_difficulty(cells["难度"]), competencies=_competencies(cells["能力"]),
        **fields,
    )


def _option_texts(cells: dict[str, str]) -> list[str]:
    texts = [cells[column] for column in OPTION_COLUMNS]
    while texts and not texts[-1]:
        texts.pop()
    if "" in texts:
        raise _Problem(f"选项{KEYS[texts.index('')]}为空，但后面的选项有内容")
    if len(texts) < 2:
        raise _Problem("选择题至少需要两个选项")
    return texts


def _answer_keys(answer: str, count: int) -> list[str]:
    letters = "".join(_LIST_SEPARATORS.split(unicodedata.normalize("NFKC", answer).upper()))
    for letter in letters:
        if letter not in KEYS[:count]:
            raise _Problem(f"答案“{letter}”不是已有的选项")
    return list(dict.fromkeys(letters))


def _read_single(cells: dict[str, str]) -> dict:
    texts = _option_texts(cells)
    keys = _answer_keys(cells["答案"], len(texts))
    if len(keys) != 1:
        raise _Problem("单选题只能有一个答案")
    return {"options": [Option(KEYS[at], text, float(KEYS[at] in keys))
                        for at, text in enumerate(texts)]}


def _read_multiple(cells: dict[str, str]) -> dict:
    texts = _option_texts(cells)
    keys = _answer_keys(cells["答案"], len(texts))
    weight = 1 / len(keys)  # all-or-nothing: the weights only mark the right options
    options = [Option(KEYS[at], text, weight if KEYS[at] in keys else 0.0)
               for at, text in enumerate(texts)]
    return {"options": options, "partial": False}


def _read_truefalse(cells: dict[str, str]) -> dict:
    truth = truth_value(cells["答案"])
    if truth is None:
        raise _Problem(f"判断题的答案应为“对”或“错”，不是“{cells['答案']}”")
    return {"truth": truth}


def _read_short(cells: dict[str, str]) -> dict:
    return {"accepted": _answers(cells["答案"])}


def _read_numerical(cells: dict[str, str]) -> dict:
    return {"numeric": [_numeric_answer(text) for text in _answers(cells["答案"])]}


def _answers(text: str) -> list[str]:
    answers = [bit.strip() for bit in _ANSWER_SEPARATORS.split(text) if bit.strip()]
    if not answers:
        raise _Problem("缺少答案")
    return answers


def _numeric_answer(text: str) -> NumericAnswer:
    text = unicodedata.normalize("NFKC", text).strip()
    if text.find("..") > 0:
        low, high = (_number(bit) for bit in text.split("..", 1))
        if low > high:
            raise _Problem(f"范围“{text}”的下限大于上限")
        value = low / 2 + high / 2
        return NumericAnswer(value, high - value)
    bits = re.split(r"±|\+/-|(?<=.):", text, maxsplit=1)
    value, tolerance = bits if len(bits) == 2 else (text, "0")
    return NumericAnswer(_number(value), _tolerance(tolerance))


def _number(text: str) -> float:
    value = to_number(text)
    if value is None:
        raise _Problem(f"数值题的答案“{text.strip()}”不是有效的数字")
    return value


def _tolerance(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise _Problem("误差不能为负数")
    return value


def _difficulty(text: str) -> int:
    if not text:
        return DEFAULT_DIFFICULTY
    text = unicodedata.normalize("NFKC", text)
    if not re.fullmatch(r"[1-5]", text):
        raise _Problem("难度应为1到5的整数")
    return int(text)


def _competencies(text: str) -> list[str]:
    codes: list[str] = []
    for name in filter(None, _LIST_SEPARATORS.split(text)):
        code = competency_code(name)
        if code is None:
            raise _Problem(f"未知能力“{name}”")
        if code not in codes:
            codes.append(code)
    return codes


_READERS = {"single": _read_single, "multiple": _read_multiple, "truefalse": _read_truefalse,
            "short": _read_short, "numerical": _read_numerical}


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
    return "'" + text if _FORMULA_START.match(text) else text


def _xlsx_safe(value: str | int) -> str | int | None:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None  # blank cells stay empty
    return value
