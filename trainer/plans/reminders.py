"""The plans' reminder: a session starting within the next day, to its audience (once per
session and start time: a session moved to another time is reminded again)."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from trainer.extensions import db
from trainer.notifications.services import notify
from trainer.plans.audience import member_pairs
from trainer.plans.models import TrainingSession


def produce(now: datetime) -> int:
    stmt = sa.select(TrainingSession).where(TrainingSession.starts_at > now,
                                            TrainingSession.starts_at <= now + timedelta(days=1))
    sessions = {s.id: s for s in db.session.scalars(stmt)}
    people: dict[int, list[int]] = {}
    for session_id, user_id in member_pairs(list(sessions)):
        people.setdefault(session_id, []).append(user_id)
    created = 0
    for session_id, user_ids in people.items():
        s = sessions[session_id]
        created += notify(user_ids, "session_tomorrow", f"session:{s.id}",
                          s.starts_at.isoformat(),
                          {"title": s.title, "at": s.starts_at.isoformat(), "place": s.place},
                          f"/sessions/{s.id}")
    return created
