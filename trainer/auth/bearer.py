"""The bearer caller of a hot API read, in one Core statement.

``user_for_token`` (Flask-Login's request loader) loads the caller as a ``User`` with its
unit and department: three mapped objects through the ORM on every API request. A hot
read that needs only who the caller is (the catalogue, ``/api/v1/me``) asks ``caller()``
instead: the same rule for a valid token (trainer.auth.services.valid_token_clauses: not
revoked, not expired, the account active, its session version current, no initial
password to change), checked in one Core statement that also returns the few columns
of the account, its unit, its street and its department the request uses, as plain
values.

Nothing outlives the request: the answer is kept on ``flask.g`` only, so the very next
request checks the token again (a revoked or expired token, a deactivated account, a
bumped session version or an initial password still fails at once). A view that needs
the account itself (to write it, or for rules written for ``User``) uses
``current_user`` as before, which Flask-Login loads by the same rule.
"""

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask import g, request

from trainer.database import read_connection
from trainer.models import utcnow


@dataclass(frozen=True, slots=True)
class Named:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class CallerUnit:
    id: int
    code: str
    name: str
    level: str
    street_id: int | None
    district_id: int | None


@dataclass(frozen=True, slots=True)
class Caller:
    """The holder of a valid bearer token, as the hot reads see them."""

    id: int
    username: str
    name: str
    role: str
    unit: CallerUnit | None
    street: Named | None  # the unit's street (the unit itself for a street)
    department: Named | None

    @property
    def street_id(self) -> int | None:
        """org.scope.unit_street_id of the caller's unit (None for a district or city)."""
        if self.unit is None or self.unit.level in ("city", "district"):
            return None
        return self.unit.street_id


_MISSING = object()


def caller() -> Caller | None:
    """The holder of the request's valid bearer token (``/api/`` only), or None; one
    statement, asked at most once per request."""
    found = g.get("_bearer_caller", _MISSING)
    if found is _MISSING:
        found = g._bearer_caller = _load()
    return found


def _load() -> Caller | None:
    from trainer.auth.services import bearer_digest

    if not request.path.startswith("/api/"):
        return None
    digest = bearer_digest(request.headers.get("Authorization", ""))
    if digest is None:
        return None
    row = read_connection().execute(_statement(),
                                          {"digest": digest, "now": utcnow()}).first()
    if row is None:
        return None
    (uid, username, name, role, unit_id, unit_code, unit_name, level, street_id,
     district_id, street_code, street_name, dept_code, dept_name) = row
    return Caller(
        id=uid, username=username, name=name, role=role,
        unit=None if unit_id is None else CallerUnit(unit_id, unit_code, unit_name, level,
                                                     street_id, district_id),
        street=None if street_code is None else Named(street_code, street_name),
        department=None if dept_code is None else Named(dept_code, dept_name))


@cache
def _statement() -> sa.Select:
    """SELECT the caller's columns FROM the valid token JOIN its user, its unit, the
    unit's street and its department (outer joins: any may be missing). Built once."""
    from trainer.auth.models import ApiToken, User
    from trainer.auth.services import valid_token_clauses
    from trainer.org.models import Department, Unit

    tokens, users = ApiToken.__table__, User.__table__
    unit = Unit.__table__.alias("caller_unit")
    street = Unit.__table__.alias("caller_street")
    dept = Department.__table__
    return (sa.select(users.c.id, users.c.username, users.c.name, users.c.role,
                      unit.c.id, unit.c.code, unit.c.name, unit.c.level, unit.c.street_id,
                      unit.c.district_id, street.c.code, street.c.name,
                      dept.c.code, dept.c.name)
            .select_from(tokens.join(users, users.c.id == tokens.c.user_id)
                         .outerjoin(unit, unit.c.id == users.c.unit_id)
                         .outerjoin(street, street.c.id == unit.c.street_id)
                         .outerjoin(dept, dept.c.id == users.c.department_id))
            .where(*valid_token_clauses()))
