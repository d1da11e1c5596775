"""A fixed quiz's questions are ticked in a list grouped by department (by its Chinese
name), never typed as numbers; an unchanged edit keeps the quiz's order; a number that is
no usable question is a Chinese error and nothing is saved."""

import re

import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.test_quiz_admin import BASE
from trainer.extensions import db
from trainer.quizzes.models import Question, Quiz


def _department(app, question_id: int, code: str) -> str:
    from trainer.org.models import Department

    with app_ctx(app):
        dept = db.session.scalar(sa.select(Department).where(Department.code == code))
        db.session.get(Question, question_id).department_id = dept.id
        db.session.commit()
        return dept.name


def _items(app, quiz_id: int) -> list[int]:
    with app_ctx(app):
        return [i.question_id for i in db.session.get(Quiz, quiz_id).items]


def test_questions_are_ticked_from_a_list_grouped_by_department(app, client, auth, users,
                                                                 sample_questions):
    police = _department(app, sample_questions[2], "public-security")
    auth.login("trainer")
    page = client.get("/quizzes/new").get_data(as_text=True)
    picker = page.split('id="question_ids-picker"', 1)[1].split("</details>", 1)[0]
    assert re.search(rf'data-name="{police}".*name="question_ids" value="{sample_questions[2]}"',
                     picker, re.S)
    assert 'id="question_ids-filter"' in picker and "public-security" not in page
    assert '<input type="text" id="question_ids"' not in page  # nothing typed
    # ticked boxes (one value each), in the list's order
    resp = auth.post("/quizzes/new", data={**BASE, "question_ids": [
        str(sample_questions[0]), str(sample_questions[2])]})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    with app_ctx(app):
        quiz_id = db.session.scalar(sa.select(Quiz.id))
    assert _items(app, quiz_id) == [sample_questions[0], sample_questions[2]]


def test_an_unchanged_edit_keeps_the_order_and_new_ones_come_last(app, client, auth, users,
                                                                   make_quiz, sample_questions):
    from tests.competitions.test_form_fidelity import _form

    quiz_id = make_quiz([sample_questions[3], sample_questions[1]], title="顺序测验")
    auth.login("admin")
    html = client.get(f"/quizzes/{quiz_id}/edit").get_data(as_text=True)
    data = _form(html.replace('<form method="post" novalidate class="card"',
                              '<form method="post" novalidate'))
    # the list shows them by department and title, whatever the quiz's order
    assert sorted(data["question_ids"]) == sorted([str(sample_questions[1]),
                                                   str(sample_questions[3])])
    data["question_ids"] = [str(sample_questions[1]), str(sample_questions[3])]
    assert auth.post(f"/quizzes/{quiz_id}/edit", data=data).status_code == 302
    assert _items(app, quiz_id) == [sample_questions[3], sample_questions[1]]
    data["question_ids"] = [str(sample_questions[0]), *data["question_ids"]]
    assert auth.post(f"/quizzes/{quiz_id}/edit", data=data).status_code == 302
    assert _items(app, quiz_id) == [sample_questions[3], sample_questions[1], sample_questions[0]]


def test_an_unknown_question_is_a_chinese_error_and_nothing_is_saved(app, client, auth, users,
                                                                    sample_questions):
    auth.login("trainer")
    resp = auth.post("/quizzes/new", data={**BASE, "question_ids": [
        str(sample_questions[0]), "999999"]})
    assert resp.status_code == 422
    assert "999999" in resp.get_data(as_text=True)
    assert re.search(r'role="alert">[^<]*[\u4e00-\u9fff]', resp.get_data(as_text=True))
    with app_ctx(app):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 0
