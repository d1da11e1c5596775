"""The per-process cache of question snapshots (drawing._SNAPSHOTS): an attempt's questions
are what the stored rows say at its start, whatever the cache held before, and no two
attempts (nor the cache) share an object."""

import json

import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.quizzes import drawing
from trainer.quizzes.bank import question_data
from trainer.quizzes.items import KEYS, Option, QuestionData, to_dict
from trainer.quizzes.models import Question

from .conftest import SAMPLE


def _built_from_the_row(question: Question) -> dict:
    """The entry as the snapshot was made before the cache (options in their own order)."""
    data = question_data(question)
    pairs = list(zip(data.options, question.options_html or [], strict=False))
    origin = [option.key for option, _html in pairs]
    for key, (option, _html) in zip(KEYS, pairs, strict=False):
        option.key = key
    data.options = [option for option, _html in pairs]
    return {"id": question.id, "version": question.version, "points": question.points,
            "html": question.stem_html, "options_html": [html for _o, html in pairs],
            "explanation_html": question.explanation_html, "data": to_dict(data),
            "origin": origin}


def _as_stored(value):
    return json.loads(json.dumps(value, ensure_ascii=False))


def test_a_cached_snapshot_equals_one_built_from_the_rows(app, sample_questions):
    with app_ctx(app):
        drawing._SNAPSHOTS.clear()
        cold = drawing.snapshot(sample_questions, shuffle_options=False)
        warm = drawing.snapshot(sample_questions, shuffle_options=False)
        rows = {q.id: q for q in db.session.scalars(sa.select(Question))}
        expected = [_as_stored(_built_from_the_row(rows[i])) for i in sample_questions]
        assert cold == expected and warm == expected
        assert len(drawing._SNAPSHOTS) == len(sample_questions)


def test_an_edited_question_is_read_again(app, make_question):
    from trainer.quizzes import bank

    qid = make_question(QuestionData("single", "旧题干", options=[
        Option("A", "旧甲", 1.0), Option("B", "旧乙", 0.0)]))
    with app_ctx(app):
        assert drawing.snapshot([qid], shuffle_options=False)[0]["data"]["stem"] == "旧题干"
        question = db.session.get(Question, qid)
        bank.update_question(question, QuestionData("single", "新题干", options=[
            Option("A", "新甲", 0.0), Option("B", "新乙", 1.0)]))
        db.session.commit()
        entry = drawing.snapshot([qid], shuffle_options=False)[0]
        assert entry["data"]["stem"] == "新题干" and entry["version"] == 2
        assert [o["text"] for o in entry["data"]["options"]] == ["新甲", "新乙"]
        assert [o["fraction"] for o in entry["data"]["options"]] == [0.0, 1.0]
        # a change written past the ORM's content path (another process, a script): the
        # row's updated_at moves, so the cached entry is not used either
        db.session.execute(sa.update(Question).where(Question.id == qid)
                           .values(stem_html="<p>改过</p>"))
        db.session.commit()
        assert drawing.snapshot([qid], shuffle_options=False)[0]["html"] == "<p>改过</p>"


def test_snapshots_share_no_object_with_each_other_or_the_cache(app, sample_questions):
    with app_ctx(app):
        first = drawing.snapshot(sample_questions, shuffle_options=True)
        second = drawing.snapshot(sample_questions, shuffle_options=False)
        for entry in first:
            entry["data"]["options"].clear()
            entry["data"]["stem"] = "被改"
            entry["options_html"].append("x")
        third = drawing.snapshot(sample_questions, shuffle_options=False)
        assert third == second
        assert all(entry["data"]["stem"] != "被改" for entry in third)


def test_shuffled_options_keep_their_html_and_origin(app, make_question):
    qid = make_question(QuestionData("single", "选哪个", options=[
        Option(KEYS[n], f"选项{n}", 1.0 if n == 0 else 0.0) for n in range(6)]))
    with app_ctx(app):
        orders = set()
        for _ in range(20):
            entry = drawing.snapshot([qid], shuffle_options=True)[0]
            options = entry["data"]["options"]
            assert [o["key"] for o in options] == list(KEYS[:6])
            for option, html, origin in zip(options, entry["options_html"], entry["origin"],
                                            strict=True):
                assert html == option["text"] or option["text"] in html
                assert origin == KEYS[int(option["text"][2:])]
            orders.add(tuple(entry["origin"]))
        assert len(orders) > 1  # 20 draws of 6! orders: the same one every time is no shuffle


def test_a_fixed_quiz_skips_retired_questions(app, sample_questions, make_quiz):
    from trainer.quizzes.models import Quiz

    quiz_id = make_quiz(sample_questions)
    with app_ctx(app):
        db.session.get(Question, sample_questions[1]).status = "retired"
        db.session.commit()
        quiz = db.session.get(Quiz, quiz_id)
        entries = drawing.draw_snapshot(quiz)
        assert [e["id"] for e in entries] == [i for i in sample_questions
                                              if i != sample_questions[1]]
        assert len(SAMPLE) == len(sample_questions)
