"""Daily practice, the wrong-answer notebook (错题本) and mastery per tag."""

import re

import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.conftest import SAMPLE, WRONG
from trainer.extensions import db
from trainer.quizzes.items import QuestionData
from trainer.quizzes.models import Attempt, Mistake


def practise(client, auth, topic):
    resp = auth.post("/practice", data={"topic": topic}, page="/practice")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:200]
    return resp.headers["Location"]


def attempt_questions(app, url):
    with app_ctx(app):
        attempt = db.session.get(Attempt, int(url.rsplit("/", 1)[1]))
        return attempt.id, attempt.context, [entry["id"] for entry in attempt.questions]


def days_pass(app, days: int = 1):
    """Move the notebook's schedule ``days`` back (as if that many days had passed)."""
    from datetime import timedelta

    with app_ctx(app):
        for mistake in db.session.scalars(sa.select(Mistake)):
            if mistake.due is not None:
                mistake.due -= timedelta(days=days)
            mistake.last_wrong_at -= timedelta(days=days)
        for attempt in db.session.scalars(sa.select(Attempt)):
            attempt.started_at -= timedelta(days=days)
        db.session.commit()


def submit(caller, attempt_id, answers: dict):
    for qid, answer in answers.items():
        assert caller.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}",
                          json={"answer": answer}).status_code == 200
    return caller.post(f"/api/v1/attempts/{attempt_id}/submit").get_json()


def test_practice_by_department_draws_only_that_departments_questions(
        app, client, auth, users, make_question):
    fire = {make_question(SAMPLE[2], department="fire") for _ in range(12)}
    make_question(SAMPLE[0], department="health")
    auth.login("worker")
    url = practise(client, auth, "dept:fire")
    _id, context, ids = attempt_questions(app, url)
    assert context == "practice" and len(ids) == 10 and set(ids) <= fire
    assert client.get(url).status_code == 200


def test_practice_by_competency(app, client, auth, users, sample_questions):
    auth.login("worker")
    _id, _context, ids = attempt_questions(app, practise(client, auth, "comp:mediation"))
    assert ids == [sample_questions[2]]


def test_practice_with_nothing_to_draw_says_so(client, auth, users, org):
    auth.login("worker")
    client.set_cookie("lang", "en")
    auth.post("/practice", data={"topic": "comp:mediation"}, page="/practice")
    assert "no questions to practise" in client.get("/practice").get_data(as_text=True)


def test_practice_never_draws_another_streets_questions(app, client, auth, users,
                                                       make_question):
    mine = make_question(SAMPLE[2], street="S1")
    make_question(SAMPLE[2], street="S2")
    auth.login("worker")
    _id, _c, ids = attempt_questions(app, practise(client, auth, ""))
    assert ids == [mine]


def notebook_ids(caller):
    return [item["question_id"] for item in caller.get("/api/v1/me/mistakes").get_json()]


def test_wrong_answers_enter_the_notebook_and_leave_after_two_right_practices(
        app, client, auth, api, quiz_id, sample_questions):
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()
    answers = {q["id"]: a for q, a in zip(body["questions"], WRONG, strict=True)}
    answers[sample_questions[0]] = "A"  # right
    submit(caller, body["attempt_id"], answers)
    missed = sorted(sample_questions[1:])
    assert sorted(notebook_ids(caller)) == missed
    item = caller.get("/api/v1/me/mistakes").get_json()[0]
    assert {"question_id", "html", "your_answer", "right_answer", "explanation", "feedback",
            "course", "due"} <= set(item)
    tf = sample_questions[2]
    auth.login("worker")
    attempt_id, _c, ids = attempt_questions(app, practise(client, auth, "notebook"))
    assert sorted(ids) == missed
    submit(caller, attempt_id, {tf: False})  # right, but before its due day: no review
    assert tf in notebook_ids(caller)
    for _round in (1, 2):  # the others are left blank: they stay in the notebook
        days_pass(app, 30)
        attempt_id, _c, ids = attempt_questions(app, practise(client, auth, "notebook"))
        assert sorted(ids) == missed
        submit(caller, attempt_id, {tf: False})
    assert tf not in notebook_ids(caller)
    assert sorted(notebook_ids(caller)) == sorted(set(missed) - {tf})


def test_a_new_miss_resets_the_streak_and_reenters(app, client, auth, api, sample_questions):
    caller = api("worker")
    tf = sample_questions[2]
    auth.login("worker")

    def practise_tf(answer):
        days_pass(app, 30)
        attempt_id, _c, _ids = attempt_questions(app, practise(client, auth, "comp:mediation"))
        submit(caller, attempt_id, {tf: answer})

    practise_tf(True)  # wrong: enters
    practise_tf(False)  # right once on its due day
    practise_tf(True)  # wrong again: back to 0
    practise_tf(False)
    assert notebook_ids(caller) == [tf]
    practise_tf(False)
    assert notebook_ids(caller) == []
    practise_tf(True)
    with app.app_context():
        mistake = db.session.scalar(sa.select(Mistake))
        assert (mistake.wrong_count, mistake.reviews_right, mistake.cleared_at) == (3, 0, None)


def test_quiz_with_hidden_review_does_not_fill_the_notebook(api, make_quiz, sample_questions):
    quiz = make_quiz(sample_questions, review="never")
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    submit(caller, body["attempt_id"], {q["id"]: a for q, a in
                                        zip(body["questions"], WRONG, strict=True)})
    assert notebook_ids(caller) == []


def test_notebook_page_teaches_the_question_answers_and_explanation(client, auth, api,
                                                                   quiz_id):
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()
    submit(caller, body["attempt_id"], {})
    auth.login("worker")
    html = client.get("/practice/notebook").get_data(as_text=True)
    assert "报警电话是多少？" in html and "居民本人签字才有效。" in html
    assert re.search(r'class="note-right">110<', html)  # the short question's key


def test_mastery_per_tag_is_shown_as_a_bar(app, client, auth, api, make_question, make_quiz):
    right = make_question(QuestionData("truefalse", "一", truth=True, tags=["消防"],
                                       competencies=["mediation"]))
    wrong = make_question(QuestionData("truefalse", "二", truth=True, tags=["消防"]))
    quiz = make_quiz([right, wrong])
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    submit(caller, body["attempt_id"], {right: True, wrong: False})
    auth.login("worker")
    html = client.get("/practice").get_data(as_text=True)
    assert re.search(r"消防 <span class=\"small\">[^<]*50%", html)
    assert re.search(r'<progress id="m\d+" max="100" value="100">', html)  # mediation
    assert re.search(r'<progress id="m\d+" max="100" value="50">', html)
