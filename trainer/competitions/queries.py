"""Who sees and manages which competition (a street is a tenant, and so is a district),
and lookups by id."""

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.competitions.models import Competition, Entry, Round, RoundJudge
from trainer.errors import Forbidden, NotFound
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.scope import district_clause, in_reach, is_district_wide, street_id_of

MANAGERS = ("organiser", "admin")


def can_manage(user, comp: Competition) -> bool:
    """Admins; district organisers their districts' contests; street organisers their
    street's."""
    if user.role == "admin":
        return True
    if user.role != "organiser":
        return False
    if is_district_wide(user):
        return in_reach(user, comp.district_id)
    return comp.street_id is not None and comp.street_id == street_id_of(user)


def can_create_in(user, street: Unit | None) -> bool:
    """An organiser creates contests in their scope (the district only district-wide)."""
    if user.role == "admin":
        return True
    if user.role == "organiser" and is_district_wide(user):
        return street is None or in_reach(user, street.district_id)
    return user.role == "organiser" and street is not None and street.id == street_id_of(user)


def _scope_clause(user):
    in_district = district_clause(user, Competition.district_id)
    if is_district_wide(user):
        return in_district
    return in_district & sa.or_(Competition.street_id.is_(None),
                                Competition.street_id == street_id_of(user))


def visible_competitions(user) -> sa.Select:
    """Contests in the caller's scope: drafts only for those who manage them."""
    stmt = sa.select(Competition).where(_scope_clause(user))
    if user.role == "admin" or (user.role == "organiser" and is_district_wide(user)):
        return stmt
    if user.role == "organiser":
        return stmt.where(sa.or_(Competition.status != "draft",
                                 Competition.street_id == street_id_of(user)))
    return stmt.where(Competition.status != "draft")


def get_competition(user, comp_id: int) -> Competition:
    """A contest the caller may see, or 404 (another street's looks like a missing one)."""
    comp = db.session.scalar(visible_competitions(user).where(Competition.id == comp_id))
    if comp is None:
        raise NotFound(_("No such competition."))
    return comp


def get_managed(user, comp_id: int) -> Competition:
    """A contest the caller manages: 404 when out of sight, 403 when only visible."""

    comp = get_competition(user, comp_id)
    if not can_manage(user, comp):
        raise Forbidden(_("Only the competition's organisers may do this."))
    return comp


def get_round(comp: Competition, n: int) -> Round:
    for rnd in comp.rounds:
        if rnd.n == n:
            return rnd
    raise NotFound(_("No such round."))


def entry_of(comp_id: int, user_id: int) -> Entry | None:
    return db.session.scalar(sa.select(Entry).where(Entry.competition_id == comp_id,
                                                    Entry.user_id == user_id))


def entered_ids(user_id: int, comp_ids: list[int]) -> set[int]:
    if not comp_ids:
        return set()
    return set(db.session.scalars(sa.select(Entry.competition_id).where(
        Entry.user_id == user_id, Entry.competition_id.in_(comp_ids))))


def community_of(unit: Unit | None) -> Unit | None:
    """The community a unit lies in (itself for a community), or None above that level."""
    if unit is None or unit.level in ("city", "district", "street"):
        return None
    if unit.level == "community":
        return unit
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return db.session.scalar(sa.select(Unit).where(Unit.id.in_(ids),
                                                   Unit.level == "community"))


def judge_round_ids(user_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(RoundJudge.round_id).where(
        RoundJudge.user_id == user_id)))
