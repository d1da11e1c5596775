"""Form fields for typed numbers: the one rule of numbers.py (plain digits, full-width ones
folded), with no NaN, Infinity or exponent ever reaching a view."""

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField
from wtforms.validators import StopValidation

from trainer.numbers import plain_decimal, plain_int


class _SaysWhy:
    """Text that is no number stops validation with the field's own message, so that
    a DataRequired or NumberRange after it does not replace it."""

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        super().pre_validate(form)


class WholeNumberField(_SaysWhy, IntegerField):
    """An integer in plain digits (full-width ones too); nothing else reaches a view."""

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message or _l("Enter a whole number in digits, e.g. 30.")

    def process_formdata(self, valuelist):
        if not valuelist:
            return  # not posted: the default stays
        if not (valuelist[0] or "").strip():
            self.data = None
            return
        self.data = plain_int(valuelist[0])
        if self.data is None:
            raise ValueError(self.message)


class PlainDecimalField(_SaysWhy, DecimalField):
    """A finite decimal in plain digits such as 2 or 1.5 (full-width ones too)."""

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message or _l("Enter a number in digits, e.g. 2 or 1.5.")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        if not (valuelist[0] or "").strip():
            self.data = None
            return
        self.data = plain_decimal(valuelist[0])
        if self.data is None:
            raise ValueError(self.message)
