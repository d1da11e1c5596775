"""Races under the production command (issue 14): the README's gunicorn, with processes and
with threads, against a server database (PostgreSQL when TEST_SERVER_DATABASE_URL names
one). Every simultaneous start of a quiz answers 200/201 and leaves one open attempt per
user; every simultaneous entry answers 201 and gets a number of its own.

Before the fix (PostgreSQL, this 2-core machine, three runs): 0-2 of 40 users left with two
open attempts, and 2-13 of 50 entries refused 409 "busy"."""

import threading
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import TestConfig
from tests.server.conftest import BIN, ROOT  # noqa: F401 (the server fixtures' home)

pytestmark = pytest.mark.slow

STARTERS, STARTS_EACH, ENTRANTS = 40, 10, 50
SERVERS = [pytest.param({"workers": 4}, id="w4"),
           pytest.param({"workers": 2, "threads": 4}, id="w2-threads4")]


def _seed(url: str) -> dict:
    """Workers with API tokens, a published quiz and a contest open for entries, written
    straight into the server's database through the app's own services."""
    from trainer import create_app

    class Seeding(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Seeding)  # first: the services below need every model mapped

    from tests.competitions.conftest import body
    from trainer.auth.services import create_user, issue_token
    from trainer.competitions.services import create_competition
    from trainer.competitions.spec import parse_competition
    from trainer.extensions import db
    from trainer.org import services as org
    from trainer.quizzes import bank
    from trainer.quizzes.authoring import set_quiz_questions
    from trainer.quizzes.items import Option, QuestionData
    from trainer.quizzes.models import Quiz

    with app.app_context():
        district = org.create_unit("D", "测试区", "district", None)
        street = org.create_unit("S1", "一街道", "street", district)
        community = org.create_unit("S1-C1", "一社区", "community", street)
        grid = org.create_unit("S1-C1-G1", "一网格", "grid", community)
        organiser = create_user("organiser", "组织者", "organiser", "Secure-pass-2026",
                                unit=district)
        tokens = []
        for i in range(max(STARTERS, ENTRANTS)):
            user = create_user(f"w{i}", f"网格员{i}", "worker", "Secure-pass-2026", unit=grid)
            tokens.append(issue_token(user)[0])
        store = bank.ensure_bank("并发题库")
        quiz_ids = []
        # Two attempts allowed: a lost race shows both as a second open attempt and as a
        # start refused "no attempts left".
        for title, published, tries in (("并发测验", True, 2), ("竞赛笔试", False, None)):
            ids = [bank.create_question(QuestionData(
                "single", f"{title}第{n}题：网格员首要职责？",
                options=[Option("A", "信息采集", 1.0), Option("B", "执法处罚", 0.0)]),
                store, department_id=None).id for n in range(3)]
            quiz = Quiz(title=title, published=published, max_attempts=tries)
            db.session.add(quiz)
            db.session.flush()
            set_quiz_questions(quiz, ids)
            quiz_ids.append(quiz.id)
        comp = create_competition(organiser, parse_competition(body(rounds=[
            {"title": "笔试", "kind": "quiz", "quiz": quiz_ids[1], "weight": 1}])))
        db.session.commit()
        seeded = {"tokens": tokens, "quiz": quiz_ids[0], "competition": comp.id}
        db.engine.dispose()
    return seeded


def _together(jobs: list) -> list:
    """Run every ``(method, url, token)`` job in a thread of its own, released at once; a new
    connection each, so the kernel spreads them over the workers."""
    barrier, answers = threading.Barrier(len(jobs)), [None] * len(jobs)

    def run(i, url, token):
        barrier.wait()
        try:
            resp = requests.post(url, headers={"Authorization": f"Bearer {token}",
                                               "Connection": "close"}, timeout=120)
            answers[i] = (resp.status_code, resp.json())
        except (requests.RequestException, ValueError) as exc:
            answers[i] = (None, repr(exc))

    threads = [threading.Thread(target=run, args=(i, url, token))
               for i, (url, token) in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return answers


@pytest.mark.parametrize("server", SERVERS)
def test_simultaneous_starts_and_entries_hold_under_gunicorn(server_env, start_server, server):
    url = server_env["DATABASE_URL"]
    seeded = _seed(url)
    base = start_server(server_env, **server)
    tokens = seeded["tokens"]

    starts = _together([(f"{base}/api/v1/quizzes/{seeded['quiz']}/attempts", tokens[u])
                        for u in range(STARTERS) for _ in range(STARTS_EACH)])
    entries = _together([(f"{base}/api/v1/competitions/{seeded['competition']}/entries",
                          tokens[u]) for u in range(ENTRANTS)])

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        open_counts = dict(conn.execute(sa.text(
            "SELECT user_id, count(*) FROM attempts WHERE submitted_at IS NULL "
            "GROUP BY user_id")).all())
        rows = conn.execute(sa.text(
            "SELECT user_id, number FROM competition_entries WHERE competition_id = :c"),
            {"c": seeded["competition"]}).all()
    engine.dispose()

    statuses = Counter(status for status, _body in starts)
    duplicated = sum(1 for count in open_counts.values() if count > 1)
    refused = Counter(status for status, _body in entries if status != 201)
    print(f"\n{server}: starts {dict(statuses)}, users with two or more open attempts "
          f"{duplicated} of {STARTERS}; entries refused {dict(refused)}")
    assert set(statuses) <= {200, 201}, [a for a in starts if a[0] not in (200, 201)][:3]
    assert statuses[201] == STARTERS
    assert len(open_counts) == STARTERS and duplicated == 0, open_counts
    ids = Counter(answer["attempt_id"] for _status, answer in starts)
    assert len(ids) == STARTERS and set(ids.values()) == {STARTS_EACH}

    assert not refused, [a for a in entries if a[0] != 201][:3]
    assert len(rows) == ENTRANTS
    assert len({user for user, _n in rows}) == ENTRANTS
    assert sorted(number for _user, number in rows) == list(range(1, ENTRANTS + 1))
    assert len({answer["entry_id"] for _status, answer in entries}) == ENTRANTS
