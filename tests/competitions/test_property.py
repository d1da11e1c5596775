"""Served standings equal a recomputation from the stored rows after any interleaving of
saves, submits, scenario choices, judge scores, appeal corrections, weight changes and a
freeze; the frozen table served afterwards equals a recomputation from the rows as they
stood at the freeze (later scores, corrections and rebuilds never reach it)."""

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.competitions import oracles
from tests.competitions.conftest import body, iso
from trainer.errors import DomainError
from trainer.extensions import db
from trainer.models import utcnow

PLAYERS = ("worker", "w1", "w2")
JUDGES = ("trainer", "j2")
PATHS = (["listen", "agree"], ["scold", "leave"], ["listen", "report"], ["scold"])

operation = st.one_of(
    st.tuples(st.just("save"), st.sampled_from(PLAYERS), st.integers(0, 2),
              st.sampled_from("ABC")),
    st.tuples(st.just("submit"), st.sampled_from(PLAYERS)),
    st.tuples(st.just("run"), st.sampled_from(PLAYERS), st.sampled_from(PATHS)),
    st.tuples(st.just("score"), st.sampled_from(JUDGES), st.sampled_from(PLAYERS),
              st.integers(0, 10)),
    st.tuples(st.just("correct"), st.sampled_from(PLAYERS), st.integers(0, 2),
              st.integers(0, 100)),
    st.tuples(st.just("reweigh"), st.integers(0, 2), st.integers(1, 100)),
    st.tuples(st.just("freeze")),
)


def _users():
    from trainer.auth.models import User

    return {u.username: u for u in db.session.scalars(sa.select(User))}


def _apply(comp, users, op, model) -> dict:
    """Do one operation through the services; returns what the model learns once the
    transaction commits (a correction, or the snapshot taken at the freeze)."""
    from trainer.competitions import judging, rounds
    from trainer.quizzes import services as quizzes

    kind, who = op[0], op[1] if len(op) > 1 else None
    if kind in ("save", "submit"):
        attempt, _new = rounds.start_round(users[who], comp, comp.rounds[0], "10.0.0.1")
        if kind == "submit":
            quizzes.submit_attempt(attempt, reveal=False)
        elif attempt.submitted_at is None:
            quizzes.save_answer(attempt, attempt.questions[op[2]]["id"], op[3])
    elif kind == "run":
        run, _new = rounds.start_round(users[who], comp, comp.rounds[1], "10.0.0.2")
        for key in op[2][len(run.path):]:
            rounds.take_choice(users[who], comp, comp.rounds[1], key)
    elif kind == "score":
        entry = judging.entry_by_username(comp, op[2])
        judging.score_entry(users[who], comp.rounds[2], entry, {"表现": op[3]}, "更正")
    elif kind == "correct":
        _correct(comp, users, who, op[2], op[3])
        return {"corrections": {(who, op[2]): float(op[3])}}
    elif kind == "reweigh":
        _reweigh(comp, users["organiser"], comp.rounds[op[1]], op[2])
    elif model.get("frozen") is None:  # freeze now (once), through the settings form's service
        snapshot = _outcomes(comp, model["corrections"])
        _freeze(comp, users["organiser"])
        return {"frozen": snapshot}
    return {}


def _correct(comp, users, who, index, percent) -> None:
    from trainer.competitions import appeals, judging
    from trainer.competitions.models import Appeal

    rnd, entry = comp.rounds[index], judging.entry_by_username(comp, who)
    appeal = db.session.scalar(sa.select(Appeal).where(Appeal.round_id == rnd.id,
                                                       Appeal.entry_id == entry.id))
    if appeal is None:
        appeal = Appeal(round_id=rnd.id, entry_id=entry.id, text="申请复核")
        db.session.add(appeal)
        db.session.flush()
    appeals.resolve_appeal(users["organiser"], appeal, "upheld", "复核更正", percent)


def _reweigh(comp, organiser, rnd, weight) -> None:
    from trainer.competitions.services import update_round
    from trainer.competitions.spec import RoundSpec

    spec = RoundSpec(title=rnd.title, kind=rnd.kind, weight=weight, opens_at=rnd.opens_at,
                     closes_at=rnd.closes_at, time_limit=rnd.time_limit, quiz=rnd.quiz_id,
                     scenario=rnd.scenario.slug if rnd.scenario else None,
                     criteria=list(rnd.criteria), judges=[j.user.username for j in rnd.judges])
    update_round(organiser, rnd, spec, "调整权重")


def _freeze(comp, organiser) -> None:
    from trainer.competitions.services import update_competition
    from trainer.competitions.spec import parse_competition

    spec = parse_competition(body(starts_at=comp.starts_at.isoformat(),
                                  ends_at=comp.ends_at.isoformat(),
                                  freeze_at=utcnow().isoformat(), rounds=[]))
    update_competition(organiser, comp, spec, "封榜")


def _outcomes(comp, corrections: dict) -> dict:
    """Entry id -> (name, round outcomes) from the attempts, runs and score sheets
    themselves (not the stored results or totals), with the corrections of the model."""
    from trainer.competitions.models import Entry, ScoreSheet
    from trainer.competitions.standings import ranking
    from trainer.quizzes.models import Attempt
    from trainer.simulation.models import Run

    quiz, scenario, judged = comp.rounds
    found = {}
    for entry in db.session.scalars(sa.select(Entry).where(Entry.competition_id == comp.id)):
        outcomes = {}
        attempt = db.session.scalar(sa.select(Attempt).where(
            Attempt.user_id == entry.user_id, Attempt.round_id == quiz.id))
        if attempt is not None and attempt.submitted_at is not None:
            limit = round((attempt.deadline - attempt.started_at).total_seconds())
            outcomes[0] = ranking.RoundOutcome(
                quiz.id, 100 * attempt.score / attempt.max_score,
                ranking.timed_seconds(attempt.started_at, attempt.submitted_at, limit),
                attempt.submitted_at)
        run = db.session.scalar(sa.select(Run).where(Run.user_id == entry.user_id,
                                                     Run.round_id == scenario.id))
        if run is not None and run.finished:
            outcomes[1] = ranking.RoundOutcome(
                scenario.id, ranking.scenario_percent(run.scores, run.outcome),
                ranking.timed_seconds(run.started_at, run.finished_at, None),
                run.finished_at)
        totals = list(db.session.scalars(sa.select(ScoreSheet.total).where(
            ScoreSheet.round_id == judged.id, ScoreSheet.entry_id == entry.id)))
        if totals:
            outcomes[2] = ranking.RoundOutcome(judged.id,
                                                 ranking.judged_percent(totals, 10))
        for index, rnd in enumerate(comp.rounds):
            fixed = corrections.get((entry.user.username, index))
            if fixed is not None:
                base = outcomes.get(index, ranking.RoundOutcome(rnd.id, None))
                outcomes[index] = ranking.RoundOutcome(rnd.id, fixed, base.seconds,
                                                         base.finished_at)
        found[entry.id] = (entry.user.name, list(outcomes.values()))
    return found


def _ranked(comp, outcomes: dict) -> list[tuple]:
    """The table from outcomes, with the rounds' current weights, by the engine's rule."""
    from trainer.competitions.standings import ranking

    specs = [ranking.RoundSpec(r.id, r.weight) for r in comp.rounds]
    keys, names = {}, {}
    for entry_id, (name, played) in outcomes.items():
        standing = ranking.entrant_standing(specs, played)
        keys[entry_id] = ranking.rank_key(standing, comp.starts_at)
        names[entry_id] = (name, standing.total, standing.seconds)
    ranks = oracles.rank_all(keys)
    return sorted((ranks[i], *names[i]) for i in keys)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(operation, max_size=18), weights=st.tuples(
    st.integers(1, 100), st.integers(1, 100), st.integers(1, 100)))
def test_served_standings_equal_a_recomputation(app, users, workers, make_user, make_quiz,
                                                make_scenario, ops, weights):
    from trainer.auth.services import bearer_digest, issue_token
    from trainer.competitions.models import Competition
    from trainer.competitions.services import create_competition, enter
    from trainer.competitions.spec import parse_competition
    from trainer.competitions.standings import board, fastsql

    with app.app_context():
        known = "j2" in _users()
        db.session.rollback()
    if not known:
        make_user("j2", role="trainer")
        make_scenario()
    quiz_id, _ids = make_quiz(n=3)
    with app.app_context():
        people = _users()
        spec = parse_competition(body(rounds=[
            {"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": weights[0],
             "time_limit": 30},
            {"title": "情景", "kind": "scenario", "scenario": "contest", "weight": weights[1]},
            {"title": "实操", "kind": "judged", "weight": weights[2],
             "criteria": [{"name": "表现", "max": 10}], "judges": list(JUDGES)}],
            ends_at=iso(timedelta(hours=5))))
        comp = create_competition(people["organiser"], spec)
        for name in PLAYERS:
            enter(people[name], comp)
        db.session.commit()
        comp_id = comp.id
        model = {"corrections": {}, "frozen": None}
        for op in ops:
            comp = db.session.get(Competition, comp_id)
            try:
                learned = _apply(comp, _users(), op, model)
                db.session.commit()
            except DomainError:
                db.session.rollback()
                continue
            model["corrections"].update(learned.get("corrections", {}))
            model["frozen"] = learned.get("frozen", model["frozen"])
        db.session.expire_all()
        comp = db.session.get(Competition, comp_id)
        organiser = _users()["organiser"]
        served = board.leaderboard(comp, organiser, limit=50)
        got = sorted((r.rank, r.name, r.score, r.seconds) for r in served.rows)
        expected = _ranked(comp, _outcomes(comp, model["corrections"]))
        assert got == expected
        for name in PLAYERS:  # each entrant's own rank (from the per-point tallies)
            user = _users()[name]
            mine = board.my_standing(board.my_entry(comp_id, user.id), frozen=False)
            assert (mine["rank"], user.name) in {(rank, who) for rank, who, *_r in expected}
            # and as a worker's leaderboard counts it, inside its first statement
            row = fastsql.for_token(bearer_digest(f"Bearer {issue_token(user)[0]}"), comp_id)
            assert row.mine_better + 1 == mine["rank"]
        if model["frozen"] is not None:  # what entrants and the projector see
            public = board.leaderboard(comp, organiser, limit=50, public=True)
            assert public.frozen
            got = sorted((r.rank, r.name, r.score, r.seconds) for r in public.rows)
            assert got == _ranked(comp, model["frozen"])
