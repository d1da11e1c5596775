"""Integrity signals for human review, never a penalty. Pure (no Flask, no DB)."""

from dataclasses import dataclass
from itertools import combinations

FAST_SECONDS_PER_ANSWER = 3.0  # quicker than anyone reads a question
FAST_SECONDS_PER_CHOICE = 2.0
SIMILAR_SHARE = 0.9
SIMILAR_MIN_COMMON = 5


@dataclass(frozen=True)
class Flag:
    kind: str  # page_leave | fast | same_address
    round_n: int
    entrants: tuple[int, ...]  # entrant numbers
    detail: dict


def too_fast(seconds: float, steps: int, per_step: float) -> bool:
    """Whether ``steps`` answers (or choices) in ``seconds`` is implausibly fast."""
    return steps >= 3 and seconds < steps * per_step


def similarity(a: dict, b: dict) -> tuple[float, int]:
    """Share of identical answers over the questions both answered, and how many those are."""
    common = [q for q in a if q in b and a[q] is not None and b[q] is not None]
    if not common:
        return 0.0, 0
    same = sum(1 for q in common if _norm(a[q]) == _norm(b[q]))
    return same / len(common), len(common)


def _norm(value):
    if isinstance(value, list):
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, str):
        return value.strip().lower()
    return value


def similar_pairs(by_address: dict[str, list[tuple[int, dict]]], round_n: int) -> list[Flag]:
    """Pairs of entrants who played from the same address with near-identical answers.

    ``by_address``: address -> [(entrant number, {question id: answer})].
    """
    flags = []
    for address, players in by_address.items():
        for (n1, a1), (n2, a2) in combinations(players, 2):
            share, common = similarity(a1, a2)
            if common >= SIMILAR_MIN_COMMON and share >= SIMILAR_SHARE:
                flags.append(Flag("same_address", round_n, (n1, n2),
                                  {"address": address, "identical": round(100 * share),
                                   "common": common}))
    return flags
