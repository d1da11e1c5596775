"""The in-memory question model shared by the importers, the exporters and grading.

Pure code: no Flask, no database. An importer returns the questions it could read and an
ImportProblem for every question or row it could not; when there is any problem the caller
stores nothing, so a bank is never half-imported.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import Decimal, localcontext

TYPES = ("single", "multiple", "truefalse", "short", "numerical")
KEYS = "ABCDEF"  # option keys, assigned in order; at most six options
DEFAULT_DIFFICULTY = 3

COMPETENCIES = {
    "communication": "语言沟通",
    "coordination": "协调处理",
    "mediation": "化解纠纷",
    "information": "信息采集分析",
    "public_opinion": "舆情应对",
}

# Words accepted for true and false, compared after NFKC and upper-casing.
TRUE_WORDS = frozenset({"对", "正确", "√", "✓", "是", "T", "TRUE"})
FALSE_WORDS = frozenset({"错", "错误", "×", "✗", "否", "F", "FALSE"})

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass
class Option:
    """One choice. fraction is its credit: 1.0 for the right single choice, weights
    such as 0.5 or -1.0 for multiple choice."""

    key: str
    text: str
    fraction: float
    feedback: str = ""


@dataclass
class NumericAnswer:
    """A right (or partly right) number: any x with |x - value| <= tolerance."""

    value: float
    tolerance: float = 0.0
    fraction: float = 1.0
    feedback: str = ""


@dataclass
class QuestionData:
    """One question as read from or written to a question bank file.

    Only the fields of its type matter: options (single, multiple), truth (truefalse),
    accepted (short), numeric (numerical). partial applies to multiple choice:
    weighted partial credit when True, all-or-nothing when False. feedback_true and
    feedback_false are shown after answering True or False respectively;
    accepted_feedback after giving the accepted text at the same position (empty when no
    accepted text has feedback); accepted_credit the credit of the accepted text at the same
    position (Moodle's partial-credit short answers; empty when every one is full credit);
    feedback_other after a number that matches no numeric
    answer (GIFT's ``~#...``). markup says how stem, options and explanation are shown:
    "markdown", or "plain" text (the spreadsheet template's default).
    """

    type: str
    stem: str
    options: list[Option] = field(default_factory=list)
    truth: bool | None = None
    accepted: list[str] = field(default_factory=list)
    numeric: list[NumericAnswer] = field(default_factory=list)
    explanation: str = ""
    title: str = ""
    category: str = ""
    difficulty: int = DEFAULT_DIFFICULTY
    competencies: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    points: float = 1.0
    partial: bool = False
    feedback_true: str = ""
    feedback_false: str = ""
    accepted_feedback: list[str] = field(default_factory=list)
    feedback_other: str = ""
    markup: str = "markdown"
    accepted_credit: list[float] = field(default_factory=list)  # per accepted text; [] = all 1
    idnumber: str = ""  # Moodle's question ID number (GIFT "// [id:...]"), kept for export


# Fields added after the first release, left out of content hashes while at these
# defaults so that questions stored before keep their hash (no new version on reload).
LATER_DEFAULTS = {"accepted_feedback": [], "feedback_other": "", "markup": "markdown",
                  "accepted_credit": [], "idnumber": ""}
MARKUPS = ("markdown", "plain")


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong with one question: line (GIFT) or row (spreadsheet, header = 1),
    the first characters of the question, and a message in Chinese."""

    line: int
    start: str
    message: str
    skipped: bool = False  # a question of a type the site has not (essay, ...): left out


    def __str__(self) -> str:
        where = f"（{self.start}）" if self.start else ""
        return f"第{self.line}行{where}：{self.message}"


def competency_code(value: str) -> str | None:
    """The competency code for a code or its Chinese name, else None."""
    value = value.strip()
    if value.lower() in COMPETENCIES:
        return value.lower()
    for code, name in COMPETENCIES.items():
        if value == name:
            return code
    return None


def snippet(text: str, size: int = 30) -> str:
    """The first characters of a question on one line, for problem reports."""
    return " ".join(text.split())[:size]


def to_number(text: str) -> float | None:
    """A finite number written as decimal text (full-width digits too), else None."""
    text = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def truth_value(text: str) -> bool | None:
    """True or False for one of the accepted words (对/错, T/F, TRUE/FALSE, ...), else None."""
    word = unicodedata.normalize("NFKC", text).strip().upper()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def number_text(value: float) -> str:
    """A number as short text that reads back as exactly the same float."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def fraction_of(percent: str) -> float:
    """The fraction a percentage written as decimal text stands for ("50" -> 0.5)."""
    with localcontext() as context:
        context.prec = 80
        return float(Decimal(percent) / 100)


def percent_text(fraction: float) -> str:
    """The shortest percentage that reads back (fraction_of) as exactly this fraction."""
    for digits in range(17):
        text = f"{fraction * 100:.{digits}f}"
        if fraction_of(text) == fraction:
            return text
    with localcontext() as context:
        context.prec = 80
        return format(Decimal(fraction) * 100, "f")


def to_dict(question: QuestionData) -> dict:
    """A JSON-ready dict of every field (what attempts snapshot and drafts keep)."""
    return asdict(question)


def from_dict(data: dict) -> QuestionData:
    """The QuestionData that ``to_dict`` wrote (unknown keys are ignored)."""
    known = {name: data[name] for name in QuestionData.__dataclass_fields__ if name in data}
    known["options"] = [Option(**option) for option in data.get("options", [])]
    known["numeric"] = [NumericAnswer(**item) for item in data.get("numeric", [])]
    known["accepted"] = list(data.get("accepted", []))
    known["accepted_feedback"] = list(data.get("accepted_feedback", []))
    known["accepted_credit"] = [float(c) for c in data.get("accepted_credit", [])]
    known["competencies"] = list(data.get("competencies", []))
    known["tags"] = list(data.get("tags", []))
    return QuestionData(**known)


def merge_details(old: QuestionData, new: QuestionData) -> QuestionData:
    """``new`` (from the web form, which shows no weights, feedback, title or text format)
    keeping the details of ``old`` that the edit did not touch: the title, the text
    format and the Moodle ID number; option weights and feedback while the options and the
    right answer stay the same; the feedback of accepted texts and numbers that stay;
    true/false feedback."""
    new.title, new.markup = new.title or old.title, old.markup
    new.idnumber = new.idnumber or old.idnumber
    if new.type != old.type:
        return new
    if new.type in ("single", "multiple") and _same_choices(old, new):
        new.options = [Option(o.key, o.text, o.fraction, o.feedback) for o in old.options]
    elif new.type == "truefalse":
        new.feedback_true, new.feedback_false = old.feedback_true, old.feedback_false
    elif new.type == "short":
        kept = dict(zip(old.accepted, old.accepted_feedback, strict=False))
        notes = [kept.get(text, "") for text in new.accepted]
        new.accepted_feedback = notes if any(notes) else []
        credit = dict(zip(old.accepted, old.accepted_credit, strict=False))
        credits = [credit.get(text, 1.0) for text in new.accepted]
        new.accepted_credit = credits if any(c != 1 for c in credits) else []
    elif new.type == "numerical":
        kept = {(item.value, item.tolerance): item for item in old.numeric}
        new.numeric = [kept.get((item.value, item.tolerance), item) for item in new.numeric]
        new.feedback_other = old.feedback_other
    return new


def _same_choices(old: QuestionData, new: QuestionData) -> bool:
    """Same option texts and the same right answer as the form shows it: the option with
    full credit (single choice; others may carry partial weights the form does not show),
    the options with any credit (multiple choice)."""
    def shape(question: QuestionData) -> list[tuple[str, bool]]:
        if question.type == "single":
            return [(o.text, o.fraction == 1) for o in question.options]
        return [(o.text, o.fraction > 0) for o in question.options]

    return shape(old) == shape(new)
