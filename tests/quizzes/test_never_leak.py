"""Answer keys, weights, feedback and explanations never reach the taker before grading
(and afterwards only as the review policy allows): checked on the HTML and the JSON."""

import json

import pytest

from trainer.quizzes.items import NumericAnswer, Option, QuestionData

SECRETS = ("SECRET-EXPLANATION", "SECRET-FEEDBACK", "SECRET-ACCEPTED", "271.828",
           "33.33333", "SECRET-TF-FEEDBACK")
KEYS_IN_JSON = ('"fraction"', '"truth"', '"accepted"', '"numeric"', '"explanation"',
                '"feedback"', '"correct', '"partial"', '"weight')


@pytest.fixture
def secret_quiz(make_question, make_quiz):
    def make(review="after_submit"):
        ids = [
            make_question(QuestionData(
                "single", "单选题干", explanation="SECRET-EXPLANATION 1",
                options=[Option("A", "甲", 1.0, "SECRET-FEEDBACK a"),
                         Option("B", "乙", 0.0, "SECRET-FEEDBACK b")])),
            make_question(QuestionData(
                "multiple", "多选题干", partial=True,
                options=[Option("A", "甲", 0.3333333), Option("B", "乙", 0.3333333),
                         Option("C", "丙", 0.3333334), Option("D", "丁", -1.0)])),
            make_question(QuestionData("truefalse", "判断题干", truth=True,
                                       feedback_false="SECRET-TF-FEEDBACK")),
            make_question(QuestionData("short", "填空题干", accepted=["SECRET-ACCEPTED"])),
            make_question(QuestionData("numerical", "数值题干",
                                       numeric=[NumericAnswer(271.828, 0.001)])),
        ]
        return make_quiz(ids, review=review, shuffle=True)

    return make


def assert_clean(text: str, *, json_keys: bool = False):
    for secret in SECRETS:
        assert secret not in text
    if json_keys:
        for key in KEYS_IN_JSON:
            assert key not in text


def test_start_and_resume_json_carry_no_key(api, secret_quiz):
    quiz = secret_quiz()
    caller = api("worker")
    started = caller.post(f"/api/v1/quizzes/{quiz}/attempts")
    assert_clean(started.get_data(as_text=True), json_keys=True)
    attempt_id = started.get_json()["attempt_id"]
    assert_clean(caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_data(as_text=True),
                 json_keys=True)
    assert_clean(caller.get(f"/api/v1/attempts/{attempt_id}").get_data(as_text=True),
                 json_keys=True)


def test_save_response_carries_no_key(api, secret_quiz):
    quiz = secret_quiz()
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    for question in body["questions"]:
        answer = {"single": "A", "multiple": ["A"], "truefalse": False, "short": "x",
                  "numerical": 1}[question["type"]]
        resp = caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{question['id']}",
                          json={"answer": answer})
        assert resp.status_code == 200
        assert_clean(resp.get_data(as_text=True))
        assert set(resp.get_json()) == {"question_id", "answer", "seq", "saved", "saved_at"}


def test_attempt_page_html_carries_no_key(client, auth, users, secret_quiz):
    quiz = secret_quiz()
    auth.login("worker")
    page = auth.post(f"/quizzes/{quiz}/start", page=f"/quizzes/{quiz}")
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "单选题干" in html and "数值题干" in html
    assert_clean(html)
    assert "quiz-correct" not in html and "data-correct" not in html


def test_review_never_shows_nothing_after_submit(client, auth, api, secret_quiz):
    quiz = secret_quiz(review="never")
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    result = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit")
    assert result.get_json()["review"] == []
    assert_clean(result.get_data(as_text=True))
    auth.login("worker")
    html = client.get(f"/attempts/{body['attempt_id']}/result").get_data(as_text=True)
    assert_clean(html)
    assert_clean(caller.get(f"/api/v1/attempts/{body['attempt_id']}").get_data(as_text=True))


def test_review_after_close_waits_for_the_close(app, fresh, api, secret_quiz):
    from datetime import timedelta

    from trainer.models import utcnow
    from trainer.quizzes.models import Quiz

    quiz = secret_quiz(review="after_close")
    fresh.update(Quiz, quiz, closes_at=utcnow() + timedelta(hours=1))
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    result = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert result["review"] == [] and "score" in result
    fresh.update(Quiz, quiz, closes_at=utcnow() - timedelta(seconds=1))
    again = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert len(again["review"]) == 5


def test_review_after_submit_shows_explanation_and_feedback(client, auth, api, secret_quiz):
    quiz = secret_quiz()
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    single = next(q for q in body["questions"] if q["type"] == "single")
    right_key = next(o["key"] for o in single["options"] if o["html"] == "甲")
    caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{single['id']}",
               json={"answer": right_key})
    result = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    text = json.dumps(result, ensure_ascii=False)
    assert "SECRET-EXPLANATION" in text and "SECRET-FEEDBACK a" in text
    auth.login("worker")
    html = client.get(f"/attempts/{body['attempt_id']}/result").get_data(as_text=True)
    assert "SECRET-EXPLANATION" in html and "SECRET-ACCEPTED" in html
