"""Who sees what: a street is a tenant, and so is a district. Every list query goes
through these helpers.

A user's reach: an admin sees everything; a city organiser (unit level ``city``) every
district under the city; anyone else at most their own district ("district-wide": a
district's organisers and trainers with no street limit); a street's people their street.
Objects carry their street (None: the whole district) and, where a district-wide object
exists, their district (``district_id``); courses and scenarios with no district are the
shipped library, read by every district."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from trainer.extensions import db
from trainer.org.models import Unit


def ROLE_LABELS():  # noqa: N802 - a constant-like table, built lazily for translation
    return {"worker": _l("Grid worker"), "trainer": _l("Trainer"),
            "organiser": _l("Organiser"), "admin": _l("Administrator")}


def LEVEL_LABELS():  # noqa: N802
    return {"city": _l("City"), "district": _l("District"), "street": _l("Street"),
            "community": _l("Community"),
            "grid": _l("Grid"), "small_grid": _l("Small grid"), "micro_grid": _l("Micro grid")}


def COMPETENCY_LABELS():  # noqa: N802
    return {"communication": _l("Communication"), "coordination": _l("Coordination"),
            "mediation": _l("Dispute mediation"), "information": _l("Information collection"),
            "public_opinion": _l("Public opinion response")}


def competency_label(code: str) -> str:
    return str(COMPETENCY_LABELS().get(code, code))


def unit_street_id(unit: Unit | None) -> int | None:
    """The street a unit lies in (itself for a street); None for a district, a city or no
    unit. The one rule for "whose street"; unit_street_id_sql is the same rule in SQL."""
    if unit is None or unit.level in ("city", "district"):
        return None
    return unit.street_id


def unit_street_id_sql(level, street_id):
    """unit_street_id as an SQL expression over a unit's ``level`` and ``street_id``
    columns, for statements that read the unit themselves (competitions/fastsql.py)."""
    return sa.case((level.in_(("city", "district")), sa.null()), else_=street_id)


def district_id_of(user) -> int | None:
    """The district a user belongs to (None: an admin, a city organiser, no unit)."""
    if user.role == "admin" or user.unit is None:
        return None
    return user.unit.district_id


def district_ids_of(user) -> list[int] | None:
    """The districts within the user's reach: None for everything (admins); a city's
    districts for a city organiser; else the user's own district (none without a unit)."""
    if user.role == "admin":
        return None
    unit = user.unit
    if unit is None:
        return []
    if unit.level == "city":
        return list(db.session.scalars(sa.select(Unit.id).where(
            Unit.level == "district", Unit.path.startswith(unit.path))))
    return [unit.district_id] if unit.district_id is not None else []


def district_clause(user, column, *, library: bool = False):
    """SQL condition: ``column`` (a district id) is within the user's reach; with
    ``library``, a NULL district (the shipped library, read by every district) too."""
    reach = district_ids_of(user)
    if reach is None:
        return sa.true()
    inside = column.in_(reach)
    return sa.or_(column.is_(None), inside) if library else inside


def in_reach(user, district_id: int | None, *, library: bool = False) -> bool:
    """``district_clause`` for one object's district."""
    reach = district_ids_of(user)
    if reach is None:
        return True
    return (library and district_id is None) or district_id in reach


def district_for(user, street: Unit | None) -> int | None:
    """The district an object made by ``user`` for ``street`` (None: a whole district)
    belongs to: the street's; else the user's own; for an admin or a city organiser the
    only district in reach (None when there are several: the caller names a street)."""
    if street is not None:
        return street.district_id
    own = district_id_of(user)
    if own is not None:
        return own
    stmt = sa.select(Unit.id).where(Unit.level == "district",
                                    district_clause(user, Unit.id)).limit(2)
    found = db.session.scalars(stmt).all()
    return found[0] if len(found) == 1 else None


def streets_in_reach(user) -> sa.Select:
    """Ids of the streets in the districts within the user's reach."""
    return sa.select(Unit.id).where(Unit.level == "street",
                                    district_clause(user, Unit.district_id))


def street_id_of(user) -> int | None:
    """The street a user is confined to, or None for district-wide users."""
    return None if user.role == "admin" else unit_street_id(user.unit)


def street_by_code(code: str | None, *, active_only: bool = False) -> Unit | None:
    """The street with this code (trimmed), or None; with ``active_only``, an active one."""
    code = (code or "").strip()[:40]
    if not code:
        return None
    stmt = sa.select(Unit).where(Unit.code == code, Unit.level == "street")
    return db.session.scalar(stmt.where(Unit.active) if active_only else stmt)


def is_district_wide(user) -> bool:
    """Not confined to a street: admins, and organisers and trainers of a district (or a
    city). They still see only the districts within their reach (``district_ids_of``)."""
    return street_id_of(user) is None and user.role != "worker"


def in_scope(user, unit: Unit | None) -> bool:
    """True when ``unit`` lies inside the caller's scope."""
    if user.role == "admin":
        return True
    if is_district_wide(user):
        return unit is not None and in_reach(user, unit.district_id)
    return unit is not None and unit.street_id == street_id_of(user)


def units_query(user) -> sa.Select:
    """Units the caller may see, ordered by their place in the tree."""
    stmt = sa.select(Unit).order_by(Unit.path)
    street = street_id_of(user)
    if street is not None or user.role == "worker":
        return stmt.where(Unit.street_id == street)
    if user.role != "admin" and user.unit is not None and user.unit.level == "city":
        return stmt.where(Unit.path.startswith(user.unit.path))
    return stmt.where(district_clause(user, Unit.district_id))


def users_query(user) -> sa.Select:
    """Accounts the caller may see: admins all; district-wide staff their districts';
    others their street's."""
    from trainer.auth.models import User

    stmt = sa.select(User).order_by(User.username)
    if user.role == "admin":
        return stmt
    stmt = stmt.join(Unit, User.unit_id == Unit.id)
    if not is_district_wide(user):
        return stmt.where(Unit.street_id == street_id_of(user))
    return stmt.where(district_clause(user, Unit.district_id))


def can_author(user, item) -> bool:
    """The one rule for editing authored content (a course, a question, a scenario: any
    object with ``department_id`` and ``street_id``). Admins edit everything; a trainer
    edits their department's content, and a trainer limited to a street only that
    street's own content (district-wide content, the shipped library included, stays
    with district trainers and admins). A district trainer edits the shipped library (no
    district) and their district's content, never another district's.
    ``authorable_clause`` is the same rule in SQL."""
    if user.role == "admin":
        return True
    if user.role != "trainer" or user.department_id is None:
        return False
    if item.department_id != user.department_id:
        return False
    street = street_id_of(user)
    if street is not None:
        return item.street_id == street
    return in_reach(user, item.district_id, library=True)


def authorable_clause(user, model):
    """``can_author`` as an SQL condition over ``model``'s columns."""
    if user.role == "admin":
        return sa.true()
    if user.role != "trainer" or user.department_id is None:
        return sa.false()
    street = street_id_of(user)
    return (model.department_id == user.department_id) & (
        district_clause(user, model.district_id, library=True) if street is None
        else model.street_id == street)
