"""Integrity flags of a competition, gathered for the organiser's review page.

Signals only, for a human to look at: how often an entrant left the attempt page,
answers or choices made implausibly fast, and entrants who played from the same network
address with near-identical answers. Nothing here changes a score.
"""

import sqlalchemy as sa

from trainer.competitions import flags
from trainer.competitions.flags import Flag
from trainer.competitions.models import Competition, Entry, Round, RoundResult
from trainer.extensions import db


def integrity_flags(comp: Competition) -> list[Flag]:
    found: list[Flag] = []
    for rnd in comp.rounds:
        if rnd.kind == "judged":
            continue
        rows = db.session.execute(
            sa.select(RoundResult, Entry.number).join(Entry, Entry.id == RoundResult.entry_id)
            .where(RoundResult.round_id == rnd.id)).all()
        found += _leaves(rnd, rows)
        if rnd.kind == "quiz":
            found += _quiz_flags(rnd, rows)
        else:
            found += _run_flags(rnd, rows)
    return found


def _leaves(rnd: Round, rows) -> list[Flag]:
    return [Flag("page_leave", rnd.n, (number,), {"count": result.leave_count})
            for result, number in sorted(rows, key=lambda r: -r[0].leave_count)
            if result.leave_count > 0]


def _quiz_flags(rnd: Round, rows) -> list[Flag]:
    from trainer.quizzes.models import Attempt, AttemptAnswer

    attempt_ids = {r.attempt_id: n for r, n in rows if r.attempt_id}
    if not attempt_ids:
        return []
    attempts = {a.id: a for a in db.session.scalars(sa.select(Attempt).where(
        Attempt.id.in_(list(attempt_ids))))}
    answers: dict[int, dict] = {}
    for attempt_id, question_id, answer in db.session.execute(
            sa.select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.answer)
            .where(AttemptAnswer.attempt_id.in_(list(attempt_ids)))):
        answers.setdefault(attempt_id, {})[question_id] = answer
    found = []
    for attempt in attempts.values():
        if attempt.submitted_at is None:
            continue
        given = sum(1 for v in answers.get(attempt.id, {}).values() if v is not None)
        seconds = (attempt.submitted_at - attempt.started_at).total_seconds()
        if flags.too_fast(seconds, given, flags.FAST_SECONDS_PER_ANSWER):
            found.append(Flag("fast", rnd.n, (attempt_ids[attempt.id],),
                              {"seconds": round(seconds), "answers": given}))
    by_address: dict[str, list] = {}
    for result, number in rows:
        if result.address and result.attempt_id in answers:
            by_address.setdefault(result.address, []).append(
                (number, _as_options(attempts[result.attempt_id], answers[result.attempt_id])))
    return found + flags.similar_pairs(by_address, rnd.n)


def _as_options(attempt, answers: dict) -> dict:
    """Answers by the option chosen, not its key: every entrant's options are shuffled,
    so the same key means a different option from one entrant to the next."""
    texts = {entry["id"]: {o.get("key"): o.get("text") for o in
                           (entry.get("data") or {}).get("options") or []}
             for entry in attempt.questions or []}
    mapped = {}
    for question_id, answer in answers.items():
        keys = texts.get(question_id) or {}
        if isinstance(answer, list):
            mapped[question_id] = [keys.get(a, a) for a in answer]
        else:
            mapped[question_id] = keys.get(answer, answer) if isinstance(answer, str) else answer
    return mapped


def _run_flags(rnd: Round, rows) -> list[Flag]:
    from trainer.simulation.models import Run

    run_ids = {r.run_id: n for r, n in rows if r.run_id}
    if not run_ids:
        return []
    found = []
    for run in db.session.scalars(sa.select(Run).where(Run.id.in_(list(run_ids)),
                                                       Run.finished.is_(True))):
        seconds = (run.finished_at - run.started_at).total_seconds()
        if flags.too_fast(seconds, len(run.path), flags.FAST_SECONDS_PER_CHOICE):
            found.append(Flag("fast", rnd.n, (run_ids[run.id],),
                              {"seconds": round(seconds), "answers": len(run.path)}))
    return found
