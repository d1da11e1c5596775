"""The standings engine: round percents, totals, ranks and team scores. Pure (no Flask, no DB).

Tie-break rule (the one place it is written down): entrants are ordered by
  1. total, highest first (Σ weight × round percent / Σ weight, 0–100, two decimals);
  2. then less total time used (seconds summed over the timed rounds played);
  3. then earlier finish (the moment the entrant's last timed round ended; an entrant who
     has finished nothing comes after everyone who has);
and entrants equal on all three (times compared to the second) share a rank, the next rank
skipping as many places as were shared (1, 2, 2, 4).

``rank_key`` packs the three criteria into one integer, smaller = better, so that SQL (an
index on the key plus ``RANK() OVER (ORDER BY key)``), Redis (a sorted set ordered by the
zero-padded key) and Python all order and tie entrants exactly alike.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

MAX_SECONDS = 9_999_999  # ~115 days: seconds and finish offsets are clamped to 7 digits
NO_FINISH = MAX_SECONDS
KEY_WIDTH = 19  # digits of the largest key, for zero-padded sort strings
DROP_EXTREMES_FROM = 5  # with this many judges' sheets, drop the highest and lowest total
SCENARIO_OUTCOME_PERCENT = {"success": 100.0, "partial": 50.0, "failure": 0.0}


@dataclass(frozen=True)
class RoundSpec:
    id: int
    weight: int


@dataclass(frozen=True)
class RoundOutcome:
    """One entrant's result in one round: percent None while unscored."""

    round_id: int
    percent: float | None
    seconds: int = 0
    finished_at: datetime | None = None


@dataclass(frozen=True)
class Standing:
    total_centi: int  # total × 100, an integer 0–10000
    seconds: int
    finished_at: datetime | None

    @property
    def total(self) -> float:
        return self.total_centi / 100


def centi(value: float) -> int:
    """Hundredths of ``value`` rounded half up (so 12.345 -> 1235), never float noise."""
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def clamp_percent(value: float) -> float:
    return max(0.0, min(100.0, float(value)))


def entrant_standing(rounds: Sequence[RoundSpec], outcomes: Iterable[RoundOutcome]) -> Standing:
    """Total (Σ weight × percent / Σ weight, missing or unscored rounds count 0), time used
    and finish of one entrant."""
    by_round = {o.round_id: o for o in outcomes}
    weights = sum(r.weight for r in rounds)
    weighted = Decimal(0)
    seconds, finished = 0, None
    for spec in rounds:
        outcome = by_round.get(spec.id)
        if outcome is None:
            continue
        if outcome.percent is not None:
            weighted += Decimal(spec.weight) * Decimal(str(clamp_percent(outcome.percent)))
        seconds += max(0, int(outcome.seconds))
        if outcome.finished_at is not None and (finished is None or outcome.finished_at > finished):
            finished = outcome.finished_at
    total = weighted / weights if weights else Decimal(0)
    total_centi = int((total * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return Standing(total_centi=min(10000, total_centi), seconds=min(seconds, MAX_SECONDS),
                    finished_at=finished)


def rank_key(standing: Standing, origin: datetime) -> int:
    """The integer that orders entrants (smaller is better); equal keys are exact ties.

    ``origin`` (the competition's start) turns the finish into a small offset in seconds.
    """
    if standing.finished_at is None:
        finish = NO_FINISH
    else:
        finish = int((standing.finished_at - origin).total_seconds())
        finish = max(0, min(finish, NO_FINISH - 1))
    seconds = max(0, min(standing.seconds, MAX_SECONDS))
    return (10000 - standing.total_centi) * 10**14 + seconds * 10**7 + finish


def key_total_centi(key: int) -> int:
    """The total (× 100) a rank key was built from."""
    return 10000 - key // 10**14


def key_seconds(key: int) -> int:
    return (key // 10**7) % 10**7


def competition_ranks(keys: Sequence[int], offset: int = 0,
                      first_rank: int | None = None) -> list[int]:
    """Ranks of keys sorted ascending: equal keys share a rank, the next one skips.

    For a later page, ``offset`` is the number of rows above it and ``first_rank`` the
    rank of its first row (1 + the number of strictly better rows: it may tie upwards).
    """
    ranks: list[int] = []
    for position, key in enumerate(keys):
        if position and key == keys[position - 1]:
            ranks.append(ranks[-1])
        elif not position and first_rank is not None:
            ranks.append(first_rank)
        else:
            ranks.append(offset + position + 1)
    return ranks


def judged_percent(sheet_totals: Sequence[float], max_total: float) -> float | None:
    """A judged round's percent: each judge's total as a percent of the rubric's maximum,
    averaged; with five or more sheets the highest and the lowest are dropped first."""
    if not sheet_totals or max_total <= 0:
        return None
    totals = sorted(float(t) for t in sheet_totals)
    if len(totals) >= DROP_EXTREMES_FROM:
        totals = totals[1:-1]
    mean = sum(totals) / len(totals)
    return round(clamp_percent(100 * mean / max_total), 4)


def scenario_percent(scores: dict[str, float | None], outcome: str | None) -> float:
    """A scenario round's percent: the mean of the run's competency percents over the
    assessed competencies (a None percent is a competency not assessed, left out); a
    scenario that assesses none counts its ending (success 100, partial 50)."""
    chosen = [float(v) for v in scores.values() if v is not None]
    if chosen:
        return round(clamp_percent(sum(chosen) / len(chosen)), 4)
    return SCENARIO_OUTCOME_PERCENT.get(outcome or "", 0.0)


def quiz_percent(score: float | None, max_score: float | None) -> float | None:
    if score is None or not max_score:
        return None if score is None else 0.0
    return round(clamp_percent(100 * score / max_score), 4)


def timed_seconds(started: datetime, finished: datetime, limit_seconds: int | None) -> int:
    """Seconds used, rounded to the nearest second, at most the round's time limit."""
    used = max(0, round((finished - started).total_seconds()))
    return min(used, limit_seconds) if limit_seconds else used


@dataclass(frozen=True)
class TeamRow:
    rank: int
    team: object
    score_centi: int
    members: int


def team_standings(totals: dict[object, list[int]], k: int) -> list[TeamRow]:
    """Team -> its members' totals (× 100). A team's score is the mean of its best ``k``
    totals, missing members counting 0; ties share a rank (1, 2, 2, 4), listed by team."""
    k = max(1, int(k))
    scored = []
    for team, members in totals.items():
        best = sorted(members, reverse=True)[:k]
        mean = (Decimal(sum(best)) / k).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        scored.append((int(mean), team, len(members)))
    scored.sort(key=lambda row: (-row[0], str(row[1])))
    ranks = competition_ranks([-score for score, _team, _n in scored])
    return [TeamRow(rank, team, score, n)
            for rank, (score, team, n) in zip(ranks, scored, strict=True)]


def honour_places(entrants: int, top: int | None, top_percent: float | None) -> int:
    """How many places an honour covers: ``top`` places or the ``top_percent`` best of
    ``entrants`` (whichever is more). Everyone whose rank is within it earns it, so
    entrants tied at the boundary all do."""
    places = int(top or 0)
    if top_percent:
        places = max(places, int(entrants * float(top_percent) / 100))
    return places
