"""What the competition pages show: read-only view models built from the services."""

from dataclasses import dataclass

import sqlalchemy as sa

from trainer.competitions import appeals, eligibility, phases, publishing
from trainer.competitions.models import Competition, Round, RoundResult
from trainer.competitions.queries import (
    can_manage,
    entered_ids,
    entry_of,
    judge_round_ids,
    visible_competitions,
)
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Unit


@dataclass
class RoundView:
    round: Round
    status: str
    result: RoundResult | None = None
    appeal: object = None
    may_appeal: bool = False
    appeal_until: object = None
    is_judge: bool = False


def index_items(user) -> list[dict]:
    """The competitions in the caller's scope, newest first, with their state for them."""
    comps = list(db.session.scalars(visible_competitions(user)
                                    .order_by(Competition.starts_at.desc(), Competition.id)))
    now = utcnow()
    mine = entered_ids(user.id, [c.id for c in comps])
    return [{"comp": c, "status": phases.competition_status(c, now), "entered": c.id in mine,
             "manage": can_manage(user, c)} for c in comps]


def detail(user, comp: Competition) -> dict:
    now = utcnow()
    entry = entry_of(comp.id, user.id)
    results = {}
    mine_appeals = {}
    if entry is not None:
        results = {r.round_id: r for r in db.session.scalars(
            sa.select(RoundResult).where(RoundResult.entry_id == entry.id))}
        mine_appeals = appeals.my_appeals(entry.id)
    judging = judge_round_ids(user.id)
    rounds = []
    for rnd in comp.rounds:
        view = RoundView(rnd, phases.round_status(rnd, comp, now), results.get(rnd.id),
                         mine_appeals.get(rnd.id), is_judge=rnd.id in judging)
        view.may_appeal = entry is not None and phases.may_appeal(rnd, comp, now)
        view.appeal_until = phases.appeal_deadline(rnd, comp, now)
        rounds.append(view)
    checks = eligibility.check_rules(user, comp.eligibility) if user.role == "worker" else []
    return {
        "comp": comp, "status": phases.competition_status(comp, now), "entry": entry,
        "rounds": rounds, "checks": checks, "eligible": all(c.met for c in checks),
        "can_enter": user.role == "worker" and entry is None
        and phases.accepts_entries(comp, now),
        "manage": can_manage(user, comp), "frozen": phases.is_frozen(comp, now),
        "honours": publishing.honours_of(comp.id) if comp.status == "published" else [],
    }


def streets_of(comp: Competition) -> list:
    """The streets of the contest's district, for one table per street beside a district
    contest's overall table (none for a street contest)."""

    if comp.street_id is not None:
        return []
    return list(db.session.scalars(sa.select(Unit).where(Unit.level == "street",
                                                         Unit.district_id == comp.district_id,
                                                         Unit.active.is_(True))
                                   .order_by(Unit.code)))
