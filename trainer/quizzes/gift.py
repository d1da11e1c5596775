"""GIFT (Moodle's text format) import and export, following Moodle's qformat_gift.

Questions are separated by blank lines; lines starting with // are comments, and Moodle's
`// [tag:...]` comments in a question's block give its tags (`difficulty:N`,
`competency:CODE`, `points:N`, `grading:all-or-nothing` are read as those fields).
Where Moodle is lax, this parser reports a problem instead of guessing: two `=` answers in
a choice question, several answer blocks, weights that do not add up, partial-credit short
answers. Matching, essay and description questions are reported as unsupported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, localcontext

from trainer.quizzes.items import (
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
)

__all__ = ["BLANK", "ImportProblem", "dump_gift", "parse_gift"]

BLANK = "_____"  # Moodle's blank for the missing-word format
_FORMAT = re.compile(r"\[(?:markdown|html|plain|moodle)\]")
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]\n])+)\]")
_UNESCAPE = {":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n", "\\": "\\"}
_ESCAPE = str.maketrans({c: "\\" + c for c in "\\~=#{}:"} | {"\n": "\\n", "\r": ""})
_HIDDEN = "\x00"
_TRUE, _FALSE = ("T", "TRUE"), ("F", "FALSE")


class _Problem(Exception):
    """One question cannot be imported; the message is for the trainer."""


@dataclass(frozen=True)
class _Text:
    """Text with GIFT escapes resolved. raw holds the characters; mask holds the same
    ones except that escaped characters are hidden, so syntax is looked for in mask."""

    raw: str
    mask: str

    @classmethod
    def decode(cls, source: str) -> _Text:
        raw, mask, i = [], [], 0
        while i < len(source):
            pair = source[i : i + 2]
            if len(pair) == 2 and pair[0] == "\\" and pair[1] in _UNESCAPE:
                raw.append(_UNESCAPE[pair[1]])
                mask.append(_HIDDEN)
                i += 2
            else:
                raw.append(source[i])
                mask.append(source[i])
                i += 1
        return cls("".join(raw), "".join(mask))

    def __getitem__(self, part: slice) -> _Text:
        return _Text(self.raw[part], self.mask[part])

    def __add__(self, other: _Text) -> _Text:
        return _Text(self.raw + other.raw, self.mask + other.mask)

    def strip(self) -> _Text:
        start = len(self.mask) - len(self.mask.lstrip())
        return self[start : max(start, len(self.mask.rstrip()))]

    def split(self, sep: str, limit: int = -1) -> list[_Text]:
        parts, start = [], 0
        while (at := self.mask.find(sep, start)) >= 0 and limit != len(parts):
            parts.append(self[start:at])
            start = at + len(sep)
        return [*parts, self[start:]]

    def plain(self) -> str:
        """The text a reader sees: a Moodle [format] prefix dropped, ends trimmed."""
        text = self.strip()
        if found := _FORMAT.match(text.mask):
            text = text[found.end() :]
        return text.raw.strip()


@dataclass
class _Block:
    lines: list[tuple[int, str]]  # (line number, stripped text), comments left out
    comments: str

    @property
    def start(self) -> str:
        return snippet(" ".join(text for _, text in self.lines))


def parse_gift(text: str) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Read a GIFT question bank: its questions and every problem found in it."""
    questions, problems, category = [], [], ""
    for block in _blocks(text):
        first = block.lines[0][1]
        if first.startswith("$CATEGORY:"):
            category = first.removeprefix("$CATEGORY:").strip()
            block.lines.pop(0)
            if not block.lines:
                continue
        try:
            questions.append(_read(block, category))
        except _Problem as problem:
            problems.append(ImportProblem(block.lines[0][0], block.start, str(problem)))
    return questions, problems


def _blocks(text: str) -> Iterator[_Block]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines, comments = [], []
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        line = line.strip()
        if not line:
            if lines:
                yield _Block(lines, "\n".join(comments))
            lines, comments = [], []  # a block of comments only is dropped, as in Moodle
        elif line.startswith("//"):
            comments.append(line)
        else:
            lines.append((number, line))


def _read(block: _Block, category: str) -> QuestionData:
    text = _Text.decode("\n".join(line for _, line in block.lines)).strip()
    title, text = _title(text)
    stem, answer = _split_answer(text)
    explanation = ""
    if (at := answer.mask.rfind("####")) >= 0:
        answer, explanation = answer[:at].strip(), answer[at + 4 :].plain()
    reader = _reader(answer)
    if not stem:
        raise _Problem("缺少题干")
    fields = reader(answer)
    meta = _meta(block.comments)
    partial = meta.pop("partial")
    if fields["type"] == "multiple":
        fields["partial"] = partial
    return QuestionData(
        stem=stem, explanation=explanation, title=title, category=category, **fields, **meta
    )


def _title(text: _Text) -> tuple[str, _Text]:
    if not text.mask.startswith("::"):
        return "", text
    end = text.mask.find("::", 2)
    if end < 0:
        raise _Problem("题目名称缺少结尾的“::”")
    return text[2:end].raw.strip(), text[end + 2 :].strip()


def _split_answer(text: _Text) -> tuple[str, _Text]:
    """The stem (with Moodle's blank where the answers sat mid-sentence) and the answers."""
    opening, closing = text.mask.find("{"), text.mask.find("}")
    opened, closed = text.mask.count("{"), text.mask.count("}")
    if opened == closed == 0:
        raise _Problem("不支持的题型：说明文字（没有“{…}”答案部分）")
    if opened != closed or closing < opening:
        raise _Problem("大括号不成对：题目文字中的“{”“}”请写成“\\{”“\\}”")
    if opened > 1:
        raise _Problem("一道题只能有一个答案部分“{…}”（题与题之间要空一行）")
    rest = text[closing + 1 :]
    if rest.mask:
        rest = _Text(BLANK, BLANK) + rest
    return (text[:opening] + rest).plain(), text[opening + 1 : closing].strip()


def _reader(answer: _Text) -> Callable[[_Text], dict]:
    """The reader for the question type, told from the answers as Moodle does."""
    mask = answer.mask
    if not mask:
        raise _Problem("不支持的题型：问答题")
    if mask.startswith("#"):
        return _read_numerical
    if "~" in mask:
        return _read_choice
    if "=" in mask and "->" in mask:
        raise _Problem("不支持的题型：匹配题")
    head = answer.split("#", 1)[0].strip().raw.upper()
    return _read_truefalse if head in _TRUE + _FALSE else _read_short


def _answers(text: _Text, markers: str) -> list[tuple[str, _Text]]:
    """Split answers at unescaped markers: [(marker, text)], text before the first kept
    (as Moodle does) when not blank."""
    found, start, marker = [], 0, ""
    for at, char in enumerate(text.mask):
        if char in markers:
            found.append((marker, text[start:at].strip()))
            start, marker = at + 1, char
    found.append((marker, text[start:].strip()))
    return found if found[0][1].mask else found[1:]


def _weight(text: _Text) -> tuple[float | None, _Text]:
    found = _WEIGHT.match(text.mask)
    if not found:
        return None, text
    weight = _fraction(found.group(1))
    if not -1 <= weight <= 1:
        raise _Problem(f"权重“{found.group(0)}”应在-100%到100%之间")
    return weight, text[found.end() :].strip()


def _comment(text: _Text) -> tuple[str, str]:
    bits = text.split("#", 1)
    return bits[0].plain(), bits[1].plain() if len(bits) > 1 else ""


def _read_choice(answer: _Text) -> dict:
    marked = _answers(answer, "~=")
    if len(marked) < 2:
        raise _Problem("选择题至少需要两个选项")
    if len(marked) > len(KEYS):
        raise _Problem("选择题最多六个选项（A–F）")
    options = [_option(KEYS[at], marker, text) for at, (marker, text) in enumerate(marked)]
    if any(marker == "=" for marker, _ in marked):
        full = sum(option.fraction == 1 for option in options)
        if full != 1:
            raise _Problem("缺少正确答案" if not full else "单选题只能有一个“=”正确答案；"
                           "多选题请给每个正确选项写权重，如“~%50%”")
        return {"type": "single", "options": options}
    total = sum(option.fraction for option in options if option.fraction > 0)
    if not total:
        raise _Problem("缺少正确答案")
    if abs(total - 1) > 0.005:
        raise _Problem(f"多选题的权重之和不为100%（现为{total * 100:g}%）")
    return {"type": "multiple", "options": options}


def _option(key: str, marker: str, text: _Text) -> Option:
    weight, text = _weight(text)
    if weight is None:
        weight = 1.0 if marker == "=" else 0.0
    answer, feedback = _comment(text)
    if not answer:
        raise _Problem(f"选项{key}的内容为空")
    return Option(key, answer, weight, feedback)


def _read_truefalse(answer: _Text) -> dict:
    bits = [*answer.split("#", 2), _Text("", ""), _Text("", "")]
    truth = bits[0].strip().raw.upper() in _TRUE
    wrong, right = bits[1].plain(), bits[2].plain()
    feedback_true, feedback_false = (right, wrong) if truth else (wrong, right)
    return {"type": "truefalse", "truth": truth, "feedback_true": feedback_true,
            "feedback_false": feedback_false}


def _read_short(answer: _Text) -> dict:
    accepted = []
    for _, text in _answers(answer, "="):
        weight, text = _weight(text)
        if weight not in (None, 1):
            raise _Problem("填空题只支持满分答案，不支持“=%50%”这样的部分得分")
        text, _feedback = _comment(text)  # per-answer feedback has no place in the model
        if not text:
            raise _Problem("填空题的答案为空")
        accepted.append(text)
    return {"type": "short", "accepted": accepted}


def _read_numerical(answer: _Text) -> dict:
    body = answer[1:]
    if (tilde := body.mask.find("~")) >= 0:
        body = body[:tilde]  # Moodle's feedback for any other number: not kept
    numeric = [_numeric_answer(text) for _, text in _answers(body, "=")]
    if not numeric:
        raise _Problem("数值题缺少答案")
    if not any(item.fraction == 1 for item in numeric):
        raise _Problem("缺少正确答案（需要一个满分答案）")
    return {"type": "numerical", "numeric": numeric}


def _numeric_answer(text: _Text) -> NumericAnswer:
    weight, text = _weight(text)
    weight = 1.0 if weight is None else weight
    if weight < 0:
        raise _Problem("数值题的权重不能为负")
    number, feedback = _comment(text)
    if number.find("..") > 0:
        low, high = (_number(bit) for bit in number.split("..", 1))
        if low > high:
            raise _Problem(f"范围“{number}”的下限大于上限")
        value = low / 2 + high / 2
        return NumericAnswer(value, high - value, weight, feedback)
    value, tolerance = number.split(":", 1) if number.find(":") > 0 else (number, "0")
    if (margin := _number(tolerance)) < 0:
        raise _Problem("误差不能为负数")
    return NumericAnswer(_number(value), margin, weight, feedback)


def _number(text: str) -> float:
    value = to_number(text)
    if value is None:
        raise _Problem(f"“{text.strip()}”不是有效的数字")
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
        raise _Problem("难度应为1到5的整数")
    meta["difficulty"] = int(value)


def _add_competency(meta: dict, value: str) -> None:
    code = competency_code(value)
    if code is None:
        raise _Problem(f"未知能力“{value}”")
    if code not in meta["competencies"]:
        meta["competencies"].append(code)


def _set_points(meta: dict, value: str) -> None:
    points = to_number(value)
    if points is None or points <= 0:
        raise _Problem("分值应为正数")
    meta["points"] = points


def _set_grading(meta: dict, value: str) -> None:
    if value.lower() not in ("all-or-nothing", "partial"):
        raise _Problem("评分方式应为 all-or-nothing 或 partial")
    meta["partial"] = value.lower() == "partial"


_META = {"difficulty": _set_difficulty, "competency": _add_competency, "points": _set_points,
         "grading": _set_grading}


def _fraction(percent: str) -> float:
    with localcontext() as context:
        context.prec = 80
        return float(Decimal(percent) / 100)


def _percent(fraction: float) -> str:
    """The shortest percentage that reads back as exactly this fraction."""
    for digits in range(17):
        text = f"{fraction * 100:.{digits}f}"
        if _fraction(text) == fraction:
            return text
    with localcontext() as context:
        context.prec = 80
        return format(Decimal(fraction) * 100, "f")


def dump_gift(questions: Iterable[QuestionData]) -> str:
    """Write questions as GIFT that parse_gift reads back equal, with $CATEGORY: lines
    where the category changes and tag comments for the fields GIFT has no syntax for."""
    chunks, category = [], ""
    for question in questions:
        if question.category != category:
            category = question.category
            chunks.append("$CATEGORY: " + category.replace("\n", " ") + "\n")
        chunks.append(_write(question))
    return "\n".join(chunks)


def _write(question: QuestionData) -> str:
    tags = " ".join(f"[tag:{_tag_text(tag)}]" for tag in _tags(question))
    head = f"::{question.title.translate(_ESCAPE)}::" if question.title else ""
    explanation = _out(question.explanation)
    if question.type == "truefalse":
        body = _truefalse(question) + (f"####{explanation}" if explanation else "")
    else:
        prefix, lines = _WRITERS[question.type](question)
        if explanation:
            lines.append(f"####{explanation}")
        body = prefix + "\n" + "".join(f"\t{line}\n" for line in lines)
    text = f"{head}{_out(question.stem)}{{{body}}}\n"
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


def _out(text: str) -> str:
    """Escaped text. A [markdown] prefix (dropped on import) protects a start that would
    read as a format, a comment or a byte order mark."""
    text = text.translate(_ESCAPE)
    guard = _FORMAT.match(text) or text.startswith(("//", "\ufeff"))
    return "[markdown]" + text if guard else text


def _weighted(marker: str, fraction: float, default: float, text: str) -> str:
    if fraction != default or text.startswith("%"):  # a leading % would read as a weight
        marker += f"%{_percent(fraction)}%"
    return marker + text


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
    if any("->" in text for text in question.accepted):
        raise ValueError(f"GIFT cannot hold a short answer containing '->': {question.stem!r}")
    return "", [_weighted("=", 1.0, 1.0, _out(text)) for text in question.accepted]


def _numerical(question: QuestionData) -> tuple[str, list[str]]:
    lines = []
    for answer in question.numeric:
        number = number_text(answer.value)
        if answer.tolerance:
            number += ":" + number_text(answer.tolerance)
        lines.append(_weighted("=", answer.fraction, 1.0, number) + _feedback(answer.feedback))
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
