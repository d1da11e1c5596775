"""Editing in the browser keeps what the form does not show; bad input never ends in a 500."""

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.test_bank import FORM
from trainer.extensions import db
from trainer.quizzes.bank import question_data
from trainer.quizzes.gift import parse_gift
from trainer.quizzes.models import Question
from trainer.quizzes.sheets import parse_csv


def stored(app, qid):
    with app_ctx(app):
        return question_data(db.session.get(Question, qid))


def edit(auth, qid, **changes):
    form = {"type": "single", "stem": "Single partial", "option_a": "a", "option_b": "b",
            "option_c": "c", "answer": "A", "difficulty": "3", "points": "1", **changes}
    return auth.post(f"/bank/{qid}/edit", data=form)


def test_editing_the_stem_keeps_a_single_choices_partial_credit(
        app, client, auth, users, make_question):
    (question,), _ = parse_gift("Single partial {=a ~%50%b#一半 ~c}")
    qid = make_question(question)
    auth.login("trainer")
    assert edit(auth, qid, stem="只改题干").status_code == 302
    data = stored(app, qid)
    assert data.stem == "只改题干"
    assert [(o.fraction, o.feedback) for o in data.options] == [(1.0, ""), (0.5, "一半"),
                                                               (0.0, "")]


def test_changing_the_right_answer_takes_the_forms_weights(app, client, auth, users,
                                                           make_question):
    (question,), _ = parse_gift("Single partial {=a ~%50%b ~c}")
    qid = make_question(question)
    auth.login("trainer")
    edit(auth, qid, answer="C")
    assert [o.fraction for o in stored(app, qid).options] == [0.0, 0.0, 1.0]


def test_editing_a_plain_text_question_keeps_it_plain(app, fresh, client, auth, users,
                                                      make_question):
    (question,), _ = parse_csv("题型,题干,选项A,选项B,答案\n单选,1*2*3 = 6,a,b,A\n".encode())
    qid = make_question(question)
    auth.login("trainer")
    edit(auth, qid, stem="2*3*4 = 24", option_a="a", option_b="b", option_c="")
    assert fresh.get(Question, qid).stem_html == "<p>2*3*4 = 24</p>"


@pytest.mark.parametrize("query", ["difficulty=²", "difficulty=٣", "bank=²", "bank=" + "9" * 30,
                                   "difficulty=-1", "type=x&status=y"])
def test_odd_bank_filters_are_ignored_not_a_500(client, auth, users, query):
    auth.login("trainer")
    assert client.get(f"/bank?{query}").status_code == 200
    assert client.get(f"/bank/export?format=gift&{query}").status_code == 200


@pytest.mark.parametrize("changes", [
    {"tags": None}, {"competencies": None}, {"explanation": None}, {"category": None},
    {"option_b": None}, {"points": "sNaN"}, {"points": "NaN"}, {"points": "Infinity"},
    {"points": "1e999"}, {"difficulty": "²"}, {"type": None}, {"answer": None},
])
def test_missing_or_odd_question_fields_get_a_form_answer(app, fresh, client, auth, users, changes):
    auth.login("trainer")
    form = {key: value for key, value in {**FORM, **changes}.items() if value is not None}
    resp = auth.post("/bank/new", data=form)
    assert resp.status_code in (302, 422)
    count = fresh.scalar(sa.select(sa.func.count()).select_from(Question))
    assert count == (1 if resp.status_code == 302 else 0)
    if "points" in changes:
        assert resp.status_code == 422


QUIZ = {"title": "测验", "mode": "fixed", "pass_percent": "60", "review": "after_submit",
        "street": ""}


@pytest.mark.parametrize("changes", [
    {"mode": "draw", "rules-0-count": "1", "rules-0-department": "²"},
    {"mode": "draw", "rules-0-count": "1", "rules-0-department": "9" * 30},
    {"mode": "draw", "rules-0-count": "NaN"}, {"mode": "draw", "rules-0-count": "٢"},
    {"mode": "draw", "rules-0-count": "1", "rules-0-min_difficulty": "²"},
    {"street": "²"}, {"street": "9" * 30}, {"question_ids": "٣"}, {"question_ids": "9" * 30},
    {"pass_percent": "NaN"}, {"time_limit": "sNaN"}, {"pick": "²"},
    {"review": None}, {"mode": None}, {"title": None}, {"pass_percent": None},
    {"question_ids": None},
])
def test_odd_quiz_form_fields_get_a_form_answer(client, auth, users, sample_questions, changes):
    auth.login("trainer")
    form = {**QUIZ, "question_ids": str(sample_questions[0]), **changes}
    resp = auth.post("/quizzes/new", data={k: v for k, v in form.items() if v is not None})
    assert resp.status_code in (302, 422)


def test_full_width_question_numbers_are_read(app, client, auth, users, sample_questions):
    auth.login("trainer")
    number = str(sample_questions[0]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert auth.post("/quizzes/new", data={**QUIZ, "question_ids": number}).status_code == 302


def test_points_that_are_not_a_number_say_so(client, auth, users):
    auth.login("trainer")
    resp = auth.post("/bank/new", data={**FORM, "points": "sNaN"})
    assert resp.status_code == 422 and "请输入数字" in resp.get_data(as_text=True)


def test_the_question_page_shows_every_feedback_and_the_text_format(app, client, auth, users,
                                                                   make_question):
    short = make_question(parse_gift("报警？{=110#对，报警打110 =一一零}")[0][0])
    number = make_question(parse_gift("几天？{#7#对 ~#一周七天}")[0][0])
    plain = make_question(parse_csv("题型,题干,答案\n判断,天是蓝的,对\n".encode())[0][0])
    auth.login("trainer")
    assert "对，报警打110" in client.get(f"/bank/{short}").get_data(as_text=True)
    assert "一周七天" in client.get(f"/bank/{number}").get_data(as_text=True)
    assert "纯文本" in client.get(f"/bank/{plain}").get_data(as_text=True)
