"""The competitions' reminders, to each entrant: a round opening within the next day (once
per round and opening time), and the results published (once per publication)."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from trainer.competitions.models import Competition, Entry, Round
from trainer.extensions import db
from trainer.notifications.services import notify

# Results published this long ago or less are announced (a missed run catches up).
PUBLISHED_WITHIN = timedelta(days=7)


def _entrants(comp_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    if comp_ids:
        stmt = sa.select(Entry.competition_id, Entry.user_id).where(
            Entry.competition_id.in_(comp_ids))
        for comp_id, user_id in db.session.execute(stmt):
            found.setdefault(comp_id, []).append(user_id)
    return found


def produce(now: datetime) -> int:
    created = 0
    rounds = db.session.execute(
        sa.select(Round, Competition).join(Competition, Competition.id == Round.competition_id)
        .where(Competition.status == "open", Round.closed_at.is_(None),
               Round.opens_at > now, Round.opens_at <= now + timedelta(days=1))).all()
    entrants = _entrants(sorted({c.id for _r, c in rounds}))
    for rnd, comp in rounds:
        created += notify(entrants.get(comp.id, []), "round_opening", f"round:{rnd.id}",
                          rnd.opens_at.isoformat(),
                          {"title": comp.title, "round": rnd.title,
                           "at": rnd.opens_at.isoformat()}, f"/competitions/{comp.id}")
    published = db.session.scalars(sa.select(Competition).where(
        Competition.status == "published", Competition.published_at >= now - PUBLISHED_WITHIN))
    published = list(published)
    entrants = _entrants([c.id for c in published])
    for comp in published:
        created += notify(entrants.get(comp.id, []), "results_published",
                          f"competition:{comp.id}", comp.published_at.isoformat(),
                          {"title": comp.title}, f"/competitions/{comp.id}")
    return created
