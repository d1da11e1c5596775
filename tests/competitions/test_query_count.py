"""Leaderboard reads cost a constant number of SQL statements, whatever the entrants."""

import random

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from tests.conftest import app_ctx, bearer
from trainer.extensions import db


def _add_entrants(app, comp_id: int, count: int) -> None:
    """``count`` workers with entries and varied stored totals (as scoring leaves them)."""
    from trainer.auth.models import User
    from trainer.competitions.models import (
        Competition,
        Entry,
        Round,
        RoundResult,
        ScoreRevision,
    )
    from trainer.competitions.standings import scoring
    from trainer.org.services import unit_by_code

    rng = random.Random(count)
    with app_ctx(app):
        comp = db.session.get(Competition, comp_id)
        rnd = db.session.scalar(sa.select(Round).where(Round.competition_id == comp_id))
        grid, community = unit_by_code("S1-C1-G1"), unit_by_code("S1-C1")
        for i in range(count):
            user = User(username=f"bulk{count}_{i}", name=f"选手{i}", role="worker",
                        unit_id=grid.id, password_hash="x")
            db.session.add(user)
            db.session.flush()
            key = scoring.initial_key(comp)
            entry = Entry(competition_id=comp.id, user_id=user.id, number=100 + i,
                          street_id=grid.street_id, community_id=community.id,
                          rank_key=key, frozen_rank_key=key)
            db.session.add(entry)
            db.session.flush()
            percent = rng.choice([0, 25, 50, 50, 75, 100])
            db.session.add(RoundResult(round_id=rnd.id, entry_id=entry.id, percent=percent))
            # the judge's sheet behind it, so the frozen table can be rebuilt from it too
            db.session.add(ScoreRevision(round_id=rnd.id, entry_id=entry.id, judge_id=user.id,
                                         total=percent * rnd.max_points / 100))
            db.session.flush()
            scoring.refresh_entry(entry.id)
        db.session.commit()


def _count_statements(app, client, path, token) -> tuple[int, dict]:
    seen = []
    with app_ctx(app):
        engine = db.engine

    def count(conn, cursor, statement, *args):
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = client.get(path, headers=bearer(token) if token else {})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    return len(seen), resp


def test_leaderboard_statements_do_not_grow_with_entrants(app, client, auth, create):
    small, large = create(), create(street="S1")
    token = auth.token("worker")
    for comp_id, extra in ((small, 10), (large, 200)):
        assert client.post(f"/api/v1/competitions/{comp_id}/entries",
                           headers=bearer(token)).status_code == 201
        _add_entrants(app, comp_id, extra)
    counts = {}
    for comp_id in (small, large):
        path = f"/api/v1/competitions/{comp_id}/leaderboard?limit=50"
        n, resp = _count_statements(app, client, path, token)
        assert resp.get_json()["me"]["rank"] >= 1
        counts[comp_id] = n
    assert counts[small] == counts[large]
    # the token with the competition, the caller's own entry and rank (counted from the
    # tallies): one statement; and the page (unless cached)
    assert counts[small] == 2, counts
    organiser = auth.token("organiser")
    assert _count_statements(app, client, f"/api/v1/competitions/{small}/leaderboard?by=team",
                             organiser)[0] == \
        _count_statements(app, client, f"/api/v1/competitions/{large}/leaderboard?by=team",
                          organiser)[0]


def test_standings_page_statements_do_not_grow_with_entrants(app, client, auth, create):
    small, large = create(), create()
    _add_entrants(app, small, 10)
    _add_entrants(app, large, 200)
    auth.login("worker")
    client.get("/")  # the navigation's unread count is then kept in the session for both
    a = _count_statements(app, client, f"/competitions/{small}/standings", None)[0]
    b = _count_statements(app, client, f"/competitions/{large}/standings", None)[0]
    assert a == b


def test_tallies_match_a_recount_after_entries_and_changes(app, client, auth, create, workers):
    from trainer.competitions.models import Tally
    from trainer.competitions.standings import tallies

    comp_id = create()
    judge = auth.token("trainer")
    for name, points in (("worker", 3), ("w1", 7), ("w2", 7), ("w3", 10)):
        client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token(name)))
        client.put(f"/api/v1/competitions/{comp_id}/rounds/1/scores/{name}",
                   json={"criteria": {"沟通": points, "方案": points}}, headers=bearer(judge))
    client.put(f"/api/v1/competitions/{comp_id}/rounds/1/scores/w1",
               json={"criteria": {"沟通": 2, "方案": 2}, "reason": "更正"}, headers=bearer(judge))

    def snapshot():
        return sorted((t.scope, t.frozen, t.bucket, t.count) for t in db.session.scalars(
            sa.select(Tally).where(Tally.competition_id == comp_id)) if t.count)

    with app.app_context():
        kept = snapshot()
        tallies.rebuild(comp_id)
        assert snapshot() == kept
        assert (0, False, 100, 1) in kept and (0, False, 20, 1) in kept


@pytest.mark.usefixtures("db_ctx")
def test_the_sql_point_and_low_key_agree_with_the_tallies(app):
    """The worker's leaderboard counts their rank inside its first statement, so the
    tallies' point and lowest key of a total are computed there in SQL."""
    from trainer.competitions.standings import fastsql, tallies

    totals = [0, 1, 99, 100, 101, 150, 4999, 5000, 5099, 9899, 9900, 9999, 10000]
    for total in totals:
        value = sa.literal(total, sa.Integer)
        point, low = db.session.execute(sa.select(
            fastsql.point_of(value), fastsql.low_key_of(fastsql.point_of(value)))).one()
        assert (point, low) == (tallies.bucket(total),
                                tallies.low_key(tallies.bucket(total))), total



def test_a_round_start_runs_a_fixed_number_of_statements(app, client, auth, create,
                                                         make_quiz, workers):
    """The synchronised start of a contest: an entrant's first start of a quiz round is a
    fixed number of statements whatever the quiz's length, and once this process has the
    questions (another entrant started first) their rows are not read again."""
    from trainer.quizzes.models import Attempt

    with app_ctx(app):
        engine = db.engine
    tokens = {name: auth.token(name) for name in ("worker", "w1")}
    counts = []
    for n in (4, 20):
        quiz_id, _ids = make_quiz(n=n, title=f"起步{n}")
        comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id,
                                  "weight": 1}])
        path = f"/api/v1/competitions/{comp_id}/rounds/1/start"
        for token in tokens.values():
            assert client.post(f"/api/v1/competitions/{comp_id}/entries",
                               headers=bearer(token)).status_code == 201
        assert client.post(path, headers=bearer(tokens["worker"])).status_code == 201
        seen = []

        def count(conn, cursor, statement, *args, seen=seen):
            if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA",
                                         "SAVEPOINT", "RELEASE")):
                seen.append(" ".join(statement.split())[:70])

        event.listen(engine, "before_cursor_execute", count)
        try:
            resp = client.post(path, headers=bearer(tokens["w1"]))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert resp.status_code == 201, resp.get_json()
        assert len(resp.get_json()["questions"]) == n
        counts.append(seen)
    assert len(counts[0]) == len(counts[1]), counts
    # the token with its user, the competition with its rounds (and their judges), the
    # entry; the result row: read, insert, lock; overdue attempts, the latest attempt,
    # the quiz's list with its stamps, the attempt's insert, the practice attempts to
    # withdraw from, the result's one update
    assert len(counts[1]) <= 14, "\n".join(counts[1])
    assert not any(s.startswith("SELECT questions.id, questions.bank_id") for s in counts[1])
    with app_ctx(app):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 4
