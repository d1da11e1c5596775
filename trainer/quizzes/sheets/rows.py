"""One template row (a dict of header -> text) as a QuestionData (see the package doc)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

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
from trainer.quizzes.parse_messages import message as _
from trainer.quizzes.sheets import extras
from trainer.quizzes.sheets.columns import (
    ALL_HEADERS,
    OPTION_COLUMNS,
    TYPE_ALIASES,
    Problem,
    cell,
    split_items,
)

__all__ = ["parse_row", "read_row"]

_LIST_SEPARATORS = re.compile(r"[\s,，、;；/]+")


def read_row(cells: dict[str, str]) -> QuestionData:
    """One template row given as {header: text} (the web form uses it too); raises
    ValueError with the reason (translated) when it is not a question."""
    full = dict.fromkeys(ALL_HEADERS, "") | {name: cell(value) for name, value in cells.items()}
    try:
        return parse_row(full)
    except Problem as problem:
        raise ValueError(str(problem)) from None


def parse_row(cells: dict[str, str]) -> QuestionData:
    """The question of a row with every column present (blank for a missing one)."""
    name = "".join(unicodedata.normalize("NFKC", cells["题型"]).split()).removesuffix("题")
    if not name:
        raise Problem(_("The question type is missing."))
    kind = TYPE_ALIASES.get(name.lower())
    if kind is None:
        raise Problem(_("Unknown question type “%(type)s”.", type=cells["题型"]))
    if not cells["题干"]:
        raise Problem(_("The question text is missing."))
    if not cells["答案"]:
        raise Problem(_("The answer is missing."))
    fields = _READERS[kind](cells) | extras.common(cells)
    fields["partial"] = extras.partial(cells, kind)
    fields["feedback_other"] = extras.feedback_other(cells, kind)
    return QuestionData(
        type=kind, stem=cells["题干"], explanation=cells["解析"],
        category=cells["分类"].replace("\n", " "), difficulty=_difficulty(cells["难度"]),
        competencies=_competencies(cells["能力"]), **fields)


def _option_texts(cells: dict[str, str]) -> list[str]:
    texts = [cells[column] for column in OPTION_COLUMNS]
    while texts and not texts[-1]:
        texts.pop()
    if "" in texts:
        raise Problem(_("Option %(key)s is empty, but a later option is not.",
                        key=KEYS[texts.index("")]))
    if len(texts) < 2:
        raise Problem(_("A choice question needs at least two options."))
    return texts


def _answer_keys(answer: str, count: int) -> list[str]:
    letters = "".join(_LIST_SEPARATORS.split(unicodedata.normalize("NFKC", answer).upper()))
    for letter in letters:
        if letter not in KEYS[:count]:
            raise Problem(_("The answer “%(letter)s” is not one of the options.", letter=letter))
    return list(dict.fromkeys(letters))


def _options(cells: dict[str, str], texts: list[str], fractions: list[float]) -> list[Option]:
    notes = extras.feedback(cells, len(texts), "options")
    return [Option(KEYS[at], text, fractions[at], notes[at]) for at, text in enumerate(texts)]


def _read_single(cells: dict[str, str]) -> dict:
    texts = _option_texts(cells)
    keys = _answer_keys(cells["答案"], len(texts))
    if len(keys) != 1:
        raise Problem(_("A single-choice question can have only one answer."))
    fractions = extras.weights(cells, len(texts), "options")
    if fractions is None:
        fractions = [float(KEYS[at] in keys) for at in range(len(texts))]
    if [KEYS[at] for at, f in enumerate(fractions) if f == 1] != keys:
        raise Problem(_("The weights of a single-choice question must give full credit (100) "
                        "to answer %(key)s only.", key=keys[0]))
    return {"options": _options(cells, texts, fractions)}


def _read_multiple(cells: dict[str, str]) -> dict:
    texts = _option_texts(cells)
    keys = _answer_keys(cells["答案"], len(texts))
    fractions = extras.weights(cells, len(texts), "options")
    if fractions is None:  # the right options share the credit equally
        fractions = [1 / len(keys) if KEYS[at] in keys else 0.0 for at in range(len(texts))]
    if sorted(KEYS[at] for at, f in enumerate(fractions) if f > 0) != sorted(keys):
        raise Problem(_("The options with a positive weight in a multiple-choice question must "
                        "be exactly those in the answer."))
    total = sum(f for f in fractions if f > 0)
    if abs(total - 1) > 0.005:
        raise Problem(_("The weights of a multiple-choice question do not add up to 100%% "
                        "(they add up to %(total)s%%).", total=f"{total * 100:g}"))
    return {"options": _options(cells, texts, fractions)}


def _read_truefalse(cells: dict[str, str]) -> dict:
    truth = truth_value(cells["答案"])
    if truth is None:
        raise Problem(_("The answer of a true/false question must be “对” or “错”, not "
                        "“%(answer)s”.", answer=cells["答案"]))
    if cells["权重"]:
        raise Problem(_("A true/false question has no weights."))
    feedback_true, feedback_false = extras.feedback(cells, 2, "truefalse")
    return {"truth": truth, "feedback_true": feedback_true, "feedback_false": feedback_false}


def _read_short(cells: dict[str, str]) -> dict:
    accepted = _answers(cells["答案"])
    fractions = extras.weights(cells, len(accepted), "answers") or [1.0] * len(accepted)
    if any(f < 0 for f in fractions):
        raise Problem(_("Weights of a short-answer question cannot be negative."))
    if accepted and 1 not in fractions:
        raise Problem(_("The right answer is missing (an answer with full credit is needed)."))
    notes = extras.feedback(cells, len(accepted), "answers")
    return {"accepted": accepted, "accepted_feedback": notes if any(notes) else [],
            "accepted_credit": fractions if any(f != 1 for f in fractions) else []}


def _read_numerical(cells: dict[str, str]) -> dict:
    texts = _answers(cells["答案"])
    fractions = extras.weights(cells, len(texts), "answers") or [1.0] * len(texts)
    if any(f < 0 for f in fractions):
        raise Problem(_("Weights of a numerical question cannot be negative."))
    if 1.0 not in fractions:
        raise Problem(_("The right answer is missing (an answer with weight 100 is needed)."))
    notes = extras.feedback(cells, len(texts), "answers")
    return {"numeric": [replace(_numeric_answer(text), fraction=fraction, feedback=note)
                        for text, fraction, note in zip(texts, fractions, notes, strict=True)]}


def _answers(text: str) -> list[str]:
    answers = [item for item in split_items(text) if item]
    if not answers:
        raise Problem(_("The answer is missing."))
    return answers


def _numeric_answer(text: str) -> NumericAnswer:
    text = unicodedata.normalize("NFKC", text).strip()
    if text.find("..") > 0:
        low, high = (_number(bit) for bit in text.split("..", 1))
        if low > high:
            raise Problem(_("The range “%(range)s” has its lower bound above its upper bound.",
                            range=text))
        value = low / 2 + high / 2
        return NumericAnswer(value, high - value)
    bits = re.split(r"±|\+/-|(?<=.):", text, maxsplit=1)
    value, tolerance = bits if len(bits) == 2 else (text, "0")
    return NumericAnswer(_number(value), _tolerance(tolerance))


def _number(text: str) -> float:
    value = to_number(text)
    if value is None:
        raise Problem(_("The answer “%(text)s” of a numerical question is not a valid number.",
                        text=text.strip()))
    return value


def _tolerance(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise Problem(_("The tolerance cannot be negative."))
    return value


def _difficulty(text: str) -> int:
    if not text:
        return DEFAULT_DIFFICULTY
    text = unicodedata.normalize("NFKC", text)
    if not re.fullmatch(r"[1-5]", text):
        raise Problem(_("The difficulty must be a whole number from 1 to 5."))
    return int(text)


def _competencies(text: str) -> list[str]:
    codes: list[str] = []
    for name in filter(None, _LIST_SEPARATORS.split(text)):
        code = competency_code(name)
        if code is None:
            raise Problem(_("Unknown competency “%(name)s”.", name=name))
        if code not in codes:
            codes.append(code)
    return codes


_READERS = {"single": _read_single, "multiple": _read_multiple, "truefalse": _read_truefalse,
            "short": _read_short, "numerical": _read_numerical}
