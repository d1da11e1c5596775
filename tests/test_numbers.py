"""The one rule for typed numbers (trainer/numbers.py) and its form fields."""

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from trainer.numbers import plain_decimal, plain_int


@pytest.mark.parametrize("text,whole,number", [
    ("30", 30, Decimal("30")), ("３０", 30, Decimal("30")), ("－５", -5, Decimal("-5")),
    ("１．５", None, Decimal("1.5")), ("\u3000１２\u3000", 12, Decimal("12")),
    ("1５", 15, Decimal("15")),
    # not digits a person types as a number: refused, as before
    ("²", None, None), ("①", None, None), ("٣", None, None), ("1_000", None, None),
    ("NaN", None, None), ("ｎａｎ", None, None), ("1e3", None, None), ("１ｅ３", None, None),
    ("", None, None), (None, None, None),
])
def test_full_width_digits_are_numbers_and_nothing_else_is(text, whole, number):
    assert plain_int(text) == whole
    assert plain_decimal(text) == number


def test_the_plans_and_competitions_forms_share_the_rule(app):
    from trainer.competitions.forms import CompetitionForm, RoundForm
    from trainer.numberfields import PlainDecimalField, WholeNumberField
    from trainer.plans.forms import SessionForm

    assert SessionForm.capacity.field_class is WholeNumberField
    assert SessionForm.hours.field_class is PlainDecimalField
    assert CompetitionForm.team_size.field_class is WholeNumberField
    assert CompetitionForm.appeal_hours.field_class is PlainDecimalField
    assert RoundForm.weight.field_class is WholeNumberField
    with app.test_request_context():
        form = RoundForm(MultiDict({"title": "实操", "kind": "judged", "weight": "２０",
                                    "time_limit": "３０", "criteria": "沟通：１０"}), meta={
            "csrf": False})
        form.validate()
        assert not {"weight", "time_limit", "criteria"} & set(form.errors), form.errors
        body = form.body()
        # a judged round has no time limit (only the chosen kind's fields are saved)
        assert (body["weight"], body["time_limit"]) == (20, None)
        assert body["criteria"] == [{"name": "沟通", "max": 10}]
        form = RoundForm(MultiDict({"title": "测验", "kind": "scenario", "weight": "1",
                                    "time_limit": "３０"}), meta={"csrf": False})
        form.validate()
        assert "time_limit" not in form.errors and form.body()["time_limit"] == 30


def test_every_typed_number_of_every_form_follows_the_rule():
    import importlib
    import pkgutil

    from wtforms import DecimalField, FloatField, Form, IntegerField

    import trainer
    from trainer.numberfields import PlainDecimalField, WholeNumberField

    found = []
    for info in pkgutil.walk_packages(trainer.__path__, "trainer."):
        if not info.name.endswith("forms"):
            continue
        module = importlib.import_module(info.name)
        for form in vars(module).values():
            if not (isinstance(form, type) and issubclass(form, Form)):
                continue
            for name, field in vars(form).items():
                kind = getattr(field, "field_class", None)
                if isinstance(kind, type) and issubclass(
                        kind, IntegerField | DecimalField | FloatField):
                    found.append((f"{form.__name__}.{name}", kind))
    assert len(found) >= 20
    assert [n for n, kind in found if kind not in (WholeNumberField, PlainDecimalField)] == []


def test_a_quiz_and_a_question_take_full_width_numbers(app):
    from trainer.quizzes.forms import QuestionForm, QuizForm

    with app.test_request_context():
        quiz = QuizForm(MultiDict({"pass_percent": "８０", "time_limit": "３０"}),
                        meta={"csrf": False})
        question = QuestionForm(MultiDict({"points": "０．５"}), meta={"csrf": False})
        assert (quiz.pass_percent.data, quiz.time_limit.data) == (80, 30)
        assert question.points.data == Decimal("0.5")
        bad = QuestionForm(MultiDict({"points": "sNaN"}), meta={"csrf": False})
        bad.validate()
        assert [str(m) for m in bad.errors["points"]] == ["请输入数字，如 1 或 0.5。"]
