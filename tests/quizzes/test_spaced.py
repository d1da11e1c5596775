"""The notebook that teaches (FSRS schedule, answers and explanation, withheld keys), the
practice with the answer after each question, practice days, the navigator, the summary
before submitting and 未作答."""

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.test_practice import attempt_questions, days_pass, submit
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.items import QuestionData
from trainer.quizzes.models import Attempt, Mistake

SECRET = "独一无二的解析文字"
FEEDBACK = "选错了的反馈文字"


@pytest.fixture
def pair(make_question):
    """Two true/false questions (true is right) with an explanation and feedback."""
    return [make_question(QuestionData("truefalse", f"判断题{n}", truth=True, tags=[f"标签{n}"],
                                       explanation=f"{SECRET}{n}", feedback_false=FEEDBACK))
            for n in range(2)]


def start(client, auth, topic="", feedback="end"):
    resp = auth.post("/practice", data={"topic": topic, "feedback": feedback}, page="/practice")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def miss_both(app, client, auth, api, pair):
    caller = api("worker")
    auth.login("worker")
    attempt_id = start(client, auth)
    submit(caller, attempt_id, {qid: False for qid in pair})
    return caller


def text(resp) -> str:
    """A JSON answer as text with its Chinese unescaped (what a leak search must read)."""
    return json.dumps(resp.get_json(), ensure_ascii=False)


def notebook(caller) -> dict:
    return {item["question_id"]: item for item in caller.get("/api/v1/me/mistakes").get_json()}


# -- the schedule ------------------------------------------------------------------------

def test_a_miss_is_due_the_next_day_and_leaves_after_two_spaced_rights(
        app, client, auth, api, pair):
    caller = miss_both(app, client, auth, api, pair)
    items = notebook(caller)
    assert set(items) == set(pair)
    item = items[pair[0]]
    assert item["your_answer"] is False and item["right_answer"] is True
    assert item["explanation"] == f"<p>{SECRET}0</p>" and item["feedback"] == FEEDBACK
    assert item["due"] > utcnow().isoformat() and item["due_today"] is False
    assert caller.get("/api/v1/me/practice").get_json()["due"] == 0

    attempt_id = start(client, auth, "notebook")  # right, but a day early: no review
    submit(caller, attempt_id, {pair[0]: True})
    assert notebook(caller)[pair[0]]["reviews_right"] == 0

    days_pass(app, 1)  # the due day: both come back
    assert caller.get("/api/v1/me/practice").get_json()["due"] == 2
    assert notebook(caller)[pair[0]]["due_today"] is True
    attempt_id = start(client, auth, "notebook")
    submit(caller, attempt_id, {pair[0]: True})
    after = notebook(caller)[pair[0]]
    assert after["reviews_right"] == 1 and after["due"] > utcnow().isoformat()
    with app_ctx(app):
        card = db.session.scalar(sa.select(Mistake.card).where(Mistake.question_id == pair[0]))
        assert card["state"] == 2 and card["stability"] > 0  # an FSRS card, reviewed

    days_pass(app, 30)
    attempt_id = start(client, auth, "notebook")
    submit(caller, attempt_id, {pair[0]: True})
    assert set(notebook(caller)) == {pair[1]}


def test_your_answer_uses_the_questions_own_keys_whatever_the_shuffle(
        app, client, auth, api, make_question):
    from trainer.quizzes.items import Option

    qid = make_question(QuestionData("single", "火警电话？", options=[
        Option("A", "110", 0.0), Option("B", "119", 1.0), Option("C", "120", 0.0)]))
    caller = api("worker")
    auth.login("worker")
    attempt_id = start(client, auth)
    with app_ctx(app):
        entry = db.session.get(Attempt, attempt_id).questions[0]
    shown = [o["key"] for o in entry["data"]["options"]]
    wrong_key = shown[[o["text"] for o in entry["data"]["options"]].index("120")]
    submit(caller, attempt_id, {qid: wrong_key})
    item = notebook(caller)[qid]
    assert item["your_answer"] == "C" and item["right_answer"] == "B"
    assert [o["key"] for o in item["options"] if o["correct"]] == ["B"]


# -- nothing reveals a key early ---------------------------------------------------------

def _withhold(app, how, question_id, make_quiz):
    now = utcnow()
    if how == "never":
        make_quiz([question_id], review="never")
    elif how == "after_close":
        make_quiz([question_id], review="after_close", closes_at=now + timedelta(days=3))
    else:
        from trainer.competitions.models import Competition, Round

        quiz = make_quiz([question_id], published=False)
        with app_ctx(app):
            contest = Competition(title="知识竞赛", status="open", starts_at=now,
                                  ends_at=now + timedelta(days=2))
            contest.rounds = [Round(n=1, title="笔试", kind="quiz", quiz_id=quiz, weight=100,
                                    opens_at=now - timedelta(hours=1),
                                    closes_at=now + timedelta(days=1))]
            db.session.add(contest)
            db.session.commit()


HOW = ["competition", "never", "after_close"]


@pytest.mark.parametrize("how", HOW)
def test_the_notebook_shows_no_key_of_a_withheld_question(
        app, client, auth, api, pair, make_quiz, how):
    caller = miss_both(app, client, auth, api, pair)
    _withhold(app, how, pair[0], make_quiz)
    raw = text(caller.get("/api/v1/me/mistakes"))
    items = notebook(caller)
    assert items[pair[0]]["right_answer"] is None and items[pair[0]]["explanation"] is None
    assert items[pair[0]]["feedback"] is None and items[pair[0]]["withheld"] is True
    assert f"{SECRET}0" not in raw and f"{SECRET}1" in raw  # the other one teaches
    html = client.get("/practice/notebook").get_data(as_text=True)
    assert f"{SECRET}0" not in html and f"{SECRET}1" in html
    assert html.count('class="note-right"') == 1


@pytest.mark.parametrize("how", HOW)
def test_instant_feedback_shows_no_key_of_a_question_withheld_since_the_draw(
        app, client, auth, api, pair, make_quiz, how):
    caller = api("worker")
    auth.login("worker")
    attempt_id = start(client, auth, feedback="each")
    _withhold(app, how, pair[0], make_quiz)
    for qid in pair:
        resp = auth.post(f"/attempts/{attempt_id}", page=f"/attempts/{attempt_id}",
                         data={f"q{qid}": "false", "action": f"check:{qid}"})
        assert resp.status_code == 302
        if qid == pair[0]:
            html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
            assert f"{SECRET}0" not in html and FEEDBACK not in html
            assert "答案和解析暂不显示" in html
    # every question checked: submitted; neither the result page nor the API tells
    html = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert f"{SECRET}0" not in html and f"{SECRET}1" in html
    raw = text(caller.get(f"/api/v1/attempts/{attempt_id}"))
    assert f"{SECRET}0" not in raw
    raw = text(caller.post(f"/api/v1/attempts/{attempt_id}/submit"))
    assert f"{SECRET}0" not in raw and f"{SECRET}1" in raw
    assert set(notebook(caller)) == {pair[1]}  # nor whether it was right
    mastery = client.get("/practice").get_data(as_text=True)
    assert "标签1" in mastery and "标签0" not in mastery


def test_instant_practice_shows_the_key_and_explanation_after_each_question(
        app, client, auth, api, pair):
    auth.login("worker")
    attempt_id = start(client, auth, feedback="each")
    _id, _context, order = attempt_questions(app, f"/attempts/{attempt_id}")
    first = order[0]
    n = pair.index(first)
    resp = auth.post(f"/attempts/{attempt_id}", page=f"/attempts/{attempt_id}",
                     data={f"q{first}": "false", "action": f"check:{first}"})
    assert resp.headers["Location"].endswith(f"/attempts/{attempt_id}#q{first}")
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f"{SECRET}{n}" in html and FEEDBACK in html and "quiz-wrong" in html
    assert f"{SECRET}{1 - n}" not in html  # the next one not yet
    # changing the checked answer afterwards does not change its grade
    api("worker").put(f"/api/v1/attempts/{attempt_id}/answers/{first}", json={"answer": True})
    submit(api("worker"), attempt_id, {})
    with app_ctx(app):
        assert db.session.get(Attempt, attempt_id).score == 0
    assert first in notebook(api("worker"))


# -- practice days ------------------------------------------------------------------------

def test_practice_days_streak_and_yearly_count(app, client, auth, api, users, pair):
    from trainer.quizzes import spaced
    from trainer.quizzes.models import PracticeDay

    miss_both(app, client, auth, api, pair)
    today = spaced.local_day(utcnow())
    with app_ctx(app):
        uid = users["worker"]
        for back in (1, 2, 4):
            db.session.add(PracticeDay(user_id=uid, day=today - timedelta(days=back),
                                       answers=3))
        db.session.commit()
        assert spaced.streak(uid) == 3
        counts = spaced.practice_days([uid, users["trainer"]], today.year)
        assert counts[users["trainer"]] == 0
        assert counts[uid] == sum(1 for back in (0, 1, 2, 4)
                                  if (today - timedelta(days=back)).year == today.year)
        assert spaced.answers_on(uid, today) == 2
    html = client.get("/").get_data(as_text=True)
    assert "已连续练习 3 天" in html
    record = api("worker").get("/api/v1/me/record").get_json()
    assert record["practice"][-1]["answers"] == 2
    html = client.get("/me/record").get_data(as_text=True)
    assert "已连续练习 3 天" in html and f"{today.year}年共练习" in html


# -- the navigator, the summary before submitting, 未作答 ----------------------------------

def test_summary_lists_the_unanswered_first_and_submits_only_when_confirmed(
        app, client, auth, api, quiz_id, sample_questions):
    auth.login("worker")
    resp = auth.post(f"/quizzes/{quiz_id}/start", page=f"/quizzes/{quiz_id}")
    attempt_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    page = f"/attempts/{attempt_id}"
    html = client.get(page).get_data(as_text=True)
    assert "已答 0/5" in html and html.count('class="is-open"') == 5
    first, second = sample_questions[0], sample_questions[1]
    resp = auth.post(page, page=page, data={f"q{first}": "A", "action": f"flag:{second}"})
    assert resp.headers["Location"].endswith(f"{page}#q{second}")
    html = client.get(page).get_data(as_text=True)
    assert "已答 1/5" in html and 'aria-pressed="true"' in html and "is-flagged" in html
    resp = auth.post(page, page=page, data={f"q{sample_questions[2]}": "false",
                                            f"q{sample_questions[3]}": "110",
                                            "action": "review"})
    assert resp.headers["Location"].endswith(f"{page}/summary")
    with app_ctx(app):
        assert db.session.get(Attempt, attempt_id).submitted_at is None  # not yet
    html = client.get(f"{page}/summary").get_data(as_text=True)
    unanswered = html[html.index('id="unanswered"'):html.index("</section>",
                                                                 html.index('id="unanswered"'))]
    assert re.findall(r"#q(\d+)", unanswered) == [str(second), str(sample_questions[4])]
    assert html.index('id="unanswered"') < html.index("已标记待检查（1 题）")
    resp = auth.post(f"{page}/submit", page=f"{page}/summary")
    assert resp.headers["Location"].endswith(f"{page}/result")
    html = client.get(f"{page}/result").get_data(as_text=True)
    assert html.count("未作答</span>") == 2 and "quiz-blank" in html
    review = api("worker").get(f"/api/v1/attempts/{attempt_id}").get_json()["result"]["review"]
    assert sorted(item["question_id"] for item in review if item["unanswered"]) == sorted(
        [second, sample_questions[4]])


def test_a_competition_round_asks_before_its_one_submit(app, client, auth, api, make_quiz,
                                                         sample_questions):
    quiz = make_quiz(sample_questions[:2])
    now = utcnow()
    body = {"title": "知识竞赛", "kind": "knowledge", "street": None,
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(days=2)).isoformat(),
            "rounds": [{"title": "笔试", "kind": "quiz", "quiz": quiz, "weight": 100,
                        "opens_at": (now - timedelta(hours=1)).isoformat(),
                        "closes_at": (now + timedelta(days=1)).isoformat()}]}
    resp = api("organiser").post("/api/v1/competitions", json=body)
    assert resp.status_code == 201, resp.get_json()
    comp = resp.get_json()["id"]
    auth.login("worker")
    assert auth.post(f"/competitions/{comp}/enter", page=f"/competitions/{comp}"
                     ).status_code == 302
    base = f"/competitions/{comp}/rounds/1"
    assert auth.post(f"{base}/start", page=f"/competitions/{comp}").status_code == 302
    html = client.get(f"{base}/play").get_data(as_text=True)
    assert 'value="review"' in html
    resp = auth.post(f"{base}/answers", page=f"{base}/play",
                     data={f"q{sample_questions[0]}": "A", "action": "review"})
    assert resp.headers["Location"].endswith(f"{base}/confirm")
    html = client.get(f"{base}/confirm").get_data(as_text=True)
    assert "已答 1/2" in html and f"#q{sample_questions[1]}" in html
    with app_ctx(app):
        assert db.session.scalar(sa.select(Attempt.submitted_at)) is None
    auth.post(f"{base}/answers", page=f"{base}/confirm", data={"action": "submit"})
    with app_ctx(app):
        assert db.session.scalar(sa.select(Attempt.submitted_at)) is not None
