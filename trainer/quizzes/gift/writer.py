"""Writing GIFT that the reader reads back equal (see the package doc)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer.quizzes.gift.lexer import FORMAT, category_line, moodle_grade
from trainer.quizzes.items import DEFAULT_DIFFICULTY, QuestionData, number_text, percent_text
from trainer.quizzes.parse_messages import message

__all__ = ["dump_gift"]

_ESCAPE = str.maketrans({c: "\\" + c for c in "\\~=#{}:"} | {"\n": "\\n", "\r": ""})


def dump_gift(questions: Iterable[QuestionData]) -> str:
    """Write questions as GIFT that parse_gift reads back equal, with $CATEGORY: lines
    where the category changes and tag comments for the fields GIFT has no syntax for."""
    chunks, category = [], ""
    for question in questions:
        if question.category != category:
            category = question.category
            chunks.append(category_line(category) + "\n")
        chunks.append(_write(question))
    return "\n".join(chunks)


def _write(question: QuestionData) -> str:
    # the ID number first, in the comment, as Moodle's own export writes and reads it
    marks = [f"[id:{_tag_text(question.idnumber)}]"] if question.idnumber else []
    tags = " ".join(marks + [f"[tag:{_tag_text(tag)}]" for tag in _tags(question)])
    head = f"::{question.title.translate(_ESCAPE)}::" if question.title else ""
    explanation = _out(question.explanation)
    if question.type == "truefalse":
        body = _truefalse(question) + (f"####{explanation}" if explanation else "")
    else:
        prefix, lines = _WRITERS[question.type](question)
        if explanation:
            lines.append(f"####{explanation}")
        body = prefix + "\n" + "".join(f"\t{line}\n" for line in lines)
    # the format is said on the question, as Moodle's own export does: plain is the default
    stem = "[markdown]" + question.stem.translate(_ESCAPE) if question.markup == "markdown" \
        else _out(question.stem, "[plain]")
    text = f"{head}{stem}{{{body}}}\n"
    return f"// {tags}\n{text}" if tags else text


def _tags(question: QuestionData) -> list[str]:
    tags = [f"difficulty:{question.difficulty}"]
    if question.difficulty == DEFAULT_DIFFICULTY:
        tags = []
    tags += [f"competency:{code}" for code in question.competencies]
    if question.points != 1:
        tags.append(f"points:{number_text(question.points)}")
    if question.type == "multiple" and not question.partial:
        tags.append("grading:all-or-nothing")
    return tags + question.tags


def _tag_text(tag: str) -> str:
    return tag.replace("\n", " ").replace("]", "\\]")


def _out(text: str, prefix: str = "[markdown]") -> str:
    """Escaped text. A format prefix (dropped on import) protects a start that would
    read as a format, a comment or a byte order mark."""
    text = text.translate(_ESCAPE)
    guard = FORMAT.match(text) or text.startswith(("//", "\ufeff"))
    return prefix + text if guard else text


def _weighted(marker: str, fraction: float, default: float, text: str) -> str:
    if fraction != default or text.startswith("%"):  # a leading % would read as a weight
        marker += f"%{_moodle_percent(fraction)}%"
    return marker + text


def _moodle_percent(fraction: float) -> str:
    """The weight as one of the grades Moodle's importer accepts; any other is refused
    (Moodle would refuse the whole question)."""
    grade = moodle_grade(fraction)
    if grade is None:
        raise ValueError(message(
            "the weight %(weight)s%% is not one Moodle accepts (100, 90, 83.33333, 80, 75, 70, "
            "66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, "
            "10, 5, 0 or their negatives)", weight=percent_text(fraction)))
    return grade[0]


def _feedback(text: str) -> str:
    return "#" + _out(text) if text else ""


def _choices(question: QuestionData) -> tuple[str, list[str]]:
    lines = []
    for option in question.options:
        right = question.type == "single" and option.fraction == 1
        marker, default = ("=", 1.0) if right else ("~", 0.0)
        lines.append(_weighted(marker, option.fraction, default, _out(option.text))
                     + _feedback(option.feedback))
    return "", lines


def _short(question: QuestionData) -> tuple[str, list[str]]:
    if any("->" in text for text in [*question.accepted, *question.accepted_feedback]):
        raise ValueError(f"GIFT cannot hold a short answer containing '->': {question.stem!r}")
    feedback = [*question.accepted_feedback, *[""] * len(question.accepted)]
    credits = [*question.accepted_credit, *[1.0] * len(question.accepted)]
    return "", [_weighted("=", credit, 1.0, _out(text)) + _feedback(comment)
                for text, comment, credit in zip(question.accepted, feedback, credits,
                                                 strict=False)]


def _numerical(question: QuestionData) -> tuple[str, list[str]]:
    lines = []
    for answer in question.numeric:
        number = number_text(answer.value)
        if answer.tolerance:
            number += ":" + number_text(answer.tolerance)
        lines.append(_weighted("=", answer.fraction, 1.0, number) + _feedback(answer.feedback))
    if question.feedback_other:
        lines.append("~" + _feedback(question.feedback_other))
    return "#", lines


def _truefalse(question: QuestionData) -> str:
    right, wrong = question.feedback_true, question.feedback_false
    if not question.truth:
        right, wrong = wrong, right
    text = "TRUE" if question.truth else "FALSE"
    if wrong or right:
        text += "#" + _out(wrong)
    return text + ("#" + _out(right) if right else "")


_WRITERS = {"single": _choices, "multiple": _choices, "short": _short, "numerical": _numerical}
