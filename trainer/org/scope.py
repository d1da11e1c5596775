"""Who sees what: a street is a tenant. Every list query goes through these helpers."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from trainer.extensions import db
from trainer.org.models import Unit


def ROLE_LABELS():  # noqa: N802 - a constant-like table, built lazily for translation
    return {"worker": _l("Grid worker"), "trainer": _l("Trainer"),
            "organiser": _l("Organiser"), "admin": _l("Administrator")}


def LEVEL_LABELS():  # noqa: N802
    return {"district": _l("District"), "street": _l("Street"), "community": _l("Community"),
            "grid": _l("Grid"), "small_grid": _l("Small grid"), "micro_grid": _l("Micro grid")}


def COMPETENCY_LABELS():  # noqa: N802
    return {"communication": _l("Communication"), "coordination": _l("Coordination"),
            "mediation": _l("Dispute mediation"), "information": _l("Information collection"),
            "public_opinion": _l("Public opinion response")}


def competency_label(code: str) -> str:
    return str(COMPETENCY_LABELS().get(code, code))


def unit_street_id(unit: Unit | None) -> int | None:
    """The street a unit lies in (itself for a street); None for the district or no unit.
    The one rule for "whose street"; unit_street_id_sql is the same rule in SQL."""
    if unit is None or unit.level == "district":
        return None
    return unit.street_id


def unit_street_id_sql(level, street_id):
    """unit_street_id as an SQL expression over a unit's ``level`` and ``street_id``
    columns, for statements that read the unit themselves (competitions/fastsql.py)."""
    return sa.case((level == "district", sa.null()), else_=street_id)


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
    return street_id_of(user) is None and user.role != "worker"


def in_scope(user, unit: Unit | None) -> bool:
    """True when ``unit`` lies inside the caller's scope."""
    if is_district_wide(user):
        return True
    return unit is not None and unit.street_id == street_id_of(user)


def units_query(user) -> sa.Select:
    """Units the caller may see, ordered by their place in the tree."""
    stmt = sa.select(Unit).order_by(Unit.path)
    street = street_id_of(user)
    if street is not None or user.role == "worker":
        stmt = stmt.where(Unit.street_id == street)
    return stmt


def users_query(user) -> sa.Select:
    """Accounts the caller may see: district-wide sees all; others their street's."""
    from trainer.auth.models import User

    stmt = sa.select(User).order_by(User.username)
    if not is_district_wide(user):
        stmt = stmt.join(Unit, User.unit_id == Unit.id).where(
            Unit.street_id == street_id_of(user)
        )
    return stmt


def can_author(user, item) -> bool:
    """The one rule for editing authored content (a course, a question, a scenario: any
    object with ``department_id`` and ``street_id``). Admins edit everything; a trainer
    edits their department's content, and a trainer limited to a street only that
    street's own content (district-wide content, the shipped library included, stays
    with district trainers and admins). ``authorable_clause`` is the same rule in SQL."""
    if user.role == "admin":
        return True
    if user.role != "trainer" or user.department_id is None:
        return False
    if item.department_id != user.department_id:
        return False
    street = street_id_of(user)
    return street is None or item.street_id == street


def authorable_clause(user, model):
    """``can_author`` as an SQL condition over ``model``'s columns."""
    if user.role == "admin":
        return sa.true()
    if user.role != "trainer" or user.department_id is None:
        return sa.false()
    street = street_id_of(user)
    return (model.department_id == user.department_id) & (
        sa.true() if street is None else model.street_id == street)
