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
        assert (body["weight"], body["time_limit"]) == (20, 30)
        assert body["criteria"] == [{"name": "沟通", "max": 10}]
