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


def test_the_home_page_shows_reviews_due_today_and_open_required_training(
        app, client, auth, users, make_question, quiz_id):
    from datetime import timedelta

    from tests.conftest import app_ctx, bearer
    from trainer.extensions import db
    from trainer.models import utcnow
    from trainer.quizzes.models import Mistake

    qid = make_question()
    with app_ctx(app):
        db.session.add(Mistake(user_id=users["worker"], question_id=qid,
                               due=utcnow() - timedelta(hours=1)))
        db.session.commit()
    resp = client.post("/api/v1/assignments", headers=bearer(auth.token("organiser")),
                       json={"kind": "quiz", "target": quiz_id, "due": "2099-12-31",
                             "audience": {"users": ["worker"]}})
    assert resp.status_code == 201, resp.get_json()
    auth.login("worker")
    html = client.get("/").get_data(as_text=True)
    blocks = html.split('class="tiles"')[0]
    assert "今天有 1 道错题到期复习" in blocks and "/notebook" in blocks
    assert "我的必修任务" in blocks and "2099" in blocks

