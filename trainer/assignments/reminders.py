"""Reminders of required training: due within three days, and overdue (each once per
person and due date: a changed due date is a new occasion)."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from trainer.assignments import queries
from trainer.assignments.models import Assignment
from trainer.extensions import db
from trainer.notifications.services import notify

DUE_SOON_DAYS = 3
# Overdue reminders go out for assignments that fell due in the last month only: an old
# assignment nobody closed does not greet every newcomer with a stale alarm.
OVERDUE_WITHIN_DAYS = 30


def produce(now: datetime) -> int:
    """Notify everyone with an open assignment due in the next three days (today
    included) or overdue; returns how many notifications were created."""
    today = queries.local_date(now)
    stmt = sa.select(Assignment).where(
        Assignment.closed_at.is_(None),
        Assignment.due >= today - timedelta(days=OVERDUE_WITHIN_DAYS),
        Assignment.due <= today + timedelta(days=DUE_SOON_DAYS))
    found = {a.id: a for a in db.session.scalars(stmt)}
    pending: dict[int, list[int]] = {}
    for assignment_id, user_id in queries.member_ids_not_done(list(found)):
        pending.setdefault(assignment_id, []).append(user_id)
    created = 0
    for assignment_id, user_ids in pending.items():
        a = found[assignment_id]
        kind = "assignment_overdue" if a.due < today else "assignment_due"
        created += notify(user_ids, kind, f"assignment:{a.id}", a.due.isoformat(),
                          {"title": a.title, "due": a.due.isoformat()}, queries.link_of(a))
    return created
