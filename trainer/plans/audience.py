"""A session's audience: parsing {"street"|"communities"|"grids"|"users": ...}, members, sizes."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from trainer.auth.models import User
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.plans.models import AUDIENCE_KINDS, SessionAudience, TrainingSession
from trainer.plans.queries import audience_clause

LEVEL_OF_KIND = {"street": "street", "communities": "community", "grids": "grid"}


def _bad(message: str) -> Invalid:
    return Invalid(message, field="audience")


def _codes(value, kind: str) -> list[str]:
    items = [value] if kind == "street" and isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise _bad(_("The audience lists codes or usernames as text."))
    items = list(dict.fromkeys(i.strip() for i in items))
    if not items:
        raise _bad(_("Choose at least one community, grid or person for the audience."))
    if len(items) > 500:
        raise _bad(_("The audience lists too many entries."))
    return items


def parse_audience(data, street: Unit) -> tuple[str, list[Unit | User]]:
    """Validate an audience for a session of ``street``: its kind and units or people."""
    if not isinstance(data, dict) or len(data) != 1 or next(iter(data)) not in AUDIENCE_KINDS:
        raise _bad(_("The audience must be one of: street, communities, grids or users."))
    kind, value = next(iter(data.items()))
    codes = _codes(value, kind)
    if kind == "users":
        return kind, [_member(name, street) for name in codes]
    if kind == "street" and len(codes) != 1:
        raise _bad(_("The audience names one street."))
    return kind, [_unit(code, LEVEL_OF_KIND[kind], street) for code in codes]


def _unit(code: str, level: str, street: Unit) -> Unit:
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
    if unit is None or not unit.active:
        raise _bad(_("Unknown unit code “%(code)s”.", code=code))
    if unit.street_id != street.id:
        raise _bad(_("“%(code)s” belongs to another street: a session is for its own "
                     "street's people only.", code=code))
    if unit.level != level:
        raise _bad(_("“%(code)s” is not at the level this audience needs.", code=code))
    return unit


def _member(username: str, street: Unit) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username, User.active))
    if user is None:
        raise _bad(_("Unknown user “%(name)s”.", name=username))
    if user.unit is None or user.unit.street_id != street.id:
        raise _bad(_("“%(name)s” belongs to another street: a session is for its own "
                     "street's people only.", name=username))
    return user


def set_audience(session: TrainingSession, kind: str, members: list) -> None:
    """Replace the session's audience rows."""
    session.audience_kind = kind
    session.audience.clear()
    for member in members:
        if isinstance(member, Unit):
            session.audience.append(SessionAudience(unit_id=member.id))
        else:
            session.audience.append(SessionAudience(user_id=member.id))


def audience_json(session: TrainingSession) -> dict:
    """The audience as the API takes it: {"street": CODE} or {kind: [CODE or username]}."""
    if session.audience_kind == "users":
        return {"users": [row.user.username for row in session.audience if row.user]}
    codes = [row.unit.code for row in session.audience if row.unit]
    if session.audience_kind == "street":
        return {"street": codes[0] if codes else None}
    return {session.audience_kind: codes}


def audience_labels(session: TrainingSession) -> list[str]:
    """Names of the audience's units or people, for pages and exports."""
    return [row.unit.name if row.unit else row.user.name for row in session.audience]


def is_in_audience(session: TrainingSession, user) -> bool:
    stmt = sa.select(TrainingSession.id).where(TrainingSession.id == session.id,
                                               audience_clause(user))
    return db.session.scalar(stmt) is not None


def _member_rows(session_ids: list[int]) -> sa.Select:
    """(session id, user id) of every audience member: workers under units, named people."""
    target = aliased(Unit)
    by_unit = (
        sa.select(SessionAudience.session_id.label("session_id"), User.id.label("user_id"))
        .join(target, target.id == SessionAudience.unit_id)
        .join(Unit, Unit.path.startswith(target.path))
        .join(User, User.unit_id == Unit.id)
        .where(SessionAudience.session_id.in_(session_ids), User.role == "worker", User.active)
    )
    named = sa.select(SessionAudience.session_id, SessionAudience.user_id).where(
        SessionAudience.session_id.in_(session_ids), SessionAudience.user_id.is_not(None))
    return sa.union(by_unit, named)


def audience_sizes(session_ids: list[int]) -> dict[int, int]:
    """How many people each session is for, in one query."""
    if not session_ids:
        return {}
    rows = _member_rows(session_ids).subquery()
    stmt = sa.select(rows.c.session_id, sa.func.count()).group_by(rows.c.session_id)
    return dict(db.session.execute(stmt).all())


def members_query(session: TrainingSession) -> sa.Select:
    """The people a session is for, by name (the roll call's list)."""
    rows = _member_rows([session.id]).subquery()
    return sa.select(User).where(User.id.in_(sa.select(rows.c.user_id))).order_by(
        User.name, User.username)


def member_pairs(session_ids: list[int]) -> list[tuple[int, int]]:
    """(session id, user id) of every audience member of these sessions, in one query."""
    if not session_ids:
        return []
    return [(s, u) for s, u in db.session.execute(_member_rows(session_ids))]
