"""Reading GIFT: questions, answers and the tag comments (see the package doc)."""

from __future__ import annotations

import re
from collections.abc import Callable

from trainer.quizzes.gift.lexer import (
    FORMAT,
    Block,
    Problem,
    Text,
    Unsupported,
    blocks,
    category_path,
    moodle_grade,
)
from trainer.quizzes.items import (
    DEFAULT_DIFFICULTY,
    KEYS,
    ImportProblem,
    NumericAnswer,
    Option,
    QuestionData,
    competency_code,
    fraction_of,
    to_number,
)
from trainer.quizzes.parse_messages import message as _
from trainer.sheet_reading import MAX_ROWS

__all__ = ["BLANK", "parse_gift"]

BLANK = "_____"  # Moodle's blank for the missing-word format
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]\n])+)\]")
_ID = re.compile(r"\[id:((?:\\\]|[^\]\n])+)\]")
_ID_SIZE = 100  # Moodle's question.idnumber column
_TRUE, _FALSE = ("T", "TRUE"), ("F", "FALSE")


def parse_gift(text: str) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Read a GIFT question bank: its questions and every problem found in it."""
    questions, problems, category = [], [], ""
    for count, block in enumerate(blocks(text), start=1):
        if count > MAX_ROWS:  # counted while reading: a huge file stops here
            return [], [ImportProblem(block.lines[0][0], block.start, _(
                "The file has more than %(n)s questions: split it into several files.",
                n=f"{MAX_ROWS:,}"))]
        first = block.lines[0][1]
        if first.startswith("$CATEGORY:"):
            category = category_path(first.removeprefix("$CATEGORY:"))
            block.lines.pop(0)
            if not block.lines:
                continue
        try:
            questions.append(_read(block, category))
        except Problem as problem:
            problems.append(ImportProblem(block.lines[0][0], block.start, str(problem),
                                          skipped=isinstance(problem, Unsupported)))
    return questions, problems


def _read(block: Block, category: str) -> QuestionData:
    text = Text.decode("\n".join(line for _, line in block.lines)).strip()
    title, text = _title(text)
    idnumber, text = _inline_id(text)
    # Moodle's text is plain unless the question says otherwise: "# 1" or "*" in a Moodle
    # bank is text, not a heading or emphasis. [html] text is read as Markdown (which keeps
    # inline HTML out: the renderer sanitises it) rather than shown with its tags.
    markup = "markdown" if text.mask.startswith(("[markdown]", "[html]")) else "plain"
    stem, answer = _split_answer(text)
    explanation = ""
    if (at := answer.mask.rfind("####")) >= 0:
        answer, explanation = answer[:at].strip(), answer[at + 4 :].plain()
    reader = _reader(answer)
    if not stem:
        raise Problem(_("The question text is missing."))
    fields = reader(answer)
    meta = _meta(block.comments)
    partial = meta.pop("partial")
    if fields["type"] == "multiple":
        fields["partial"] = partial
    idnumber = idnumber or _comment_id(block.comments)
    return QuestionData(stem=stem, explanation=explanation, title=title, category=category,
                        markup=markup, idnumber=idnumber, **fields, **meta)


def _title(text: Text) -> tuple[str, Text]:
    if not text.mask.startswith("::"):
        return "", text
    end = text.mask.find("::", 2)
    if end < 0:
        raise Problem(_("The question name lacks its closing “::”."))
    return text[2:end].raw.strip(), text[end + 2 :].strip()


def _inline_id(text: Text) -> tuple[str, Text]:
    """An ID number written after the title ("[id:Q1]", before or after a [format]
    marker) and the text without it. Moodle itself writes and reads the ID number in the
    question's comment (see _comment_id); this form is accepted so that it never ends up
    in the question text."""
    found = FORMAT.match(text.mask)
    head, body = (text[: found.end()], text[found.end() :].strip()) if found \
        else (Text("", ""), text)
    if not body.mask.startswith("[id:"):
        return "", text
    if not (match := _ID.match(body.mask)):
        raise Problem(_("The ID number “[id:…” lacks its closing “]”."))
    return _id_value(body[match.start(1) : match.end(1)].raw), head + body[match.end() :].strip()


def _comment_id(comments: str) -> str:
    """The ID number of Moodle's "// [id:Q1] [tag:...]" comment ("" when none)."""
    if not (found := _ID.search(comments)):
        if "[id:" in comments:
            raise Problem(_("The ID number “[id:…” lacks its closing “]”."))
        return ""
    return _id_value(found.group(1))


def _id_value(text: str) -> str:
    value = text.replace("\\]", "]").strip()
    if not value:
        raise Problem(_("The ID number in “[id:…]” is empty."))
    if len(value) > _ID_SIZE:
        raise Problem(_("The ID number is longer than %(n)s characters.", n=_ID_SIZE))
    return value


def _split_answer(text: Text) -> tuple[str, Text]:
    """The stem (with Moodle's blank where the answers sat mid-sentence) and the answers."""
    opening, closing = text.mask.find("{"), text.mask.find("}")
    opened, closed = text.mask.count("{"), text.mask.count("}")
    if opened == closed == 0:
        raise Unsupported(_("Unsupported question type: description (no “{…}” answer part)."))
    if opened != closed or closing < opening:
        raise Problem(_("Unmatched braces: write “{” and “}” in question text as “\\{” and “\\}”."))
    if opened > 1:
        raise Problem(_("A question can have only one answer part “{…}” (leave a blank line "
                       "between questions)."))
    rest = text[closing + 1 :]
    if rest.mask:
        rest = Text(BLANK, BLANK) + rest
    return (text[:opening] + rest).plain(), text[opening + 1 : closing].strip()


def _reader(answer: Text) -> Callable[[Text], dict]:
    """The reader for the question type, told from the answers as Moodle does."""
    mask = answer.mask
    if not mask:
        raise Unsupported(_("Unsupported question type: essay."))
    if mask.startswith("#"):
        return _read_numerical
    if "~" in mask:
        return _read_choice
    if "=" in mask and "->" in mask:
        raise Unsupported(_("Unsupported question type: matching."))
    head = answer.split("#", 1)[0].strip().raw.upper()
    return _read_truefalse if head in _TRUE + _FALSE else _read_short


def _answers(text: Text, markers: str) -> list[tuple[str, Text]]:
    """Split answers at unescaped markers: [(marker, text)], text before the first kept
    (as Moodle does) when not blank."""
    found, start, marker = [], 0, ""
    for at, char in enumerate(text.mask):
        if char in markers:
            found.append((marker, text[start:at].strip()))
            start, marker = at + 1, char
    found.append((marker, text[start:].strip()))
    return found if found[0][1].mask else found[1:]


def _weight(text: Text) -> tuple[float | None, Text]:
    found = _WEIGHT.match(text.mask)
    if not found:
        return None, text
    weight = fraction_of(found.group(1))
    if grade := moodle_grade(weight):  # "33.33333" is Moodle's third: read it as one
        weight = grade[1]
    if not -1 <= weight <= 1:
        raise Problem(_("Weight “%(weight)s” must lie between -100%% and 100%%.",
                        weight=found.group(0)))
    return weight, text[found.end() :].strip()


def _comment(text: Text) -> tuple[str, str]:
    bits = text.split("#", 1)
    return bits[0].plain(), bits[1].plain() if len(bits) > 1 else ""


def _read_choice(answer: Text) -> dict:
    marked = _answers(answer, "~=")
    if len(marked) < 2:
        raise Problem(_("A choice question needs at least two options."))
    if len(marked) > len(KEYS):
        raise Problem(_("A choice question can have at most six options (A–F)."))
    options = [_option(KEYS[at], marker, text) for at, (marker, text) in enumerate(marked)]
    if any(marker == "=" for marker, _ in marked):
        full = sum(option.fraction == 1 for option in options)
        if full != 1:
            raise Problem(_("The right answer is missing.") if not full else _(
                "A single-choice question can have only one “=” right answer; for multiple "
                "choice, give each right option a weight, such as “%(example)s”.", example="~%50%"))
        return {"type": "single", "options": options}
    total = sum(option.fraction for option in options if option.fraction > 0)
    if not total:
        raise Problem(_("The right answer is missing."))
    if abs(total - 1) > 0.005:
        raise Problem(_("The weights of a multiple-choice question do not add up to 100%% "
                        "(they add up to %(total)s%%).", total=f"{total * 100:g}"))
    return {"type": "multiple", "options": options}


def _option(key: str, marker: str, text: Text) -> Option:
    weight, text = _weight(text)
    if weight is None:
        weight = 1.0 if marker == "=" else 0.0
    answer, feedback = _comment(text)
    if not answer:
        raise Problem(_("Option %(key)s is empty.", key=key))
    return Option(key, answer, weight, feedback)


def _read_truefalse(answer: Text) -> dict:
    bits = [*answer.split("#", 2), Text("", ""), Text("", "")]
    truth = bits[0].strip().raw.upper() in _TRUE
    wrong, right = bits[1].plain(), bits[2].plain()
    feedback_true, feedback_false = (right, wrong) if truth else (wrong, right)
    return {"type": "truefalse", "truth": truth, "feedback_true": feedback_true,
            "feedback_false": feedback_false}


def _read_short(answer: Text) -> dict:
    accepted, feedback, credits = [], [], []
    for _marker, text in _answers(answer, "="):
        weight, text = _weight(text)
        weight = 1.0 if weight is None else weight
        if weight < 0:
            raise Problem(_("Weights of a short-answer question cannot be negative."))
        text, comment = _comment(text)
        if not text:
            raise Problem(_("An answer of the short-answer question is empty."))
        accepted.append(text)
        feedback.append(comment)
        credits.append(weight)  # Moodle's "=%50%答案": half credit for that answer
    if 1 not in credits:
        raise Problem(_("The right answer is missing (an answer with full credit is needed)."))
    return {"type": "short", "accepted": accepted,
            "accepted_feedback": feedback if any(feedback) else [],
            "accepted_credit": credits if any(c != 1 for c in credits) else []}


def _read_numerical(answer: Text) -> dict:
    body, other = answer[1:], ""
    if (tilde := body.mask.find("~")) >= 0:  # Moodle: "~#feedback" for any other number
        body, other = body[:tilde], _comment(body[tilde + 1 :])[1]
    numeric = [_numeric_answer(text) for _, text in _answers(body, "=")]
    if not numeric:
        raise Problem(_("The numerical question has no answer."))
    if not any(item.fraction == 1 for item in numeric):
        raise Problem(_("The right answer is missing (an answer with full credit is needed)."))
    return {"type": "numerical", "numeric": numeric, "feedback_other": other}


def _numeric_answer(text: Text) -> NumericAnswer:
    weight, text = _weight(text)
    weight = 1.0 if weight is None else weight
    if weight < 0:
        raise Problem(_("Weights of a numerical question cannot be negative."))
    number, feedback = _comment(text)
    if number.find("..") > 0:
        low, high = (_number(bit) for bit in number.split("..", 1))
        if low > high:
            raise Problem(_("The range “%(range)s” has its lower bound above its upper bound.",
                            range=number))
        value = low / 2 + high / 2
        return NumericAnswer(value, high - value, weight, feedback)
    value, tolerance = number.split(":", 1) if number.find(":") > 0 else (number, "0")
    if (margin := _number(tolerance)) < 0:
        raise Problem(_("The tolerance cannot be negative."))
    return NumericAnswer(_number(value), margin, weight, feedback)


def _number(text: str) -> float:
    value = to_number(text)
    if value is None:
        raise Problem(_("“%(text)s” is not a valid number.", text=text.strip()))
    return value


def _meta(comments: str) -> dict:
    meta = {"difficulty": DEFAULT_DIFFICULTY, "competencies": [], "tags": [], "points": 1.0,
            "partial": True}
    for found in _TAG.finditer(comments):
        tag = found.group(1).replace("\\]", "]").strip()
        name, colon, value = tag.partition(":")
        name = name.strip().lower()
        if colon and name in _META:
            _META[name](meta, value.strip())
        elif tag and tag not in meta["tags"]:
            meta["tags"].append(tag)
    return meta


def _set_difficulty(meta: dict, value: str) -> None:
    if not re.fullmatch(r"[1-5]", value):
        raise Problem(_("The difficulty must be a whole number from 1 to 5."))
    meta["difficulty"] = int(value)


def _add_competency(meta: dict, value: str) -> None:
    code = competency_code(value)
    if code is None:
        raise Problem(_("Unknown competency “%(name)s”.", name=value))
    if code not in meta["competencies"]:
        meta["competencies"].append(code)


def _set_points(meta: dict, value: str) -> None:
    points = to_number(value)
    if points is None or points <= 0:
        raise Problem(_("The points must be a positive number."))
    meta["points"] = points


def _set_grading(meta: dict, value: str) -> None:
    if value.lower() not in ("all-or-nothing", "partial"):
        raise Problem(_("The grading must be all-or-nothing or partial."))
    meta["partial"] = value.lower() == "partial"


_META = {"difficulty": _set_difficulty, "competency": _add_competency, "points": _set_points,
         "grading": _set_grading}
