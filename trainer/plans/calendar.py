"""Personal iCalendar feeds at secret, revocable URLs (only a digest of the token is kept)."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.auth.models import User
from trainer.extensions import db
from trainer.models import utcnow
from trainer.plans import ical
from trainer.plans.models import CalendarFeed, TrainingSession
from trainer.plans.queries import personal_sessions

FEED_PAST = timedelta(days=180)
FEED_FUTURE = timedelta(days=400)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def active_feed(user) -> CalendarFeed | None:
    return db.session.scalar(sa.select(CalendarFeed).where(
        CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)))


def revoke_feed(user, now: datetime | None = None) -> bool:
    """Revoke the user's feed URL; the old URL answers 404 from now on."""
    result = db.session.execute(
        sa.update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now or utcnow()))
    db.session.flush()
    return result.rowcount > 0


def create_feed(user) -> str:
    """A new secret feed token (shown once); any earlier feed URL stops working."""
    revoke_feed(user)
    raw = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=_digest(raw)))
    db.session.flush()
    return raw


def user_for_feed(raw: str) -> User | None:
    """The active owner of an unrevoked feed token, or None."""
    if not raw or len(raw) > 100:
        return None
    feed = db.session.scalar(sa.select(CalendarFeed).where(
        CalendarFeed.token_hash == _digest(raw), CalendarFeed.revoked_at.is_(None)))
    if feed is None or not feed.user.active:
        return None
    return feed.user


def feed_sessions(user, now: datetime) -> list[TrainingSession]:
    stmt = personal_sessions(user).where(
        TrainingSession.ends_at >= now - FEED_PAST,
        TrainingSession.starts_at <= now + FEED_FUTURE).order_by(TrainingSession.starts_at)
    return list(db.session.scalars(stmt).unique())


def feed_text(user, uid_domain: str, url_for_session, now: datetime | None = None) -> str:
    """The user's sessions as an iCalendar document; event UIDs are
    ``session-<id>@<uid_domain>`` whatever host served the feed, so they never change."""
    now = now or utcnow()
    events = [
        ical.Event(
            uid=f"session-{s.id}@{uid_domain}", starts_at=s.starts_at, ends_at=s.ends_at,
            summary=s.title, location=s.place or s.online_url,
            description=_description(s), url=url_for_session(s), modified=s.updated_at)
        for s in feed_sessions(user, now)
    ]
    return ical.calendar(events, _("Grid Trainer sessions"), now)


def _description(s: TrainingSession) -> str:
    lecturer = s.lecturer.name if s.lecturer else s.lecturer_name
    parts = [s.department.name, lecturer, s.online_url]
    return "\n".join(p for p in parts if p)
