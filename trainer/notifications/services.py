"""Sending notifications once, reading and marking them, each person's settings.

``notify`` is what producers call: one row per person, kind, object and occasion (the
unique constraint), so running the reminders again, or twice at once, sends nothing
twice; people who turned the kind off get nothing. Callers commit (the CLI command, the
job, the request's unit of work)."""

import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from trainer.extensions import db
from trainer.models import utcnow
from trainer.notifications.models import KINDS, Notification, NotificationSettings
from trainer.notifications.producers import producers


def _insert():
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Notification).on_conflict_do_nothing(
        index_elements=["user_id", "kind", "object_key", "occasion"])


def notify(user_ids, kind: str, object_key: str, occasion: str, params: dict,
           link: str = "") -> int:
    """Notify each of ``user_ids`` once; returns how many were new."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    wanted = set(user_ids)
    if not wanted:
        return 0
    already = set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.user_id.in_(wanted), Notification.kind == kind,
        Notification.object_key == object_key, Notification.occasion == occasion)))
    muted = set(db.session.scalars(sa.select(NotificationSettings.user_id).where(
        NotificationSettings.user_id.in_(wanted - already),
        sa.cast(NotificationSettings.off_kinds, sa.Text).contains(f'"{kind}"'))))
    new = sorted(wanted - already - muted)
    if new:
        now = utcnow()
        db.session.execute(_insert(), [
            {"user_id": uid, "kind": kind, "object_key": object_key, "occasion": occasion,
             "params": params, "link": link, "created_at": now} for uid in new])
    return len(new)


UNREAD_SECONDS = 60  # how long the navigation's unread count is kept in the session


def unread_count(user) -> int:
    """The unread count beside the navigation's link. Kept a minute in the cookie session
    (reminders are produced hourly), so most pages ask the database nothing for it;
    reading the list (``mark_read``) forgets it at once."""
    from flask import has_request_context, session

    now = time.time()
    kept = session.get("_unread") if has_request_context() else None
    if kept and kept[0] == user.id and now - kept[2] < UNREAD_SECONDS:
        return kept[1]
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
    if has_request_context():
        session["_unread"] = [user.id, count, now]
    return count


def forget_unread() -> None:
    from flask import has_request_context, session

    if has_request_context():
        session.pop("_unread", None)


def mine(user) -> sa.Select:
    return (sa.select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def mark_read(user, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or those of ``ids``) read."""
    stmt = sa.update(Notification).where(Notification.user_id == user.id,
                                         Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    forget_unread()
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount or 0


def settings_of(user) -> NotificationSettings:
    found = db.session.get(NotificationSettings, user.id)
    return found or NotificationSettings(user_id=user.id, off_kinds=[], email=None,
                                         email_on=False)


def save_settings(user, off_kinds: list[str], email: str | None, email_on: bool) -> None:
    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        settings = NotificationSettings(user_id=user.id)
        db.session.add(settings)
    settings.off_kinds = [k for k in KINDS if k in off_kinds]
    settings.email = (email or "").strip() or None
    settings.email_on = bool(email_on and settings.email)


def run_reminders(now: datetime | None = None, *, send_mail: bool = True) -> dict:
    """Run every registered producer, commit, then send the e-mail due (when SMTP is
    configured). The job queue runs this periodically; ``flask reminders send`` too."""
    from trainer.notifications import mail

    now = now or utcnow()
    counts = {name: produce(now) for name, produce in producers.items()}
    db.session.commit()
    counts["emailed"] = mail.send_pending(now) if send_mail and mail.configured() else 0
    db.session.commit()
    return counts


def recent(now: datetime) -> datetime:
    """Notifications older than this are never e-mailed (turning e-mail on later does
    not send the backlog)."""
    hours = current_app.config.get("NOTIFICATION_MAIL_WINDOW_HOURS", 48)
    return now - timedelta(hours=hours)
