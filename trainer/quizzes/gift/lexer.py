"""GIFT text: escapes resolved while syntax stays findable, and blank-line blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from trainer.quizzes.items import snippet
from trainer.quizzes.parse_messages import message as _

__all__ = ["FORMAT", "MOODLE_GRADES", "Block", "Problem", "Text", "Unsupported", "blocks",
           "category_line", "category_path", "moodle_grade"]

# The grades Moodle's question import accepts (question_bank::fraction_options_full), as
# Moodle writes them, with the exact fraction each stands for; negatives too.
MOODLE_GRADES = {text: value for text, value in (
    ("100", 1.0), ("90", 0.9), ("83.33333", 5 / 6), ("80", 0.8), ("75", 0.75), ("70", 0.7),
    ("66.66667", 2 / 3), ("60", 0.6), ("50", 0.5), ("40", 0.4), ("33.33333", 1 / 3),
    ("30", 0.3), ("25", 0.25), ("20", 0.2), ("16.66667", 1 / 6), ("14.28571", 1 / 7),
    ("12.5", 0.125), ("11.11111", 1 / 9), ("10", 0.1), ("5", 0.05), ("0", 0.0))}
_GRADE_TOLERANCE = 1e-6  # Moodle's five decimals stand for the exact thirds, sixths, ...


def moodle_grade(fraction: float) -> tuple[str, float] | None:
    """(the percentage as Moodle writes it, the exact fraction) of the Moodle grade
    ``fraction`` stands for, or None when Moodle's importer would refuse it."""
    for text, value in MOODLE_GRADES.items():
        if abs(abs(fraction) - value) <= _GRADE_TOLERANCE:
            negative = fraction < 0 and value
            return ("-" + text, -value) if negative else (text, value)
    return None


FORMAT = re.compile(r"\[(?:markdown|html|plain|moodle)\]")
_UNESCAPE = {":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n", "\\": "\\"}
_HIDDEN = "\x00"
_PATH_SEPARATOR = re.compile(r"(?<!/)/(?!/)")  # a "/" that is not part of "//"
_CONTEXT = re.compile(r"\$[a-z]+\$")  # $course$, $system$, ... (Moodle's contexts)
ROOT = "top"


class Problem(Exception):
    """One question cannot be imported; the message is for the trainer."""


class Unsupported(Problem):
    """A question of a type the site has no equivalent for (essay, matching, description):
    it is skipped, and the rest of a Moodle bank can still be imported."""


@dataclass(frozen=True)
class Text:
    """Text with GIFT escapes resolved. raw holds the characters; mask holds the same
    ones except that escaped characters are hidden, so syntax is looked for in mask."""

    raw: str
    mask: str

    @classmethod
    def decode(cls, source: str) -> Text:
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

    def __getitem__(self, part: slice) -> Text:
        return Text(self.raw[part], self.mask[part])

    def __add__(self, other: Text) -> Text:
        return Text(self.raw + other.raw, self.mask + other.mask)

    def strip(self) -> Text:
        start = len(self.mask) - len(self.mask.lstrip())
        return self[start : max(start, len(self.mask.rstrip()))]

    def split(self, sep: str, limit: int = -1) -> list[Text]:
        parts, start = [], 0
        while (at := self.mask.find(sep, start)) >= 0 and limit != len(parts):
            parts.append(self[start:at])
            start = at + len(sep)
        return [*parts, self[start:]]

    def plain(self) -> str:
        """The text a reader sees: a Moodle [format] prefix dropped, ends trimmed."""
        text = self.strip()
        if found := FORMAT.match(text.mask):
            text = text[found.end() :]
        return text.raw.strip()


@dataclass
class Block:
    lines: list[tuple[int, str]]  # (line number, stripped text), comments left out
    comments: str

    @property
    def start(self) -> str:
        return snippet(" ".join(text for _, text in self.lines))


def blocks(text: str) -> Iterator[Block]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines, comments = [], []
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        line = line.strip()
        if not line:
            if lines:
                yield Block(lines, "\n".join(comments))
            lines, comments = [], []  # a block of comments only is dropped, as in Moodle
        elif line.startswith("//"):
            comments.append(line)
        else:
            lines.append((number, line))


def category_path(path: str) -> str:
    """The category a ``$CATEGORY:`` path names, as Moodle's importer reads it: split at
    "/" ("//" is a slash inside a name), names trimmed, a leading context such as
    ``$course$`` dropped, and Moodle's root category "top" (and empty names) skipped;
    the names left are joined with "/"."""
    names = [name.strip().replace("//", "/") for name in _PATH_SEPARATOR.split(path.strip())]
    if names and _CONTEXT.fullmatch(names[0]):
        names.pop(0)
    return "/".join(name for name in names if name and name != ROOT)


def category_line(category: str) -> str:
    """The ``$CATEGORY:`` line that category_path reads back as ``category``, under
    ``$course$/top`` as Moodle writes its paths: its names as they are when they read
    back the same, else the whole category as one name ("/" doubled)."""
    category = category.replace("\n", " ")
    if category == ROOT:
        raise ValueError(_("GIFT cannot hold a category named %(name)s (Moodle's root)",
                           name=ROOT))
    path = f"$course$/{ROOT}/{category}" if category else f"$course$/{ROOT}"
    if category_path(path) != category:
        name = category.replace("/", "//")
        name = (" " if name.startswith("/") else "") + name + (" " if name.endswith("/") else "")
        path = f"$course$/{ROOT}/{name}"
    return f"$CATEGORY: {path}"
