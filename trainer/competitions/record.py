"""The competitions and honours sections of a worker's training record (registered in
records.sections by this domain's wiring; read by /api/v1/me/record and the exports).

Items carry ``title`` and ``date`` (ISO 8601, local time) as the records domain expects:
each competition entered (the year of its end) with the final rank and total once
published, and each honour awarded with its certificate's verification code.
"""

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

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


def competitions_for(who, year: int | None) -> dict[int, list[dict]]:
    """Contests each of ``who`` (ids or a select of them) entered, that ended in ``year``
    (every year with None), in one statement: the rank (published contests) is counted
    in SQL beside each entry."""
    better = aliased(Entry)
    rank = (sa.select(sa.func.count()).select_from(better)
            .where(better.competition_id == Entry.competition_id,
                   better.rank_key < Entry.rank_key)
            .correlate(Entry).scalar_subquery())
    rows = db.session.execute(
        sa.select(Entry.user_id, Entry.number, Entry.total_centi, rank, Competition.id,
                  Competition.title, Competition.kind, Competition.status,
                  Competition.ends_at)
        .join(Competition, Competition.id == Entry.competition_id)
        .where(Entry.user_id.in_(who), Competition.status != "draft")
        .order_by(Entry.user_id, Competition.ends_at, Competition.id)).all()
    found: dict[int, list[dict]] = defaultdict(list)
    for user_id, number, total, ahead, cid, title, kind, status, ends_at in rows:
        if year is not None and _local(ends_at).year != year:
            continue
        published = status == "published"
        found[user_id].append({
            "title": title, "date": _local(ends_at).isoformat(), "id": cid, "kind": kind,
            "status": status, "entrant_number": number,
            "score": total / 100 if published else None,
            "rank": 1 + ahead if published else None})
    return found


def honours_for(who, year: int | None) -> dict[int, list[dict]]:
    """Honours each of ``who`` (ids or a select of them) was awarded in ``year``."""
    rows = db.session.execute(
        sa.select(Honour.user_id, Honour.title, Honour.awarded_at, Honour.rank,
                  Honour.competition_id, Competition.title, Certificate.code)
        .join(Competition, Competition.id == Honour.competition_id)
        .outerjoin(Certificate, Certificate.honour_id == Honour.id)
        .where(Honour.user_id.in_(who))
        .order_by(Honour.user_id, Honour.awarded_at, Honour.id)).all()
    found: dict[int, list[dict]] = defaultdict(list)
    for user_id, title, awarded, rank, comp_id, comp_title, code in rows:
        if year is not None and _local(awarded).year != year:
            continue
        found[user_id].append({
            "title": title, "date": _local(awarded).isoformat(), "competition": comp_title,
            "competition_id": comp_id, "rank": rank, "certificate": code})
    return found


def competitions_of_user(user_id: int, year: int | None = None) -> list[dict]:
    return competitions_for([user_id], year).get(user_id, [])


def honours_of_user(user_id: int, year: int | None = None) -> list[dict]:
    return honours_for([user_id], year).get(user_id, [])
