"""The template's columns and the cell text shared by the reader and the writer."""

from __future__ import annotations

import datetime

from trainer.quizzes.items import KEYS, number_text
from trainer.spreadsheets import unquote_cell

__all__ = ["ALL_HEADERS", "EXTRA_HEADERS", "HEADERS", "ITEM_SEPARATORS",
           "OPTION_COLUMNS", "REQUIRED", "TAG_SEPARATORS", "TYPE_ALIASES", "TYPE_NAMES",
           "Problem", "cell", "join_items", "split_items"]

OPTION_COLUMNS = tuple(f"选项{key}" for key in KEYS)
HEADERS = ("题型", "题干", *OPTION_COLUMNS, "答案", "解析", "难度", "分类", "能力")
# Optional columns (blank or missing: the default), so that a sheet holds every question
# the bank can: points, title, tags, partial credit for multiple choice, the weight of
# each option or answer, the feedback on each, the feedback on any other number, and
# whether the texts are Markdown (blank: plain text).
EXTRA_HEADERS = ("分值", "标题", "标签", "部分得分", "权重", "反馈", "其他答案反馈", "格式")
ALL_HEADERS = HEADERS + EXTRA_HEADERS
# List cells (several answers, weights, feedbacks, tags): items separated by one of these;
# a backslash before a separator or a backslash makes it part of the item.
ITEM_SEPARATORS = "|｜;；"
TAG_SEPARATORS = ITEM_SEPARATORS + ",，、"
REQUIRED = ("题型", "题干", "答案")
TYPE_NAMES = {"single": "单选", "multiple": "多选", "truefalse": "判断", "short": "填空",
              "numerical": "数值"}
TYPE_ALIASES = {name: kind for kind, name in TYPE_NAMES.items()} | {
    "单项选择": "single", "多项选择": "multiple", "是非": "truefalse"} | {
    kind: kind for kind in TYPE_NAMES}


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
    text = unquote_cell(str(value).strip())  # the guard ' of spreadsheets.py
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_items(text: str, separators: str = ITEM_SEPARATORS) -> list[str]:
    """The trimmed items of a list cell (empty ones included, so positions hold)."""
    items, current, at = [], [], 0
    while at < len(text):
        char = text[at]
        if char == "\\" and at + 1 < len(text) and text[at + 1] in separators + "\\":
            current.append(text[at + 1])
            at += 2
            continue
        if char in separators:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        at += 1
    return [*items, "".join(current).strip()]


def join_items(items: list[str], separators: str = ITEM_SEPARATORS) -> str:
    """A list cell that split_items reads back as ``items``."""
    escape = str.maketrans({char: "\\" + char for char in separators + "\\"})
    return "|".join(item.translate(escape) for item in items)
