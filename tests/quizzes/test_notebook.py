"""The wrong-answer notebook follows the review policy: after-close quizzes enter it
once they close, quizzes reviewed "never" never do."""

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.conftest import WRONG
from tests.quizzes.test_practice import notebook_ids, submit
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.models import Mistake, Quiz


def take_wrong(api, quiz):
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    submit(caller, body["attempt_id"], {q["id"]: answer for q, answer in
                                        zip(body["questions"], WRONG, strict=True)})
    return caller


def close(app, quiz):
    with app_ctx(app):
        db.session.get(Quiz, quiz).closes_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_after_close_misses_enter_the_notebook_once_the_quiz_closes(
        app, client, auth, api, make_quiz, sample_questions):
    quiz = make_quiz(sample_questions, review="after_close",
                     closes_at=utcnow() + timedelta(hours=1))
    caller = take_wrong(api, quiz)
    assert notebook_ids(caller) == []
    close(app, quiz)
    assert sorted(notebook_ids(caller)) == sorted(sample_questions)
    assert sorted(notebook_ids(caller)) == sorted(sample_questions)  # counted once
    auth.login("worker")
    assert "报警电话是多少？" in client.get("/practice/notebook").get_data(as_text=True)
    with app.app_context():
        counts = db.session.scalars(sa.select(Mistake.wrong_count)).all()
        assert counts == [1] * len(sample_questions)


def test_after_close_misses_show_on_the_notebook_page_without_the_api(
        app, client, auth, api, make_quiz, sample_questions):
    quiz = make_quiz(sample_questions, review="after_close",
                     closes_at=utcnow() + timedelta(hours=1))
    take_wrong(api, quiz)
    close(app, quiz)
    auth.login("worker")
    assert "我的错题本（5 道题）" in client.get("/practice").get_data(as_text=True)


def test_never_quiz_stays_out_of_the_notebook_even_after_closing(
        app, api, make_quiz, sample_questions):
    quiz = make_quiz(sample_questions, review="never", closes_at=utcnow() + timedelta(hours=1))
    caller = take_wrong(api, quiz)
    close(app, quiz)
    assert notebook_ids(caller) == []
