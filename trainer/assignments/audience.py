"""An assignment's audience: parsing {streets, communities, grids, users}, its members in SQL.

A unit or person outside the organiser's scope gets the same answer as one that does not
exist (DESIGN.md): nobody learns by trying codes what another street holds."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from trainer.assignments.models import Assignment, AssignmentAudience
from trainer.auth.models import User
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.scope import in_scope

KEYS = ("streets", "communities", "grids", "users")
LEVEL_OF_KEY = {"streets": "street", "communities": "community", "grids": "grid"}
MAX_ENTRIES = 500


def _bad(message: str) -> Invalid:
    return Invalid(message, field="audience")


def _entries(value) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise _bad(_("The audience lists codes or usernames as text."))
    return list(dict.fromkeys(i.strip()[:60] for i in items))


def parse_audience(user, data) -> list[Unit | User]:
    """The units and people of an audience ``{streets, communities, grids, users}``, each
    in ``user``'s scope; 422 for anything unknown, out of scope or empty."""
    if not isinstance(data, dict) or set(data) - set(KEYS):
        raise _bad(_("The audience has the keys streets, communities, grids and users."))
    members: list[Unit | User] = []
    for key in KEYS:
        if data.get(key) is None:
            continue
        for entry in _entries(data[key]):
            members.append(_member(user, entry) if key == "users"
                           else _unit(user, entry, LEVEL_OF_KEY[key]))
    if not members:
        raise _bad(_("Choose at least one street, community, grid or person."))
    if len(members) > MAX_ENTRIES:
        raise _bad(_("The audience lists too many entries."))
    return members


def _unit(user, code: str, level: str) -> Unit:
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
    if unit is None or not unit.active or unit.level != level or not in_scope(user, unit):
        raise _bad(_("Unknown unit code “%(code)s”.", code=code))
    return unit


def _member(user, username: str) -> User:
    person = db.session.scalar(sa.select(User).where(User.username == username, User.active))
    if person is None or person.unit is None or not in_scope(user, person.unit):
        raise _bad(_("Unknown user “%(name)s”.", name=username))
    return person


def audience_key(members: list[Unit | User]) -> frozenset:
    return frozenset(("unit", m.id) if isinstance(m, Unit) else ("user", m.id) for m in members)


def rows_key(assignment: Assignment) -> frozenset:
    return frozenset(("unit", r.unit_id) if r.unit_id else ("user", r.user_id)
                     for r in assignment.audience)


def set_audience(assignment: Assignment, members: list[Unit | User]) -> None:
    assignment.audience.clear()
    for member in members:
        if isinstance(member, Unit):
            assignment.audience.append(AssignmentAudience(unit_id=member.id))
        else:
            assignment.audience.append(AssignmentAudience(user_id=member.id))


def audience_json(assignment: Assignment) -> dict:
    found: dict[str, list[str]] = {key: [] for key in KEYS}
    key_of_level = {v: k for k, v in LEVEL_OF_KEY.items()}
    for row in assignment.audience:
        if row.unit is not None:
            found[key_of_level.get(row.unit.level, "grids")].append(row.unit.code)
        elif row.user is not None:
            found["users"].append(row.user.username)
    return found


def audience_labels(assignment: Assignment) -> list[str]:
    return [row.unit.name if row.unit else row.user.name for row in assignment.audience
            if row.unit or row.user]


def ancestor_ids(user) -> list[int]:
    if user.unit is None:
        return []
    return [int(part) for part in user.unit.path.strip("/").split("/") if part]


def audience_clause(user):
    """SQL condition: the assignment's audience includes ``user`` (units count for grid
    workers under them, named people whatever their role)."""
    named = AssignmentAudience.user_id == user.id
    if user.role == "worker" and user.unit is not None:
        named = sa.or_(named, AssignmentAudience.unit_id.in_(ancestor_ids(user)))
    return sa.exists().where(AssignmentAudience.assignment_id == Assignment.id, named)


def member_rows(assignment_ids) -> sa.Select:
    """(assignment_id, user_id) of every member: active workers under the units, and the
    named people. ``assignment_ids``: a list or a subquery of ids."""
    target = aliased(Unit)
    by_unit = (
        sa.select(AssignmentAudience.assignment_id.label("assignment_id"),
                  User.id.label("user_id"))
        .join(target, target.id == AssignmentAudience.unit_id)
        .join(Unit, Unit.path.startswith(target.path))
        .join(User, User.unit_id == Unit.id)
        .where(AssignmentAudience.assignment_id.in_(assignment_ids), User.role == "worker",
               User.active)
    )
    named = (sa.select(AssignmentAudience.assignment_id, AssignmentAudience.user_id)
             .join(User, User.id == AssignmentAudience.user_id)
             .where(AssignmentAudience.assignment_id.in_(assignment_ids), User.active))
    return sa.union(by_unit, named)
