"""Grading: the shape of a submitted answer, its credit, and the right answer. Pure code
(its messages through gettext).

Canonical answers (what coerce_answer returns, what is stored, what correct_answer gives):
single "B"; multiple ["A", "C"] (sorted, unique); truefalse True/False; short the text;
numerical a float; None when the answer was cleared.
"""

from __future__ import annotations

import math
import re
import unicodedata

from flask_babel import gettext as _

from trainer.quizzes.items import QuestionData, to_number, truth_value

__all__ = ["MAX_TEXT", "BadAnswer", "coerce_answer", "correct_answer", "grade",
           "normalise_text"]

MAX_TEXT = 500  # characters in a short answer
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
_SPACE_BY_CJK = re.compile(f" (?=[{_CJK}])|(?<=[{_CJK}]) ")


class BadAnswer(ValueError):
    """A submitted answer has the wrong shape; the message (through gettext, so in the
    user's language: English outside a request) is for the user."""


def normalise_text(text: str) -> str:
    """Text for comparing short answers: NFKC (full-width to half-width), whitespace
    collapsed and trimmed, and dropped next to CJK characters ("110 报警" == "110报警"),
    case folded."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return _SPACE_BY_CJK.sub("", text).casefold()


def coerce_answer(question: QuestionData, raw: object) -> str | list[str] | bool | float | None:
    """The canonical form of a submitted answer, None when it is empty (cleared);
    raises BadAnswer when it cannot be an answer to this question."""
    if raw is None or (isinstance(raw, str | list | tuple) and not _filled(raw)):
        return None
    return _COERCE[question.type](question, raw)


def _filled(raw: str | list | tuple) -> bool:
    return bool(raw.strip() if isinstance(raw, str) else raw)


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().upper()


def _single(question: QuestionData, raw: object) -> str:
    if not isinstance(raw, str):
        raise BadAnswer(_("A single-choice answer should be one option letter, such as “B”."))
    key = _key(raw)
    if key not in {option.key for option in question.options}:
        raise BadAnswer(_("There is no option “%(key)s”.", key=raw.strip()[:10]))
    return key


def _multiple(question: QuestionData, raw: object) -> list[str] | None:
    if isinstance(raw, str):
        keys = list("".join(_SEPARATORS.split(_key(raw))))
    elif isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
        keys = [_key(item) for item in raw if item.strip()]
    else:
        raise BadAnswer(_("A multiple-choice answer should be a list of option letters, "
                          "such as [\"A\", \"C\"]."))
    known = {option.key for option in question.options}
    for key in keys:
        if key not in known:
            raise BadAnswer(_("There is no option “%(key)s”.", key=key[:10]))
    return sorted(set(keys)) or None


def _truefalse(question: QuestionData, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    truth = truth_value(raw) if isinstance(raw, str) else None
    if truth is None:
        raise BadAnswer(_("A true/false answer should be true or false."))
    return truth


def _short(question: QuestionData, raw: object) -> str:
    if not isinstance(raw, str):
        raise BadAnswer(_("A short answer should be text."))
    text = raw.strip()
    if len(text) > MAX_TEXT:
        raise BadAnswer(_("An answer cannot be longer than %(max)d characters.", max=MAX_TEXT))
    return text


def _numerical(question: QuestionData, raw: object) -> float:
    value = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = _float(raw)
    elif isinstance(raw, str) and len(raw) <= 100:
        value = to_number(raw)
    if value is None or not math.isfinite(value):
        raise BadAnswer(_("A numerical answer should be a number."))
    return value


def _float(number: int | float) -> float | None:
    try:
        return float(number)
    except OverflowError:  # an int too large for a float
        return None


_COERCE = {"single": _single, "multiple": _multiple, "truefalse": _truefalse,
           "short": _short, "numerical": _numerical}


def grade(question: QuestionData, answer: object) -> float:
    """The credit for an answer, from 0 to 1 (None or an answer that no longer fits the
    question: 0). Weighted multiple choice: the chosen weights over the sum of the
    positive weights, so weights written as 33.33% x 3 still give exactly 1."""
    try:
        answer = coerce_answer(question, answer)
    except BadAnswer:
        return 0.0
    if answer is None:
        return 0.0
    return min(1.0, max(0.0, _GRADE[question.type](question, answer)))


def _grade_single(question: QuestionData, answer: str) -> float:
    return next(option.fraction for option in question.options if option.key == answer)


def _grade_multiple(question: QuestionData, answer: list[str]) -> float:
    right = [option for option in question.options if option.fraction > 0]
    if not question.partial:
        return float(set(answer) == {option.key for option in right})
    chosen = sum(option.fraction for option in question.options if option.key in answer)
    total = sum(option.fraction for option in right)
    return chosen / total if total else 0.0


def _grade_truefalse(question: QuestionData, answer: bool) -> float:
    return float(answer == question.truth)


def _grade_short(question: QuestionData, answer: str) -> float:
    given = normalise_text(answer)
    credits = [*question.accepted_credit, *[1.0] * len(question.accepted)]
    return max((float(credit) for text, credit in zip(question.accepted, credits, strict=False)
                if normalise_text(text) == given), default=0.0)


def _grade_numerical(question: QuestionData, answer: float) -> float:
    credits = [item.fraction for item in question.numeric
               if abs(answer - item.value) <= item.tolerance + 1e-9 * max(1.0, abs(item.value))]
    return max(credits, default=0.0)


_GRADE = {"single": _grade_single, "multiple": _grade_multiple, "truefalse": _grade_truefalse,
          "short": _grade_short, "numerical": _grade_numerical}


def correct_answer(question: QuestionData) -> str | list[str] | bool | float | None:
    """The canonical right answer, for reviews: the best option, every positive option,
    the truth, the first accepted text, or the value of the best numeric answer."""
    if question.type == "single":
        return max(question.options, key=lambda option: option.fraction).key
    if question.type == "multiple":
        return sorted(option.key for option in question.options if option.fraction > 0)
    if question.type == "truefalse":
        return question.truth
    if question.type == "short":
        credits = [*question.accepted_credit, *[1.0] * len(question.accepted)]
        best = [text for text, credit in zip(question.accepted, credits, strict=False)
                if credit == 1]
        return best[0] if best else (question.accepted[0] if question.accepted else None)
    best = max(question.numeric, key=lambda item: item.fraction, default=None)
    return None if best is None else best.value
