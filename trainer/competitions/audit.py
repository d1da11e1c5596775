"""The organisers' audit log: who did what to a competition, when, and why.

Each line is also mirrored into the site's audit log (trainer/audit, action
``competition.<action>``) in the same transaction: the contest's own page keeps its log
with the reasons as organisers read it there, and the admins' page finds everything in one
table (one query, one pagination, one scope rule) instead of merging two logs."""

import json

import sqlalchemy as sa

from trainer.audit import events as site_audit
from trainer.competitions.models import AuditEntry, Competition
from trainer.extensions import db


def record(comp_id: int, actor, action: str, detail: dict | str | None = None,
           reason: str = "") -> AuditEntry:
    """Add one audit line (flushes); ``detail`` may be a dict, stored as JSON text."""
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    entry = AuditEntry(competition_id=comp_id, user_id=actor.id if actor else None,
                       action=action, detail=detail or "", reason=(reason or "").strip())
    db.session.add(entry)
    db.session.flush()
    comp = db.session.get(Competition, comp_id)
    details = json.loads(entry.detail) if entry.detail.startswith("{") else {"detail": entry.detail}
    if entry.reason:
        details["reason"] = entry.reason
    site_audit.record(f"competition.{action}", actor=actor, object_type="competition",
                      object_id=comp_id, object_label=comp.title if comp else "",
                      street_id=comp.street_id if comp else None,
                      district_id=comp.district_id if comp else None, details=details)
    return entry


def audit_log(comp_id: int) -> sa.Select:
    return (sa.select(AuditEntry).where(AuditEntry.competition_id == comp_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
