"""The template's columns and the cell text shared by the reader and the writer."""

from __future__ import annotations

import datetime
import re

from trainer.quizzes.items import KEYS, number_text

__all__ = ["FORMULA_START", "HEADERS", "OPTION_COLUMNS", "REQUIRED", "TYPE_ALIASES", "TYPE_NAMES",
           "Problem", "cell"]

OPTION_COLUMNS = tuple(f"选项{key}" for key in KEYS)
HEADERS = ("题型", "题干", *OPTION_COLUMNS, "答案", "解析", "难度", "分类", "能力")
REQUIRED = ("题型", "题干", "答案")
TYPE_NAMES = {"single": "单选", "multiple": "多选", "truefalse": "判断", "short": "填空",
              "numerical": "数值"}
TYPE_ALIASES = {name: kind for kind, name in TYPE_NAMES.items()} | {
    "单项选择": "single", "多项选择": "multiple", "是非": "truefalse"} | {
    kind: kind for kind in TYPE_NAMES}
FORMULA_START = re.compile(r"'*[=+\-@]")  # a cell that a spreadsheet could run
_QUOTED_FORMULA = re.compile(r"'+[=+\-@]")


class Problem(Exception):
    """One row cannot be imported; the message is for the trainer."""


def cell(value: object) -> str:
    """A cell's value as trimmed text (numbers as short text, a formula guard ' removed)."""
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
