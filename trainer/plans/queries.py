"""Read helpers returning Select objects, and who may do what. Scope: a street is a tenant,
and so is a district (a plan lies in its street's district)."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.scope import in_scope, is_district_wide, street_id_of, streets_in_reach
from trainer.plans.models import Plan, SessionAudience, TrainingSession


def plans_query(user) -> sa.Select:
    """Plans the caller may see: staff in scope; workers their street's approved plans.

    A scheduled session is a real appointment whatever its plan's status, so its audience
    sees it and signs in to it (``audience_sessions``); only the plan's priorities wait
    for approval before workers see them.
    """
    stmt = sa.select(Plan).join(Unit, Plan.street_id == Unit.id)
    if user.role == "worker":
        return stmt.where(Plan.street_id == street_id_of(user), Plan.status == "approved")
    if not is_district_wide(user):
        return stmt.where(Plan.street_id == street_id_of(user))
    return stmt.where(Plan.street_id.in_(streets_in_reach(user)))


def scoped_sessions(user) -> sa.Select:
    """Sessions of plans in the caller's scope (for workers: their street)."""
    stmt = sa.select(TrainingSession).join(Plan, TrainingSession.plan_id == Plan.id)
    if not is_district_wide(user):
        return stmt.where(Plan.street_id == street_id_of(user))
    return stmt.where(Plan.street_id.in_(streets_in_reach(user)))


def _ancestor_ids(user) -> list[int]:
    if user.unit is None:
        return []
    return [int(part) for part in user.unit.path.strip("/").split("/") if part]


def audience_clause(user):
    """SQL condition: the session's audience includes ``user``.

    Units (street, community, grid) count for grid workers under them; named people
    count whatever their role.
    """
    named = SessionAudience.user_id == user.id
    if user.role == "worker" and user.unit is not None:
        named = sa.or_(named, SessionAudience.unit_id.in_(_ancestor_ids(user)))
    return sa.exists().where(SessionAudience.session_id == TrainingSession.id, named)


def audience_sessions(user) -> sa.Select:
    return sa.select(TrainingSession).where(audience_clause(user))


def api_sessions(user) -> sa.Select:
    """The API's "my sessions": a worker's own, everyone else's scope."""
    return audience_sessions(user) if user.role == "worker" else scoped_sessions(user)


def personal_sessions(user) -> sa.Select:
    """A person's own calendar: sessions for them, sessions they teach; an organiser's scope."""
    if user.role in ("organiser", "admin"):
        return scoped_sessions(user)
    return sa.select(TrainingSession).where(
        sa.or_(audience_clause(user), TrainingSession.lecturer_id == user.id))


def visible_sessions(user) -> sa.Select:
    """Sessions whose page the caller may open: staff in scope, the audience, the lecturer."""
    if user.role == "worker":
        return audience_sessions(user)
    stmt = scoped_sessions(user)
    if user.role == "trainer":
        return sa.select(TrainingSession).where(sa.or_(
            TrainingSession.id.in_(stmt.with_only_columns(TrainingSession.id)),
            TrainingSession.lecturer_id == user.id, audience_clause(user)))
    return stmt


def streets_in_scope(user) -> list[Unit]:
    """Active streets the caller may see, by code."""
    stmt = sa.select(Unit).where(Unit.level == "street", Unit.active).order_by(Unit.code)
    if not is_district_wide(user):
        stmt = stmt.where(Unit.id == street_id_of(user))
    else:
        stmt = stmt.where(Unit.id.in_(streets_in_reach(user)))
    return list(db.session.scalars(stmt))


def can_create_plan(user, street: Unit | None) -> bool:
    return user.role == "organiser" and street is not None and in_scope(user, street)


def can_edit_plan(user, plan: Plan) -> bool:
    return user.role == "organiser" and in_scope(user, plan.street)


def can_review_plan(user) -> bool:
    """Approving or returning a plan is for district organisers."""
    return user.role == "organiser" and street_id_of(user) is None


def can_schedule(user, plan: Plan) -> bool:
    return user.role in ("organiser", "trainer") and in_scope(user, plan.street)


def can_edit_session(user, session: TrainingSession) -> bool:
    if user.role == "organiser":
        return in_scope(user, session.plan.street)
    return user.role == "trainer" and in_scope(user, session.plan.street) and (
        user.id in (session.lecturer_id, session.created_by_id))


def can_run_signin(user, session: TrainingSession) -> bool:
    """The QR screen, the rotating code and the roll call: the lecturer or an organiser."""
    if user.role == "organiser":
        return in_scope(user, session.plan.street)
    return session.lecturer_id is not None and session.lecturer_id == user.id


def can_see_compliance(user) -> bool:
    return user.role in ("organiser", "admin")
