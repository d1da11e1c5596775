"""How the audit domain plugs into the others (called by the factory): an erased person's
events keep their action, time and scope, but lose the names, address and personal details
(auth.erasers "audit")."""

import sqlalchemy as sa
from flask import Flask

from trainer.audit.events import scrub_user
from trainer.audit.models import AuditEvent
from trainer.auth.erasers import Erased, Eraser, rows


def scrub(erased: Erased) -> None:
    scrub_user(erased.user_id, erased.pseudonym)


def export(user_id: int) -> list[dict]:
    """The person's own security events (what they did, and what was done to their account)."""
    return rows(sa.select(AuditEvent.at, AuditEvent.action, AuditEvent.object_type,
                          AuditEvent.object_label)
                .where(sa.or_(AuditEvent.actor_id == user_id,
                              AuditEvent.subject_id == user_id))
                .order_by(AuditEvent.id))


ERASER = Eraser(
    columns=("audit_events.actor_name, subject name in object_label: the pseudonym",
             "audit_events.ip: removed", "audit_events.details: reasons, usernames and "
             "other personal keys removed"),
    scrub=scrub, export=export)


def init_app(app: Flask) -> None:
    from trainer.auth.erasers import erasers

    erasers.register("audit", ERASER)
