"""The competitions and honours sections of a worker's training record (registered in
records.sections by this domain's wiring; read by /api/v1/me/record and the exports).

Items carry ``title`` and ``date`` (ISO 8601, local time) as the records domain expects:
each competition entered (the year of its end) with the final rank and total once
published, and each honour awarded with its certificate's verification code.
"""

from datetime import datetime

import sqlalchemy as sa

from trainer.competitions.models import Certificate, Competition, Entry, Honour
from trainer.extensions import db
from trainer.localtime import local_zone


def _local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def competitions_section(user, year: int) -> list[dict]:
    """The record section "competitions": contests entered that ended in ``year``."""
    return competitions_of_user(user.id, year)


def honours_section(user, year: int) -> list[dict]:
    """The record section "honours": honours awarded in ``year``."""
    return honours_of_user(user.id, year)


def competitions_of_user(user_id: int, year: int | None = None) -> list[dict]:
    rows = db.session.execute(sa.select(Entry, Competition).join(
        Competition, Competition.id == Entry.competition_id).where(
        Entry.user_id == user_id, Competition.status != "draft")
        .order_by(Competition.ends_at)).all()
    items = []
    for entry, comp in rows:
        if year is not None and _local(comp.ends_at).year != year:
            continue
        published = comp.status == "published"
        rank = None
        if published:
            rank = 1 + db.session.scalar(sa.select(sa.func.count()).select_from(Entry).where(
                Entry.competition_id == comp.id, Entry.rank_key < entry.rank_key))
        items.append({"title": comp.title, "date": _local(comp.ends_at).isoformat(),
                      "id": comp.id, "kind": comp.kind, "status": comp.status,
                      "entrant_number": entry.number,
                      "score": entry.total_centi / 100 if published else None, "rank": rank})
    return items


def honours_of_user(user_id: int, year: int | None = None) -> list[dict]:
    rows = db.session.execute(
        sa.select(Honour, Certificate.code).outerjoin(Certificate,
                                                      Certificate.honour_id == Honour.id)
        .where(Honour.user_id == user_id).order_by(Honour.awarded_at)).all()
    return [{"title": honour.title, "date": _local(honour.awarded_at).isoformat(),
             "competition": honour.competition.title, "competition_id": honour.competition_id,
             "rank": honour.rank, "certificate": code}
            for honour, code in rows
            if year is None or _local(honour.awarded_at).year == year]
