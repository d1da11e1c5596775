"""Numbers typed by people: plain digits only. Pure: no Flask, no DB.

``str.isdigit`` and ``int``/``Decimal`` accept much more than a person means to type
(superscripts, other scripts' digits, NaN, Infinity, exponents); these helpers accept
ASCII digits, after turning full-width ones (common on Chinese keyboards) into ASCII.
"""

import re
from decimal import Decimal

_INT = re.compile(r"-?[0-9]{1,9}")
_DECIMAL = re.compile(r"-?[0-9]{1,6}(\.[0-9]{1,6})?")
# Full-width digits, full stop and minus, as a Chinese input method types them.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def _plain(text: str | None) -> str:
    return (text or "").translate(_FULL_WIDTH).strip()


def plain_int(text: str | None) -> int | None:
    """The integer written in ``text`` (at most nine digits), or None."""
    value = _plain(text)
    return int(value) if value.isascii() and _INT.fullmatch(value) else None


def plain_decimal(text: str | None) -> Decimal | None:
    """The finite decimal written in ``text`` (like 2 or 1.5, no exponent), or None."""
    value = _plain(text)
    return Decimal(value) if value.isascii() and _DECIMAL.fullmatch(value) else None
