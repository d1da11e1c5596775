"""The organisers' audit log: who did what to a competition, when, and why."""

import json

import sqlalchemy as sa

from trainer.competitions.models import AuditEntry
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
    return entry


def audit_log(comp_id: int) -> sa.Select:
    return (sa.select(AuditEntry).where(AuditEntry.competition_id == comp_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
