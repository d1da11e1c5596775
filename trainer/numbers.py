"""Numbers typed by people, one rule for every form: plain digits. Pure: no Flask, no DB.

``str.isdigit`` and ``int``/``Decimal``/``float`` accept much more than a person means to
type (superscripts, other scripts' digits, NaN, Infinity, exponents, underscores); these
helpers accept ASCII digits, after folding the full-width forms a Chinese input method
types (０-９, ．, －, ＋, the ideographic space) into ASCII by NFKC.
"""

import re
import unicodedata
from decimal import Decimal

_INT = re.compile(r"-?[0-9]{1,9}")
_DECIMAL = re.compile(r"-?[0-9]{1,6}(\.[0-9]{1,6})?")


def _fold(char: str) -> str:
    # only the full-width block and the ideographic space: NFKC would also turn ² or ①
    # into digits, which nobody types as a number
    if "\uff01" <= char <= "\uff5e" or char == "\u3000":
        return unicodedata.normalize("NFKC", char)
    return char


def plain_text(text: str | None) -> str:
    """``text`` with full-width forms folded to ASCII and trimmed."""
    return "".join(map(_fold, text or "")).strip()


def plain_int(text: str | None) -> int | None:
    """The integer written in ``text`` (at most nine digits), or None."""
    value = plain_text(text)
    return int(value) if value.isascii() and _INT.fullmatch(value) else None


def plain_decimal(text: str | None) -> Decimal | None:
    """The finite decimal written in ``text`` (like 2 or 1.5, no exponent), or None."""
    value = plain_text(text)
    return Decimal(value) if value.isascii() and _DECIMAL.fullmatch(value) else None
