"""Reading the audit log: who may see which events, and the page's filters."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from trainer.audit.models import AuditEvent
from trainer.localtime import local_zone
from trainer.org.scope import district_clause, street_id_of

OBJECT_TYPES = ("user", "unit", "course", "question", "bank", "quiz", "scenario",
                "competition", "plan", "guide_entry", "contact", "path")


def may_read(user) -> bool:
    return user.is_authenticated and user.role in ("admin", "organiser")


def scope_clause(user):
    """Admins read everything; an organiser the events of their street, or of the
    districts in their reach (an event with no district is for admins only)."""
    if user.role == "admin":
        return sa.true()
    street = street_id_of(user)
    if street is not None:
        return AuditEvent.street_id == street
    return district_clause(user, AuditEvent.district_id)


@dataclass
class Filters:
    person: str = ""
    action: str = ""
    object_type: str = ""
    object: str = ""
    since: date | None = None
    until: date | None = None

    def args(self) -> dict:
        found = {"person": self.person, "action": self.action, "type": self.object_type,
                 "object": self.object, "from": self.since.isoformat() if self.since else "",
                 "to": self.until.isoformat() if self.until else ""}
        return {k: v for k, v in found.items() if v}


def parse_filters(args) -> tuple[Filters, list[str]]:
    """The filters in a query string, and the names of those that did not read (dates)."""
    bad = []
    dates = {}
    for key in ("from", "to"):
        text = (args.get(key) or "").strip()
        try:
            dates[key] = date.fromisoformat(text) if text else None
        except ValueError:
            dates[key] = None
            bad.append(key)
    object_type = (args.get("type") or "").strip()
    return Filters(person=(args.get("person") or "").strip()[:60],
                   action=(args.get("action") or "").strip()[:40],
                   object_type=object_type if object_type in OBJECT_TYPES else "",
                   object=(args.get("object") or "").strip()[:100],
                   since=dates["from"], until=dates["to"]), bad


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=local_zone())


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def events_query(user, filters: Filters) -> sa.Select:
    stmt = sa.select(AuditEvent).where(scope_clause(user))
    if filters.person:
        like = _like(filters.person)
        stmt = stmt.where(sa.or_(
            AuditEvent.actor_name.like(like, escape="\\"),
            AuditEvent.actor_username.like(like, escape="\\"),
            sa.and_(AuditEvent.object_type == "user",
                    AuditEvent.object_label.like(like, escape="\\"))))
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.object:
        text = filters.object.lstrip("#")
        if text.isdigit() and filters.object.startswith("#"):
            stmt = stmt.where(AuditEvent.object_id == int(text))
        else:
            stmt = stmt.where(AuditEvent.object_label.like(_like(filters.object), escape="\\"))
    if filters.since:
        stmt = stmt.where(AuditEvent.at >= _local_midnight(filters.since))
    if filters.until:
        stmt = stmt.where(AuditEvent.at < _local_midnight(filters.until + timedelta(days=1)))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
