"""Checking one field of a JSON body: each problem raises ``Invalid`` naming the field
(``rounds[1].weight``). No database here."""

from datetime import datetime

from flask_babel import gettext as _

from trainer.errors import Invalid

FIRST_YEAR, LAST_YEAR = 2000, 2100


def bad(name: str, message: str | None = None) -> Invalid:
    return Invalid(message or _("Field “%(name)s” is not valid.", name=name), field=name)


def text(data: dict, name: str, *, required: bool = True, limit: int = 120,
         prefix: str = "") -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise bad(prefix + name, _("Field “%(name)s” is required.", name=prefix + name))
        return None
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise bad(prefix + name)
    return value.strip()


def integer(data: dict, name: str, *, required: bool = False, low: int = 0,
            high: int = 10**6, prefix: str = "") -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise bad(prefix + name, _("Field “%(name)s” is required.", name=prefix + name))
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad(prefix + name)
    return value


def moment(data: dict, name: str, *, required: bool = True, prefix: str = "") -> datetime | None:
    """An ISO 8601 time with its offset (a time without one is refused)."""
    value = data.get(name)
    if value is None:
        if required:
            raise bad(prefix + name, _("Field “%(name)s” is required.", name=prefix + name))
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise bad(prefix + name, _("Field “%(name)s” must be a time in ISO 8601 with its "
                                   "offset.", name=prefix + name))
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:  # before any UTC arithmetic can overflow
        raise bad(prefix + name, _("Field “%(name)s” must be a time between the years "
                                   "%(first)s and %(last)s.", name=prefix + name,
                                   first=FIRST_YEAR, last=LAST_YEAR))
    return parsed


def choice(data: dict, name: str, options: tuple, default=None, prefix: str = ""):
    value = data.get(name, default)
    if value is None and default is None:
        return None
    if value not in options:
        raise bad(prefix + name)
    return value
