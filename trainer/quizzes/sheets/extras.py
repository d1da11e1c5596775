"""The template's optional columns, read (blank or missing: the default).

分值 points (1); 标题 the title; 标签 tags (separated by | ; , or 、); 部分得分 是/否, weighted
partial credit for multiple choice (否); 权重 the weight in percent of each option (A, B,
...) or of each answer in 答案 (blank: the right ones full, the others none; multiple
choice: the right ones share 100% equally); 反馈 the feedback on each option or answer
(true/false: on answering 对, then on answering 错); 其他答案反馈 the feedback on a number
that matches no answer; 格式 "Markdown" when the texts are Markdown (blank: plain text).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from trainer.quizzes.items import fraction_of, to_number, truth_value
from trainer.quizzes.parse_messages import message as _
from trainer.quizzes.sheets.columns import TAG_SEPARATORS, Problem, split_items

__all__ = ["common", "feedback", "feedback_other", "partial", "weights"]

_PERCENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
MARKUP_NAMES = {"markdown": "markdown", "md": "markdown", "纯文本": "plain", "plain": "plain",
                "text": "plain", "文本": "plain"}


def common(cells: dict[str, str]) -> dict:
    """points, title, tags and markup of any question."""
    tags = [tag for tag in split_items(cells["标签"], TAG_SEPARATORS) if tag]
    return {"points": _points(cells["分值"]), "title": cells["标题"],
            "tags": list(dict.fromkeys(tags)), "markup": _markup(cells["格式"])}


def _points(text: str) -> float:
    if not text:
        return 1.0
    points = to_number(text)
    if points is None or points <= 0:
        raise Problem(_("The points must be a positive number, not “%(text)s”.", text=text))
    return points


def _markup(text: str) -> str:
    if not text:
        return "plain"
    markup = MARKUP_NAMES.get(unicodedata.normalize("NFKC", text).strip().lower())
    if markup is None:
        raise Problem(_("The format must be “Markdown” or “纯文本” (blank means plain text), "
                        "not “%(text)s”.", text=text))
    return markup


def partial(cells: dict[str, str], kind: str) -> bool:
    """Whether 部分得分 asks for weighted partial credit (multiple choice only)."""
    if not cells["部分得分"]:
        return False
    value = truth_value(cells["部分得分"].replace("是", "对").replace("否", "错"))
    if value is None:
        raise Problem(_("Partial credit (部分得分) must be “是” or “否”, not “%(value)s”.",
                        value=cells["部分得分"]))
    if value and kind != "multiple":
        raise Problem(_("Only multiple-choice questions can have partial credit."))
    return value


def weights(cells: dict[str, str], count: int, what: str) -> list[float] | None:
    """The fractions that 权重 gives to ``count`` options or answers (``what``: "options"
    or "answers"; missing trailing ones: 0), or None when it is blank."""
    if not cells["权重"]:
        return None
    items = split_items(cells["权重"])
    if len(items) > count:
        raise _too_many("权重", len(items), count, what)
    return [_fraction(item) for item in items] + [0.0] * (count - len(items))


def _fraction(text: str) -> float:
    number = unicodedata.normalize("NFKC", text).strip().removesuffix("%").strip()
    if not number:
        return 0.0
    try:
        valid = _PERCENT.fullmatch(number) and -100 <= Decimal(number) <= 100
    except InvalidOperation:
        valid = False
    if not valid:
        raise Problem(_("The weight “%(text)s” must be a percentage from -100 to 100.", text=text))
    return fraction_of(number)


def feedback(cells: dict[str, str], count: int, what: str) -> list[str]:
    """The 反馈 of ``count`` options or answers (``what``: "options", "answers" or
    "truefalse"), padded with empty texts."""
    if not cells["反馈"]:
        return [""] * count
    items = split_items(cells["反馈"])
    if len(items) > count:
        raise _too_many("反馈", len(items), count, what)
    return items + [""] * (count - len(items))


def _too_many(column: str, items: int, count: int, what: str) -> Problem:
    """A list cell with more items than there are options or answers."""
    names = {"options": _("options"), "answers": _("answers"),
             "truefalse": _("two responses to a true/false question")}
    return Problem(_("“%(column)s” has %(items)s items, more than the %(what)s (%(count)s).",
                     column=column, items=items, what=names[what], count=count))


def feedback_other(cells: dict[str, str], kind: str) -> str:
    """其他答案反馈 (numerical only)."""
    if cells["其他答案反馈"] and kind != "numerical":
        raise Problem(_("Only numerical questions can have “其他答案反馈” (feedback on any "
                        "other number)."))
    return cells["其他答案反馈"]
