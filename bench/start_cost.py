"""The attempt start alone, in-process: N entrants start a 20-question competition
round one after another (no HTTP, no concurrency), timed, with the SQL statements of one
start counted and the heaviest functions of a cProfile listed.

    .venv/bin/python bench/start_cost.py [--entrants 300] [--profile]
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/start_cost.py

On a temporary SQLite file, or in a database created on DATABASE_URL's server (dropped
afterwards). The schema comes from the migrations.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def measure(url: str, entrants: int, profile: bool) -> None:
    os.environ["DATABASE_URL"] = url
    import competition_setup as cs
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from trainer import create_app
    from trainer.extensions import db

    app = create_app(cs.SetupConfig)
    with app.app_context():
        upgrade()
        from trainer.competitions import rounds
        from trainer.competitions.services import enter
        from trainer.quizzes import bank
        from trainer.quizzes.authoring import set_quiz_questions
        from trainer.quizzes.items import Option, QuestionData
        from trainer.quizzes.models import Quiz

        units = cs.organisation()
        store = bank.ensure_bank("起步题库")
        ids = [bank.create_question(QuestionData("single", f"起步题{n}", options=[
            Option("A", "对", 1.0), Option("B", "错", 0.0), Option("C", "否", 0.0)]), store,
            department_id=None).id for n in range(20)]
        quiz = Quiz(title="起步", published=False, shuffle_questions=True, shuffle_options=True)
        db.session.add(quiz)
        db.session.flush()
        set_quiz_questions(quiz, ids)
        comp = cs.competition(units["organiser"], [{"title": "笔试", "kind": "quiz",
                                                     "quiz": quiz.id, "weight": 1,
                                                     "time_limit": 30}])
        users = [cs.worker(f"st{n:05d}", units["grids"][n % 16][0]) for n in range(entrants)]
        for user in users:
            enter(user, comp)
        db.session.commit()
        comp_id, user_ids = comp.id, [u.id for u in users]
        db.session.remove()

        from trainer.auth.models import User
        from trainer.competitions.models import Competition

        statements = []

        def count(conn, cursor, statement, *args):
            if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT",
                                         "RELEASE")):
                statements.append(statement)

        prof = cProfile.Profile() if profile else None
        times = []
        for i, uid in enumerate(user_ids):
            if i == 1:
                sa.event.listen(db.engine, "before_cursor_execute", count)
            started = time.perf_counter()
            if prof and i > 0:
                prof.enable()
            with app.test_request_context():
                user = db.session.get(User, uid)
                comp = db.session.get(Competition, comp_id)
                rounds.start_round(user, comp, comp.rounds[0], "127.0.0.1")
                db.session.commit()
                db.session.remove()
            if prof and i > 0:
                prof.disable()
            times.append((time.perf_counter() - started) * 1000)
            if i == 1:
                sa.event.remove(db.engine, "before_cursor_execute", count)
        times = sorted(times[1:])
        print(f"{db.engine.dialect.name}: {len(times)} starts, median "
              f"{times[len(times) // 2]:.1f} ms, p95 {times[int(len(times) * .95)]:.1f} ms; "
              f"one start runs {len(statements)} statements (the loading of the user and "
              f"the competition included)")
        for s in statements:
            print("   ", " ".join(s.split())[:110])
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entrants", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        from leaderboard import ScratchPostgres

        scratch = ScratchPostgres(url, "start")
        try:
            measure(scratch.url, args.entrants, args.profile)
        finally:
            scratch.drop()
    else:
        folder = tempfile.mkdtemp(prefix="gt-start-")
        measure(f"sqlite:///{folder}/start.sqlite3", args.entrants, args.profile)


if __name__ == "__main__":
    main()
