"""Keeping the stored standings right: round results from attempts, runs and score sheets,
and each entry's total, time, finish and rank key (live and as at the freeze).

Every change to a result ends in ``refresh_entry``, which locks the entry row, recomputes
its standing with the pure engine (standings.py) from the entry's round results, and
queues the Redis copy (redisboard.py) for after the commit.
"""

from datetime import datetime

import sqlalchemy as sa

from trainer.competitions import phases, redisboard, standings, tallies
from trainer.competitions.models import (
    Competition,
    Entry,
    Round,
    RoundResult,
    ScoreRevision,
    ScoreSheet,
)
from trainer.extensions import db
from trainer.models import utcnow


def round_specs(comp: Competition) -> list[standings.RoundSpec]:
    return [standings.RoundSpec(r.id, r.weight) for r in comp.rounds]


def outcome_of(result: RoundResult) -> standings.RoundOutcome:
    return standings.RoundOutcome(result.round_id, result.counted_percent, result.seconds,
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
    live = standings.entrant_standing(specs, [outcome_of(r) for r in results])
    entry.total_centi, entry.seconds, entry.finished_at = \
        live.total_centi, live.seconds, live.finished_at
    entry.rank_key = standings.rank_key(live, comp.starts_at)
    if comp.freeze_at is None or refreeze or (at or now) < comp.freeze_at:
        frozen = live if comp.freeze_at is None else standings.entrant_standing(
            specs, frozen_outcomes(comp, entry.id, results))
        entry.frozen_total_centi, entry.frozen_seconds = frozen.total_centi, frozen.seconds
        entry.frozen_rank_key = standings.rank_key(frozen, comp.starts_at)
    entry.version = (entry.version or 0) + 1
    db.session.flush()
    tallies.note(comp.id, entry.street_id, False, before[0], entry.total_centi)
    tallies.note(comp.id, entry.street_id, True, before[1], entry.frozen_total_centi)
    redisboard.queue_update(entry)
    board_changed(comp.id)
    return entry


def board_changed(comp_id: int) -> None:
    from trainer.competitions.board import note_change

    note_change(comp_id)


def frozen_outcomes(comp: Competition, entry_id: int,
                    results: list[RoundResult]) -> list[standings.RoundOutcome]:
    """The entry's round outcomes as they stood at ``comp.freeze_at``."""
    freeze, rounds = comp.freeze_at, {r.id: r for r in comp.rounds}
    sheets = sheets_at(entry_id, freeze) if any(
        r.kind == "judged" for r in rounds.values()) else {}
    outcomes = []
    for result in results:
        rnd = rounds.get(result.round_id)
        if rnd is None:
            continue
        settled = rnd.kind != "judged" and result.finished_at is not None \
            and result.finished_at < freeze
        if rnd.kind == "judged":
            percent = standings.judged_percent(sheets.get(rnd.id, []), rnd.max_points)
        else:
            percent = result.percent if settled else None
        if result.adjusted_percent is not None and result.adjusted_at is not None \
                and result.adjusted_at < freeze:
            percent = result.adjusted_percent
        outcomes.append(standings.RoundOutcome(
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
    return standings.rank_key(standings.Standing(0, 0, None), comp.starts_at)


def on_attempt_graded(attempt) -> None:
    """Quizzes hook: a competition attempt was graded; its round result and entry follow."""
    if attempt.context != "competition" or attempt.round_id is None:
        return
    result = db.session.scalar(sa.select(RoundResult).where(RoundResult.attempt_id == attempt.id))
    if result is None:
        return
    from trainer.quizzes.models import Attempt

    score, best, started, submitted = db.session.execute(
        sa.select(Attempt.score, Attempt.max_score, Attempt.started_at, Attempt.submitted_at)
        .where(Attempt.id == attempt.id)).one()
    rnd = db.session.get(Round, result.round_id)
    result.percent = standings.quiz_percent(score, best)
    result.finished_at = submitted
    result.seconds = standings.timed_seconds(started, submitted, _limit_seconds(rnd, attempt))
    db.session.flush()
    refresh_entry(result.entry_id, at=submitted)


def _limit_seconds(rnd: Round, attempt) -> int | None:
    if attempt.deadline is not None:
        return max(0, round((attempt.deadline - attempt.started_at).total_seconds()))
    return rnd.time_limit * 60 if rnd.time_limit else None


def on_run_finished(run) -> None:
    """Simulation hook: a competition run reached its ending."""
    if run.context != "competition" or run.round_id is None or not run.finished:
        return
    result = db.session.scalar(sa.select(RoundResult).where(RoundResult.run_id == run.id))
    if result is None:
        return
    rnd = db.session.get(Round, result.round_id)
    result.percent = standings.scenario_percent(dict(run.scores or {}), run.outcome)
    result.finished_at = run.finished_at
    limit = rnd.time_limit * 60 if rnd.time_limit else None
    result.seconds = standings.timed_seconds(run.started_at, run.finished_at, limit)
    db.session.flush()
    refresh_entry(result.entry_id, at=run.finished_at)


def sync_judged(rnd: Round, entry_id: int, at: datetime | None = None) -> RoundResult:
    """A judged round's result from its score sheets (drop extremes with 5+ judges)."""
    totals = list(db.session.scalars(sa.select(ScoreSheet.total).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry_id)))
    result = result_for(rnd.id, entry_id, create=True)
    result.percent = standings.judged_percent(totals, rnd.max_points)
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


def round_is_closed(round_id: int | None) -> bool:
    """Whether the round has closed (reviews and feedback may show from then on)."""
    rnd = db.session.get(Round, round_id) if round_id is not None else None
    if rnd is None:
        return False
    return phases.round_status(rnd, rnd.competition, utcnow()) == "closed"
