"""Warnings about how well a question bank tests judgement, for `flask content check`.

Pure code over the parsed questions (items.QuestionData): no Flask, no database. A warning
does not stop a bank from loading; it points a trainer at questions that can be answered
without knowing the subject: a single-choice key that is usually the longest option, a
multiple-choice question with one (often absurd) wrong option, and a question that explains
nothing after it is answered.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer.quizzes.items import QuestionData
from trainer.quizzes.parse_messages import message as _

LONGEST_KEY_LIMIT = 0.40  # warn above this share of single-choice keys that are longest
MIN_WRONG_OPTIONS = 2  # a multiple-choice question needs at least this many wrong options
MAX_NAMED = 8  # name at most this many questions in one warning, else give the count
WARNING = "warning: "  # every line starts so, in any locale, for scripts that grep


def key_is_longest(question: QuestionData) -> bool:
    """Whether the right option of a single-choice question is at least as long as every
    other option (a tie counts as longest: the length gives the key away just as well)."""
    keys = [o for o in question.options if o.fraction > 0]
    if not keys or len(question.options) < 2:
        return False
    longest = max(len(o.text.strip()) for o in question.options)
    return len(keys[0].text.strip()) >= longest


def longest_key_share(questions: Iterable[QuestionData]) -> tuple[int, int]:
    """(single-choice questions whose key is the longest option, single-choice questions)."""
    singles = [q for q in questions if q.type == "single"]
    return sum(key_is_longest(q) for q in singles), len(singles)


def wrong_options(question: QuestionData) -> int:
    """How many options of a choice question earn no credit."""
    return sum(1 for o in question.options if o.fraction <= 0)


def _name(question: QuestionData, index: int) -> str:
    return question.title or f"#{index}"


def bank_warnings(where: str, questions: list[QuestionData]) -> list[str]:
    """One "warning: ..." line per finding about the bank at ``where`` (its file name)."""
    out: list[str] = []
    longest, singles = longest_key_share(questions)
    if singles and longest / singles > LONGEST_KEY_LIMIT:
        out.append(_("%(file)s: the key is the longest option in %(percent)d%% of the "
                     "single-choice questions (%(longest)d of %(total)d; at most 40%% is "
                     "advised): make the wrong options as long and plausible as the key.",
                     file=where, percent=round(100 * longest / singles), longest=longest,
                     total=singles))
    for index, q in enumerate(questions, 1):
        if q.type == "multiple" and wrong_options(q) < MIN_WRONG_OPTIONS:
            out.append(_("%(file)s: multiple-choice question %(title)s has fewer than two "
                         "wrong options.", file=where, title=_name(q, index)))
    bare = [_name(q, i) for i, q in enumerate(questions, 1) if not q.explanation.strip()]
    if bare and len(bare) <= MAX_NAMED:
        out.append(_("%(file)s: questions without an explanation (####): %(titles)s.",
                     file=where, titles="、".join(bare)))
    elif bare:
        out.append(_("%(file)s: %(count)d questions have no explanation (####).",
                     file=where, count=len(bare)))
    return [WARNING + line for line in out]
