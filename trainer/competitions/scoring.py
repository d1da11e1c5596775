"""Keeping the stored standings right: round results from attempts, runs and score sheets,
and each entry's total, time, finish and rank key (live and as at the freeze).

Every change to a result ends in ``refresh_entry``, which locks the entry row, recomputes
its standing with the pure engine (standings.py) from the entry's round results, and
queues the Redis copy (redisboard.py) for after the commit.
"""

from datetime import datetime

import sqlalchemy as sa

from trainer.competitions import phases, redisboard, standings, tallies
from trainer.competitions.models import Competition, Entry, Round, RoundResult, ScoreSheet
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


def refresh_entry(entry_id: int, *, at: datetime | None = None) -> Entry:
    """Recompute and store one entry's standing.

    ``at`` is when the change happened (a submit, a finish, a judge's score; default now).
    The frozen standing follows only changes made before the freeze, and counts only the
    timed results that had finished by then, so it stays the table as it stood at the freeze.
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
    if comp.freeze_at is None or (at or now) < comp.freeze_at:
        frozen = live if comp.freeze_at is None else standings.entrant_standing(
            specs, [outcome_of(r) for r in results if _settled_before(r, comp)])
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


def _settled_before(result: RoundResult, comp: Competition) -> bool:
    if result.attempt_id is None and result.run_id is None:
        return True  # a judged round: its sheets as they stand now (before the freeze)
    return result.finished_at is not None and result.finished_at < comp.freeze_at


def refresh_competition(comp: Competition) -> int:
    """Recompute every entry (after rounds or weights changed); the Redis copy is rebuilt."""
    ids = list(db.session.scalars(sa.select(Entry.id).where(Entry.competition_id == comp.id)))
    for entry_id in ids:
        refresh_entry(entry_id, at=comp.starts_at)
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
    declared = list(run.version.scenario.competencies or [])
    result.percent = standings.scenario_percent(dict(run.scores or {}), declared, run.outcome)
    result.finished_at = run.finished_at
    limit = rnd.time_limit * 60 if rnd.time_limit else None
    result.seconds = standings.timed_seconds(run.started_at, run.finished_at, limit)
    db.session.flush()
    refresh_entry(result.entry_id, at=run.finished_at)


def sync_judged(rnd: Round, entry_id: int) -> RoundResult:
    """A judged round's result from its score sheets (drop extremes with 5+ judges)."""
    totals = list(db.session.scalars(sa.select(ScoreSheet.total).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry_id)))
    result = result_for(rnd.id, entry_id, create=True)
    result.percent = standings.judged_percent(totals, rnd.max_points)
    db.session.flush()
    refresh_entry(entry_id)
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
