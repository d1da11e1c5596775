"""Keeping the stored standings right: round results from attempts, runs and score sheets,
and each entry's total, time, finish and rank key (live and as at the freeze).

Every change to a result ends in ``refresh_entry``, which locks the entry row, recomputes
its standing with the pure engine (ranking.py) from the entry's round results, and
queues the Redis copy (redisboard.py) for after the commit.
"""

from datetime import datetime

import sqlalchemy as sa

from trainer.competitions import phases
from trainer.competitions.models import (
    Competition,
    Entry,
    Round,
    RoundResult,
    ScoreRevision,
    ScoreSheet,
)
from trainer.competitions.standings import ranking, redisboard, tallies
from trainer.competitions.standings.board import note_change
from trainer.extensions import db
from trainer.models import utcnow


def round_specs(comp: Competition) -> list[ranking.RoundSpec]:
    return [ranking.RoundSpec(r.id, r.weight) for r in comp.rounds]


def outcome_of(result: RoundResult) -> ranking.RoundOutcome:
    return ranking.RoundOutcome(result.round_id, result.counted_percent, result.seconds,
                                  result.finished_at)


def lock_entry(entry_id: int) -> Entry:
    """The entry, re-read and locked for the rest of the transaction (one refresh at a time)."""
    stmt = (sa.select(Entry).where(Entry.id == entry_id)
            .options(sa.orm.lazyload("*")).with_for_update(of=Entry)
            .execution_options(populate_existing=True))
    return db.session.execute(stmt).scalar_one()


def refresh_entry(entry_id: int, *, at: datetime | None = None,
                  refreeze: bool = False) -> Entry:
    """Recompute and store one entry's standing.

    ``at`` is when the change happened (a submit, a finish, a judge's score; default now).
    A change from the freeze on leaves the frozen standing alone; otherwise (and always
    with ``refreeze``) it is rebuilt from what was settled before the freeze: timed
    results finished by then, judges' sheets as they stood then (their revisions), and
    corrections made before it. So it stays the table as it stood at the freeze.
    """
    now = utcnow()
    entry = lock_entry(entry_id)
    comp = db.session.get(Competition, entry.competition_id)
    results = list(db.session.scalars(sa.select(RoundResult).where(
        RoundResult.entry_id == entry.id)))
    specs = round_specs(comp)
    before = entry.total_centi, entry.frozen_total_centi
    live = ranking.entrant_standing(specs, [outcome_of(r) for r in results])
    entry.total_centi, entry.seconds, entry.finished_at = \
        live.total_centi, live.seconds, live.finished_at
    entry.rank_key = ranking.rank_key(live, comp.starts_at)
    if comp.freeze_at is None or refreeze or (at or now) < comp.freeze_at:
        frozen = live if comp.freeze_at is None else ranking.entrant_standing(
            specs, frozen_outcomes(comp, entry.id, results))
        entry.frozen_total_centi, entry.frozen_seconds = frozen.total_centi, frozen.seconds
        entry.frozen_rank_key = ranking.rank_key(frozen, comp.starts_at)
    entry.version = (entry.version or 0) + 1
    db.session.flush()
    tallies.note(comp.id, entry.street_id, False, before[0], entry.total_centi)
    tallies.note(comp.id, entry.street_id, True, before[1], entry.frozen_total_centi)
    redisboard.queue_update(entry)
    board_changed(comp.id)
    return entry


def board_changed(comp_id: int) -> None:
    note_change(comp_id)


def frozen_outcomes(comp: Competition, entry_id: int,
                    results: list[RoundResult]) -> list[ranking.RoundOutcome]:
    """The entry's round outcomes as they stood at ``comp.freeze_at``."""
    freeze, rounds = comp.freeze_at, {r.id: r for r in comp.rounds}
    sheets = sheets_at(entry_id, freeze) if any(
        r.scored_by_judges for r in rounds.values()) else {}
    outcomes = []
    for result in results:
        rnd = rounds.get(result.round_id)
        if rnd is None:
            continue
        judged = rnd.scored_by_judges
        settled = not judged and result.finished_at is not None and result.finished_at < freeze
        if judged:
            percent = ranking.judged_percent(sheets.get(rnd.id, []), rnd.max_points)
        else:
            percent = result.percent if settled else None
        if result.adjusted_percent is not None and result.adjusted_at is not None \
                and result.adjusted_at < freeze:
            percent = result.adjusted_percent
        outcomes.append(ranking.RoundOutcome(
            rnd.id, percent, result.seconds if settled else 0,
            result.finished_at if settled else None))
    return outcomes


def sheets_at(entry_id: int, moment: datetime) -> dict[int, list[float]]:
    """Round id -> each judge's total for the entry as it stood just before ``moment``
    (a sheet first given later does not count)."""
    latest: dict[tuple[int, int], float] = {}
    for round_id, judge_id, total in db.session.execute(
            sa.select(ScoreRevision.round_id, ScoreRevision.judge_id, ScoreRevision.total)
            .where(ScoreRevision.entry_id == entry_id, ScoreRevision.at < moment)
            .order_by(ScoreRevision.at, ScoreRevision.id)):
        latest[(round_id, judge_id)] = total
    found: dict[int, list[float]] = {}
    for (round_id, _judge), total in latest.items():
        found.setdefault(round_id, []).append(total)
    return found


def refresh_competition(comp: Competition) -> int:
    """Recompute every entry (after rounds, weights, the start or the freeze changed),
    the frozen standing too; the Redis copy is rebuilt."""
    ids = list(db.session.scalars(sa.select(Entry.id).where(Entry.competition_id == comp.id)))
    for entry_id in ids:
        refresh_entry(entry_id, refreeze=True)
    redisboard.queue_reset(comp.id)
    return len(ids)


def initial_key(comp: Competition) -> int:
    """The rank key of an entrant who has not scored yet (total 0, no time, no finish)."""
    return ranking.rank_key(ranking.Standing(0, 0, None), comp.starts_at)


def record_finish(result: RoundResult, percent: float | None, finished_at: datetime,
                  seconds: int) -> None:
    """A timed round was played to its end (a graded attempt, a finished run): keep its
    percent, finish and time on the round result, and refresh the entry's standing."""
    result.percent, result.finished_at, result.seconds = percent, finished_at, seconds
    db.session.flush()
    refresh_entry(result.entry_id, at=finished_at)


def sync_judged(rnd: Round, entry_id: int, at: datetime | None = None) -> RoundResult:
    """A judged round's result from its score sheets (drop extremes with 5+ judges)."""
    totals = list(db.session.scalars(sa.select(ScoreSheet.total).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry_id)))
    result = result_for(rnd.id, entry_id, create=True)
    result.percent = ranking.judged_percent(totals, rnd.max_points)
    db.session.flush()
    refresh_entry(entry_id, at=at)
    return result


def result_for(round_id: int, entry_id: int, *, create: bool = False) -> RoundResult | None:
    """The entrant's result row of a round; created when asked (safe under concurrency)."""
    stmt = sa.select(RoundResult).where(RoundResult.round_id == round_id,
                                        RoundResult.entry_id == entry_id)
    found = db.session.scalar(stmt)
    if found is not None or not create:
        return found
    try:
        with db.session.begin_nested():
            db.session.add(RoundResult(round_id=round_id, entry_id=entry_id))
    except sa.exc.IntegrityError:
        pass  # a concurrent request created it first
    return db.session.scalar(stmt)


def insert_result(round_id: int, entry_id: int) -> None:
    """Create the entrant's result row of a round unless a concurrent request has (its
    unique constraint decides; the loser's insert is undone in its savepoint). The row is
    not read back: the caller locks it next (rounds.lock_result)."""
    try:
        with db.session.begin_nested():
            db.session.execute(sa.insert(RoundResult).values(round_id=round_id,
                                                             entry_id=entry_id))
    except sa.exc.IntegrityError:
        pass  # a concurrent request created it first


def round_is_closed(round_id: int | None) -> bool:
    """Whether the round has closed (reviews and feedback may show from then on)."""
    rnd = db.session.get(Round, round_id) if round_id is not None else None
    if rnd is None:
        return False
    return phases.round_status(rnd, rnd.competition, utcnow()) == "closed"
