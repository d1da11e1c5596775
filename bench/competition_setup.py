"""Scratch databases for the competition benchmarks (bench/leaderboard.py and
bench/competition_burst.py), and the checks they run afterwards.

The schema comes from the migrations (as `flask db upgrade` builds it). Bearer tokens are issued
directly: the benchmarks measure competitions, not password hashing. Usage:

    DATABASE_URL=... python bench/competition_setup.py leaderboard ENTRANTS OUT.json
    DATABASE_URL=... python bench/competition_setup.py burst ENTRANTS OUT.json
    DATABASE_URL=... python bench/competition_setup.py verify COMP_ID OUT.json
"""

import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from config import Config  # noqa: E402
from tests.competitions import oracles  # noqa: E402
from trainer import create_app  # noqa: E402
from trainer.extensions import db  # noqa: E402
from trainer.models import utcnow  # noqa: E402

QUESTIONS = 20
CHUNK = 5000


class SetupConfig(Config):
    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
    SECRET_KEY = "setup-only-" + "x" * 32
    REDIS_URL = None
    TESTING = True
    COMPETITION_BOARD_CACHE_SECONDS = 0  # count the statements of an uncached request


def organisation() -> dict:
    """A district with 4 streets, 2 communities each, 2 grids each; an organiser."""
    from trainer.auth.models import User
    from trainer.org import services as org

    org.ensure_departments()
    district = org.create_unit("BD", "压测区", "district", None)
    units = {"district": district, "grids": []}
    for s in range(4):
        street = org.create_unit(f"BS{s}", f"压测{s}街道", "street", district)
        for c in range(2):
            community = org.create_unit(f"BS{s}C{c}", f"压测{s}-{c}社区", "community", street)
            for g in range(2):
                grid = org.create_unit(f"BS{s}C{c}G{g}", f"网格{s}{c}{g}", "grid", community)
                units["grids"].append((grid, community, street))
    organiser = User(username="b_org", name="压测组织者", role="organiser", unit=district,
                     password_hash="!")
    db.session.add(organiser)
    db.session.flush()
    units["organiser"] = organiser
    return units


def competition(organiser, rounds: list[dict], title: str = "压测竞赛"):
    from trainer.competitions.services import create_competition
    from trainer.competitions.spec import parse_competition

    now = utcnow()
    return create_competition(organiser, parse_competition({
        "title": title, "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat(), "team_by": "community",
        "rounds": rounds}))


def bulk_entrants(comp, grids, count: int, rng: random.Random, prefix: str) -> None:
    """``count`` workers and their entries with varied standings, in bulk inserts."""
    from trainer.auth.models import User
    from trainer.competitions.models import Entry
    from trainer.competitions.standings import ranking

    first = (db.session.scalar(sa.select(sa.func.max(User.id))) or 0) + 1
    for start in range(0, count, CHUNK):
        users, entries = [], []
        for i in range(start, min(count, start + CHUNK)):
            grid, community, street = grids[i % len(grids)]
            users.append({"id": first + i, "username": f"{prefix}{i:06d}", "name": f"选手{i}",
                          "role": "worker", "unit_id": grid.id, "password_hash": "!",
                          "active": True, "session_version": 1, "created_at": utcnow()})
            standing = ranking.Standing(rng.randint(0, 10000), rng.randint(60, 3600),
                                          comp.starts_at + timedelta(seconds=rng.randint(60,
                                                                                         7200)))
            key = ranking.rank_key(standing, comp.starts_at)
            entries.append({"competition_id": comp.id, "user_id": first + i, "number": i + 1,
                            "street_id": street.id, "community_id": community.id,
                            "entered_at": utcnow(), "total_centi": standing.total_centi,
                            "seconds": standing.seconds, "finished_at": standing.finished_at,
                            "rank_key": key, "frozen_total_centi": standing.total_centi,
                            "frozen_seconds": standing.seconds, "frozen_rank_key": key,
                            "version": 1})
        db.session.execute(sa.insert(User), users)
        db.session.execute(sa.insert(Entry), entries)
    from trainer.competitions.standings import tallies

    tallies.rebuild(comp.id)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('users', 'id'), "
                                   "(SELECT max(id) FROM users))"))
        db.session.execute(sa.text("ANALYZE"))


def worker(username: str, grid):
    from trainer.auth.models import User

    user = User(username=username, name="压测网格员", role="worker", unit=grid,
                password_hash="!")
    db.session.add(user)
    db.session.flush()
    return user


def count_statements(app, path: str, token: str) -> int:
    """SQL statements one request runs (transaction control left out)."""
    seen = []

    def count(conn, cursor, statement, *args):
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        resp = app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def setup_leaderboard(app, entrants: int) -> dict:
    from trainer.auth.services import issue_token
    from trainer.competitions.services import enter
    from trainer.competitions.standings import scoring

    rng = random.Random(8)
    units = organisation()
    judged = [{"title": "实操", "kind": "judged", "weight": 1,
               "criteria": [{"name": "表现", "max": 10}]}]
    started = time.monotonic()
    big = competition(units["organiser"], judged, "十万人竞赛")
    bulk_entrants(big, units["grids"], entrants, rng, "e")
    small = competition(units["organiser"], judged, "十人竞赛")
    bulk_entrants(small, units["grids"], 10, rng, "s")
    me = worker("b_me", units["grids"][0][0])
    for comp in (big, small):
        entry, _new = enter(me, comp)
        result = scoring.result_for(comp.rounds[0].id, entry.id, create=True)
        result.percent = 50.0  # mid-table: "me" counts about half the entrants
        scoring.refresh_entry(entry.id)
    token = issue_token(me)[0]
    organiser_token = issue_token(units["organiser"])[0]
    db.session.commit()
    seeded = time.monotonic() - started
    settle_after_bulk_load()
    counts = {}
    for label, comp in (("10", small), (str(entrants), big)):
        path = f"/api/v1/competitions/{comp.id}/leaderboard?limit=50"
        count_statements(app, path, token)  # the first request of a process loads more
        counts[label] = count_statements(app, path, token)
    return {"comp_id": big.id, "small_id": small.id, "token": token,
            "organiser_token": organiser_token, "seed_seconds": round(seeded, 1),
            "statements": counts}


def settle_after_bulk_load() -> None:
    """On PostgreSQL, what autovacuum does soon after a bulk load, done now: VACUUM
    ANALYZE, so the own-rank count's index-only scan need not visit the heap for each
    of its ~1,000 rows (measured: 2.5 ms before, under 1 ms after)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def setup_burst(app, entrants: int) -> dict:
    from trainer.auth.services import issue_token
    from trainer.competitions.services import enter
    from trainer.quizzes import bank
    from trainer.quizzes.authoring import set_quiz_questions
    from trainer.quizzes.items import Option, QuestionData
    from trainer.quizzes.models import Quiz

    units = organisation()
    store = bank.ensure_bank("压测竞赛题库")
    ids = [bank.create_question(QuestionData("single", f"竞赛题{n}", options=[
        Option("A", "对", 1.0), Option("B", "错", 0.0), Option("C", "错", 0.0)]), store,
        department_id=None).id for n in range(QUESTIONS)]
    quiz = Quiz(title="压测竞赛题", published=False, shuffle_questions=True,
                shuffle_options=False)
    db.session.add(quiz)
    db.session.flush()
    set_quiz_questions(quiz, ids)
    comp = competition(units["organiser"], [{"title": "笔试", "kind": "quiz", "quiz": quiz.id,
                                             "weight": 1, "time_limit": 30}])
    tokens = []
    for n in range(entrants):
        user = worker(f"burst{n:04d}", units["grids"][n % len(units["grids"])][0])
        enter(user, comp)
        tokens.append(issue_token(user)[0])
    organiser_token = issue_token(units["organiser"])[0]
    db.session.commit()
    return {"comp_id": comp.id, "tokens": tokens, "organiser_token": organiser_token}


def verify(app, comp_id: int) -> dict:
    """Graded once, every answer there, standings equal to a recomputation."""
    from trainer.competitions.models import Competition, Entry
    from trainer.competitions.standings import ranking
    from trainer.quizzes.models import Attempt, AttemptAnswer

    comp = db.session.get(Competition, comp_id)
    rnd = comp.rounds[0]
    attempts = list(db.session.scalars(sa.select(Attempt).where(Attempt.round_id == rnd.id)))
    answers = db.session.scalar(sa.select(sa.func.count()).select_from(AttemptAnswer).join(
        Attempt).where(Attempt.round_id == rnd.id, AttemptAnswer.answer.is_not(None)))
    keys, seen = {}, {}
    by_user = {a.user_id: a for a in attempts}
    for entry in db.session.scalars(sa.select(Entry).where(Entry.competition_id == comp_id)):
        attempt = by_user.get(entry.user_id)
        outcomes = []
        if attempt is not None and attempt.submitted_at is not None:
            limit = round((attempt.deadline - attempt.started_at).total_seconds())
            outcomes.append(ranking.RoundOutcome(
                rnd.id, 100 * attempt.score / attempt.max_score,
                ranking.timed_seconds(attempt.started_at, attempt.submitted_at, limit),
                attempt.submitted_at))
        standing = ranking.entrant_standing([ranking.RoundSpec(rnd.id, rnd.weight)],
                                              outcomes)
        keys[entry.id] = ranking.rank_key(standing, comp.starts_at)
        seen[entry.id] = (entry.user.name, standing.total, standing.seconds)
    ranks = oracles.rank_all(keys)
    expected = sorted([ranks[i], *seen[i]] for i in keys)
    return {"attempts": len(attempts), "graded": sum(1 for a in attempts if a.submitted_at),
            "answers": answers, "percents": {a.user.username: a.percent for a in attempts},
            "expected": expected}


def main() -> None:
    mode, number, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    app = create_app(SetupConfig)
    with app.app_context():
        if mode != "verify":
            upgrade()  # the migrations, exactly as production builds it
        result = {"leaderboard": setup_leaderboard, "burst": setup_burst,
                  "verify": verify}[mode](app, number)
    Path(out).write_text(json.dumps(result), "utf-8")


if __name__ == "__main__":
    main()
