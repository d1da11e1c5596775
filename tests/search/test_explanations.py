"""Question explanations give answers away: who finds them, and never a worker early."""

from datetime import timedelta

import sqlalchemy as sa

from tests.search.conftest import api_titles, found
from trainer.extensions import db
from trainer.models import utcnow

STEM = "居民被拖欠工资，网格员可以替他去讨要吗？"


def finds(client, auth, username, word="讨薪渠道") -> bool:
    auth.login(username)
    html = found(client, word)[1]
    auth.logout()
    return STEM in html


def test_a_worker_never_finds_an_explanation_of_a_question_they_never_answered(
        client, auth, users, make_question, make_quiz):
    make_quiz([make_question()])
    assert not finds(client, auth, "worker")


def test_a_worker_finds_it_after_an_attempt_whose_review_is_open(
        client, auth, users, make_question, make_quiz, take, token_of):
    question = make_question()
    attempt = take(make_quiz([question]))
    auth.login("worker")
    status, html = found(client, "讨薪渠道")
    assert status == 200 and STEM in html and "题目解析" in html
    assert f'href="/attempts/{attempt}/result"' in html  # not the staff-only bank page
    assert api_titles(client, token_of("worker"), "讨薪渠道") == [STEM]


def test_an_open_attempt_reveals_nothing(client, auth, users, make_question, make_quiz, take):
    take(make_quiz([make_question()]), submit=False)
    assert not finds(client, auth, "worker")


def test_a_quiz_reviewed_never_keeps_its_explanations_hidden(
        app, client, auth, users, make_question, make_quiz, take):
    question = make_question()
    take(make_quiz([question], review="never"))
    assert not finds(client, auth, "worker")


def test_a_quiz_reviewed_after_closing_reveals_them_once_closed(
        app, client, auth, users, make_question, make_quiz, take):
    from trainer.quizzes.models import Quiz

    quiz = make_quiz([make_question()], review="after_close",
                     closes_at=utcnow() + timedelta(hours=1))
    take(quiz)
    assert not finds(client, auth, "worker")
    with app.app_context():
        db.session.execute(sa.update(Quiz).values(closes_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert finds(client, auth, "worker")


def test_a_question_of_an_open_competition_round_is_withheld_even_if_answered_before(
        app, client, auth, users, make_question, make_quiz, take):
    from trainer.auth.models import User
    from trainer.competitions.services import create_competition
    from trainer.competitions.spec import parse_competition

    question = make_question()
    take(make_quiz([question]))
    assert finds(client, auth, "worker")  # reviewed: found, until a round uses it
    round_quiz = make_quiz([question], published=False)
    with app.app_context():
        organiser = db.session.scalar(sa.select(User).where(User.username == "organiser"))
        create_competition(organiser, parse_competition({
            "title": "知识竞赛", "kind": "knowledge", "street": None,
            "starts_at": (utcnow() - timedelta(hours=1)).isoformat(),
            "ends_at": (utcnow() + timedelta(hours=5)).isoformat(), "freeze_at": None,
            "team_by": "community", "team_size": 3, "eligibility": [], "honours": [],
            "rounds": [{"title": "笔试", "kind": "quiz", "quiz": round_quiz, "weight": 1}]}))
        db.session.commit()
    assert not finds(client, auth, "worker")


def test_staff_find_the_explanations_of_their_scope(client, auth, make_user, make_question):
    make_question(department="public-security")
    make_user("pstrainer", role="trainer", department="public-security")
    make_user("firetrainer", role="trainer", department="fire")
    make_user("organiser", role="organiser")
    make_user("admin", role="admin")
    assert finds(client, auth, "pstrainer") and finds(client, auth, "organiser")
    assert finds(client, auth, "admin") and not finds(client, auth, "firetrainer")


def test_a_street_private_question_stays_in_its_street(client, auth, make_user, make_question):
    make_question(department="public-security", street="S2")
    make_user("s1trainer", role="trainer", unit="S1", department="public-security")
    make_user("s2trainer", role="trainer", unit="S2", department="public-security")
    make_user("s1organiser", role="organiser", unit="S1")
    assert finds(client, auth, "s2trainer")
    assert not finds(client, auth, "s1trainer") and not finds(client, auth, "s1organiser")


def test_staff_links_lead_to_the_bank(client, auth, users, make_question):
    question = make_question()
    auth.login("admin")
    assert f'href="/bank/{question}"' in found(client, "讨薪渠道")[1]


def test_editing_an_explanation_updates_the_index(app, client, auth, users, make_question):
    from trainer.quizzes import bank
    from trainer.quizzes.models import Question

    question_id = make_question()
    with app.app_context():
        question = db.session.get(Question, question_id)
        data = bank.question_data(question)
        from dataclasses import replace
        bank.update_question(question, replace(data, explanation="应告知维权热线12333。"))
        db.session.commit()
    assert not finds(client, auth, "admin") and finds(client, auth, "admin", "维权热线")
