"""One template row (a dict of header -> text) as a QuestionData (see the package doc)."""

from __future__ import annotations

import re
import unicodedata

from trainer.quizzes.items import (
    DEFAULT_DIFFICULTY,
    KEYS,
    NumericAnswer,
    Option,
    QuestionData,
    competency_code,
    to_number,
    truth_value,
)
from trainer.quizzes.sheets.columns import HEADERS, OPTION_COLUMNS, TYPE_ALIASES, Problem, cell

__all__ = ["parse_row", "read_row"]

_ANSWER_SEPARATORS = re.compile(r"[|｜;；]")
_LIST_SEPARATORS = re.compile(r"[\s,，、;；/]+")


def read_row(cells: dict[str, str]) -> QuestionData:
    """One template row given as {header: text} (the web form uses it too); raises
    ValueError with the reason (in Chinese) when it is not a question."""
    full = dict.fromkeys(HEADERS, "") | {name: cell(value) for name, value in cells.items()}
    try:
        return parse_row(full)
    except Problem as problem:
        raise ValueError(str(problem)) from None


def parse_row(cells: dict[str, str]) -> QuestionData:
    name = "".join(unicodedata.normalize("NFKC", cells["题型"]).split()).removesuffix("题")
    if not name:
        raise Problem("缺少题型")
    kind = TYPE_ALIASES.get(name.lower())
    if kind is None:
        raise Problem(f"未知题型“{cells['题型']}”")
    if not cells["题干"]:
        raise Problem("缺少题干")
    if not cells["答案"]:
        raise Problem("缺少答案")
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
        raise Problem(f"选项{KEYS[texts.index('')]}为空，但后面的选项有内容")
    if len(texts) < 2:
        raise Problem("选择题至少需要两个选项")
    return texts


def _answer_keys(answer: str, count: int) -> list[str]:
    letters = "".join(_LIST_SEPARATORS.split(unicodedata.normalize("NFKC", answer).upper()))
    for letter in letters:
        if letter not in KEYS[:count]:
            raise Problem(f"答案“{letter}”不是已有的选项")
    return list(dict.fromkeys(letters))


def _read_single(cells: dict[str, str]) -> dict:
    texts = _option_texts(cells)
    keys = _answer_keys(cells["答案"], len(texts))
    if len(keys) != 1:
        raise Problem("单选题只能有一个答案")
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
        raise Problem(f"判断题的答案应为“对”或“错”，不是“{cells['答案']}”")
    return {"truth": truth}


def _read_short(cells: dict[str, str]) -> dict:
    return {"accepted": _answers(cells["答案"])}


def _read_numerical(cells: dict[str, str]) -> dict:
    return {"numeric": [_numeric_answer(text) for text in _answers(cells["答案"])]}


def _answers(text: str) -> list[str]:
    answers = [bit.strip() for bit in _ANSWER_SEPARATORS.split(text) if bit.strip()]
    if not answers:
        raise Problem("缺少答案")
    return answers


def _numeric_answer(text: str) -> NumericAnswer:
    text = unicodedata.normalize("NFKC", text).strip()
    if text.find("..") > 0:
        low, high = (_number(bit) for bit in text.split("..", 1))
        if low > high:
            raise Problem(f"范围“{text}”的下限大于上限")
        value = low / 2 + high / 2
        return NumericAnswer(value, high - value)
    bits = re.split(r"±|\+/-|(?<=.):", text, maxsplit=1)
    value, tolerance = bits if len(bits) == 2 else (text, "0")
    return NumericAnswer(_number(value), _tolerance(tolerance))


def _number(text: str) -> float:
    value = to_number(text)
    if value is None:
        raise Problem(f"数值题的答案“{text.strip()}”不是有效的数字")
    return value


def _tolerance(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise Problem("误差不能为负数")
    return value


def _difficulty(text: str) -> int:
    if not text:
        return DEFAULT_DIFFICULTY
    text = unicodedata.normalize("NFKC", text)
    if not re.fullmatch(r"[1-5]", text):
        raise Problem("难度应为1到5的整数")
    return int(text)


def _competencies(text: str) -> list[str]:
    codes: list[str] = []
    for name in filter(None, _LIST_SEPARATORS.split(text)):
        code = competency_code(name)
        if code is None:
            raise Problem(f"未知能力“{name}”")
        if code not in codes:
            codes.append(code)
    return codes


_READERS = {"single": _read_single, "multiple": _read_multiple, "truefalse": _read_truefalse,
            "short": _read_short, "numerical": _read_numerical}
