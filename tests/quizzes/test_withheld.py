"""Practice and mastery never reveal what a quiz's review policy still hides."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.quizzes.test_notebook import close
from tests.quizzes.test_practice import attempt_questions, practise, submit
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.items import QuestionData
from trainer.quizzes.models import Quiz


@pytest.fixture
def bank(make_question):
    """Four true/false questions (true is right), each with its own tag."""
    return [make_question(QuestionData("truefalse", f"题{n}", truth=True, tags=[f"TAG-{n}"]))
            for n in range(4)]


def practice_ids(app, client, auth, username="worker"):
    auth.login(username)
    return attempt_questions(app, practise(client, auth, ""))


def test_practice_leaves_out_the_questions_of_an_open_never_quiz(
        app, client, auth, api, bank, make_quiz):
    secret = bank[0]
    quiz = make_quiz([secret], review="never")
    caller = api("worker")
    attempt = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    practice_id, _context, ids = practice_ids(app, client, auth)
    assert secret not in ids and sorted(ids) == sorted(bank[1:])
    result = submit(caller, practice_id, {qid: True for qid in ids})
    assert secret not in [item["question_id"] for item in result["review"]]
    # the quiz's attempt still takes the answer, which practice could not reveal
    assert caller.put(f"/api/v1/attempts/{attempt['attempt_id']}/answers/{secret}",
                      json={"answer": True}).status_code == 200


def test_never_quiz_keeps_its_questions_out_of_practice_after_submitting(
        app, client, auth, api, bank, make_quiz, make_user):
    quiz = make_quiz([bank[0]], review="never")
    caller = api("worker")
    attempt = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    caller.post(f"/api/v1/attempts/{attempt['attempt_id']}/submit")
    close(app, quiz)  # closed: others may practise it, the taker never learns it
    assert bank[0] not in practice_ids(app, client, auth)[2]
    make_user("other", unit="S1-C1-G2")
    assert bank[0] in practice_ids(app, client, auth, "other")[2]


def test_listed_questions_of_an_unclosed_hidden_quiz_are_out_for_everyone(
        app, client, auth, users, bank, make_quiz):
    quiz = make_quiz([bank[1]], review="after_close",
                     closes_at=utcnow() + timedelta(hours=1), published=False)
    assert bank[1] not in practice_ids(app, client, auth)[2]
    close(app, quiz)
    assert bank[1] in practice_ids(app, client, auth)[2]


def test_drawn_hidden_quiz_withholds_only_what_the_worker_drew(
        app, client, auth, api, make_question):
    from trainer.quizzes.models import QuizRule

    ids = [make_question(QuestionData("truefalse", f"抽{n}", truth=True), department="fire")
           for n in range(6)]
    with app.app_context():
        quiz = Quiz(title="抽题", published=True, mode="draw", review="never",
                    rules=[QuizRule(count=2)])
        db.session.add(quiz)
        db.session.commit()
        quiz_id = quiz.id
    drawn = [q["id"] for q in
             api("worker").post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()["questions"]]
    _attempt, _context, practised = practice_ids(app, client, auth)
    assert sorted(practised) == sorted(set(ids) - set(drawn))


def test_questions_of_an_unclosed_competition_round_are_out_of_practice(
        app, client, auth, users, bank, make_quiz):
    from trainer.competitions.models import Competition, Round

    quiz = make_quiz([bank[2]], published=False)
    now = utcnow()
    with app.app_context():
        contest = Competition(title="知识竞赛", status="open", starts_at=now,
                              ends_at=now + timedelta(days=2))
        contest.rounds = [Round(n=1, title="笔试", kind="quiz", quiz_id=quiz, weight=100,
                                opens_at=now + timedelta(days=1),
                                closes_at=now + timedelta(days=1, hours=1))]
        db.session.add(contest)
        db.session.commit()
    assert bank[2] not in practice_ids(app, client, auth)[2]
    with app.app_context():
        db.session.execute(sa.update(Round).values(closed_at=now))
        db.session.commit()
    assert bank[2] in practice_ids(app, client, auth)[2]


def mastery_page(client, auth):
    auth.login("worker")
    return client.get("/practice").get_data(as_text=True)


@pytest.mark.parametrize("review", ["never", "after_close"])
def test_mastery_ignores_answers_whose_correctness_is_hidden(
        app, client, auth, api, bank, make_quiz, review):
    quiz = make_quiz([bank[3]], review=review, closes_at=utcnow() + timedelta(hours=1))
    caller = api("worker")
    attempt = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    submit(caller, attempt["attempt_id"], {bank[3]: False})
    assert "TAG-3" not in mastery_page(client, auth)
    close(app, quiz)
    assert ("TAG-3" in mastery_page(client, auth)) is (review == "after_close")


def test_mastery_counts_answers_reviewed_right_after_submitting(
        client, auth, api, bank, make_quiz):
    quiz = make_quiz([bank[3]])
    caller = api("worker")
    attempt = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    submit(caller, attempt["attempt_id"], {bank[3]: False})
    assert "TAG-3 <span" in mastery_page(client, auth)


def test_starting_a_quiz_takes_its_questions_out_of_an_open_practice(
        app, client, auth, api, bank, make_quiz):
    practice_id, _context, ids = practice_ids(app, client, auth)
    caller = api("worker")
    caller.put(f"/api/v1/attempts/{practice_id}/answers/{bank[0]}", json={"answer": True})
    quiz = make_quiz([bank[0]], review="never")  # written after the practice began
    caller.post(f"/api/v1/quizzes/{quiz}/attempts")
    result = caller.post(f"/api/v1/attempts/{practice_id}/submit").get_json()
    assert sorted(item["question_id"] for item in result["review"]) == sorted(bank[1:])
    assert sorted(ids) == sorted(bank)
