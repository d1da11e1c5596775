"""JSON body fields: types are exact (a boolean is not a number, NaN is not a number)."""

import pytest

from trainer.api.core import field
from trainer.errors import Invalid


@pytest.mark.parametrize("value", [True, False, float("nan"), float("inf"), "2", [2]])
def test_a_number_field_refuses_what_is_not_a_finite_number(app, value):
    with app.test_request_context(), pytest.raises(Invalid) as caught:
        field({"hours": value}, "hours", (int, float))
    assert caught.value.extra["field"] == "hours"


@pytest.mark.parametrize("value", [0, 2, 1.5])
def test_a_number_field_takes_numbers(app, value):
    with app.test_request_context():
        assert field({"hours": value}, "hours", (int, float)) == value


def test_a_boolean_field_takes_booleans(app):
    with app.test_request_context():
        assert field({"flag": False}, "flag", bool) is False
