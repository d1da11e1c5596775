"""The question bank in the browser: create, edit, preview, retire, search, scope."""

import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.conftest import SAMPLE
from trainer.extensions import db
from trainer.quizzes.bank import question_data
from trainer.quizzes.gift import parse_gift
from trainer.quizzes.models import Question

FORM = {"type": "single", "stem": "谁负责**治安**？<script>alert(1)</script>",
        "option_a": "公安", "option_b": "民政", "answer": "A", "difficulty": "4",
        "points": "2", "competencies": ["coordination"], "tags": "治安, 分工",
        "explanation": "[看这里](javascript:alert(1))", "bank": "街道自编"}


def only_question(app) -> Question:
    with app_ctx(app):
        question = db.session.scalar(sa.select(Question))
        db.session.expunge(question)
        return question


def test_trainer_creates_a_question_for_their_department(app, fresh, client, auth, users):
    auth.login("trainer")
    resp = auth.post("/bank/new", data=FORM)
    assert resp.status_code == 302
    question = only_question(app)
    assert (question.type, question.difficulty, question.points) == ("single", 4, 2.0)
    assert question.tags == ["治安", "分工"] and question.competencies == ["coordination"]
    assert question.body["options"][0]["fraction"] == 1.0
    assert "<strong>治安</strong>" in question.stem_html and "<script" not in question.stem_html
    assert "javascript:" not in question.explanation_html
    assert fresh.get(Question, question.id).department.code == "public-security"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "谁负责" in page


def test_a_bad_answer_is_shown_on_the_form_and_nothing_is_stored(app, fresh, client, auth, users):
    auth.login("trainer")
    resp = auth.post("/bank/new", data={**FORM, "answer": "G"})
    assert resp.status_code == 422
    assert "答案“G”不是已有的选项" in resp.get_data(as_text=True)
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_editing_bumps_the_version_but_started_attempts_keep_theirs(app, client, auth, api,
                                                                   quiz_id, sample_questions):
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()
    auth.login("trainer")
    qid = sample_questions[0]
    resp = auth.post(f"/bank/{qid}/edit", data={**FORM, "answer": "B", "stem": "改过的题干"})
    assert resp.status_code == 302
    with app.app_context():
        question = db.session.get(Question, qid)
        assert (question.version, question.stem) == (2, "改过的题干")
    caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"answer": "A"})
    result = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert result["review"][0]["correct"] is True
    assert "首要" in result["review"][0]["html"]


def test_editing_the_text_keeps_weights_and_feedback_the_form_does_not_show(app, fresh, client,
                                                                            auth,
                                                                           users, make_question):
    (weighted,), _ = parse_gift("题{~%70%甲#好 ~%30%乙 ~%-100%丙}")
    qid = make_question(weighted)
    auth.login("trainer")
    form = auth.client.get(f"/bank/{qid}/edit").get_data(as_text=True)
    assert 'value="AB"' in form
    auth.post(f"/bank/{qid}/edit", data={
        "type": "multiple", "stem": "新题干", "option_a": "甲", "option_b": "乙",
        "option_c": "丙", "answer": "AB", "partial": "y", "difficulty": "3", "points": "1"})
    data = question_data(fresh.get(Question, qid))
    assert data.stem == "新题干"
    assert [(o.fraction, o.feedback) for o in data.options] == [(0.7, "好"), (0.3, ""),
                                                               (-1.0, "")]


def test_retired_questions_are_hidden_and_no_longer_drawn(app, client, auth, api, make_quiz,
                                                         sample_questions):
    quiz = make_quiz(sample_questions)
    auth.login("trainer")
    auth.post(f"/bank/{sample_questions[0]}/status", page=f"/bank/{sample_questions[0]}")
    assert "首要" in client.get("/bank").get_data(as_text=True)  # unconfirmed: still active
    assert auth.post(f"/bank/{sample_questions[0]}/status", {"confirm": "y"},
                     page=f"/bank/{sample_questions[0]}").status_code == 302
    assert "首要" not in client.get("/bank").get_data(as_text=True)
    assert "首要" in client.get("/bank?status=retired").get_data(as_text=True)
    body = api("worker").post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
    assert sample_questions[0] not in [q["id"] for q in body["questions"]]


def test_search_and_filters(client, auth, users, make_question):
    make_question(SAMPLE[0], department="fire")
    make_question(SAMPLE[2], department="health")
    make_question(SAMPLE[3])
    auth.login("organiser")

    def listed(query):
        html = client.get(f"/bank?{query}").get_data(as_text=True)
        return [stem for stem in ("首要职责", "代替居民签字", "报警电话") if stem in html]

    assert listed("") == ["首要职责", "代替居民签字", "报警电话"]
    assert listed("q=报警") == ["报警电话"]
    assert listed("department=fire") == ["首要职责"]
    assert listed("type=truefalse") == ["代替居民签字"]
    assert listed("difficulty=2") == ["首要职责"]
    assert listed("competency=mediation") == ["代替居民签字"]
    assert listed("tag=入户走访") == ["首要职责"]
    assert listed("q=%25") == []


def test_only_the_departments_trainers_and_admins_edit(client, auth, users, make_user,
                                                     make_question):
    qid = make_question(SAMPLE[0], department="fire")
    auth.login("trainer")  # public security
    assert client.get(f"/bank/{qid}").status_code == 200
    assert client.get(f"/bank/{qid}/edit").status_code == 403
    assert auth.post(f"/bank/{qid}/status", page=f"/bank/{qid}").status_code == 403
    auth.logout()
    make_user("firefighter", role="trainer", department="fire")
    auth.login("firefighter")
    assert client.get(f"/bank/{qid}/edit").status_code == 200
    auth.logout()
    auth.login("organiser")
    assert client.get(f"/bank/{qid}/edit").status_code == 403
    assert client.get("/bank/new").status_code == 403


def test_street_trainer_sees_district_and_own_street_questions_only(app, client, auth, users,
                                                                   make_user, make_question):
    from trainer.org.services import unit_by_code

    shared = make_question(SAMPLE[0])
    mine = make_question(SAMPLE[2], street="S1")
    theirs = make_question(SAMPLE[3], street="S2")
    make_user("s1trainer", role="trainer", unit="S1")
    auth.login("s1trainer")
    assert client.get(f"/bank/{shared}").status_code == 200
    assert client.get(f"/bank/{mine}").status_code == 200
    assert client.get(f"/bank/{theirs}").status_code == 404
    assert "报警电话" not in client.get("/bank").get_data(as_text=True)
    assert auth.post("/bank/new", data=FORM).status_code == 302
    with app.app_context():
        created = db.session.scalar(sa.select(Question).where(Question.stem.contains("治安")))
        assert created.street_id == unit_by_code("S1").id


def test_the_bank_filter_names_only_banks_with_questions_in_the_users_scope(
        client, auth, users, make_user, make_question):
    make_question(SAMPLE[0], bank_name="区级题库")
    make_question(SAMPLE[2], bank_name="一街题库", street="S1")
    make_question(SAMPLE[3], bank_name="二街内部题库", street="S2")
    make_user("s1trainer", role="trainer", unit="S1")
    make_user("s1org", role="organiser", unit="S1")
    for username in ("s1trainer", "s1org"):
        auth.login(username)
        page = client.get("/bank").get_data(as_text=True)
        assert "区级题库" in page and "一街题库" in page
        assert "二街内部题库" not in page
        auth.logout()
    auth.login("trainer")  # district-wide: every bank
    assert "二街内部题库" in client.get("/bank").get_data(as_text=True)


def test_a_street_trainer_may_not_edit_or_retire_a_district_question(
        client, auth, users, make_user, make_question):
    shared = make_question(SAMPLE[0])
    mine = make_question(SAMPLE[2], street="S1")
    make_user("s1trainer", role="trainer", unit="S1")
    auth.login("s1trainer")
    assert client.get(f"/bank/{shared}/edit").status_code == 403
    page = f"/bank/{mine}"
    assert auth.post(f"/bank/{shared}/status", page=page).status_code == 403
    assert client.get(f"/bank/{mine}/edit").status_code == 200
    assert auth.post(f"/bank/{mine}/status", page=page).status_code == 302
