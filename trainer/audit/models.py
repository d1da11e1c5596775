"""One row per audit event: who (with a snapshot of their name), did what, to which object,
in whose scope (street and district, for organisers), when, from where."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db
from trainer.models import utcnow


class AuditEvent(db.Model):
    """An event of the audit log. Names are snapshots (the log still reads after a rename);
    ``scrub_user`` (trainer/audit/events.py) replaces them for a person who is erased."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_district_at", "district_id", "at"),
        Index("ix_audit_events_street_at", "street_id", "at"),
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    actor_username: Mapped[str] = mapped_column(String(40), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(30), default="")
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(String(200), default="")
    # the person an event is about (an account changed, a roll call), for erasure
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
