"""Notifications and each person's notification settings."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db
from trainer.models import utcnow

KINDS = ("assignment_due", "assignment_overdue", "session_tomorrow", "round_opening",
         "results_published")


class Notification(db.Model):
    """One message to one person. (user, kind, object, occasion) is unique, so a producer
    that runs again (every hour, on two workers at once) never sends a thing twice."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "object_key", "occasion",
                         name="uq_notifications_once"),
        CheckConstraint("kind IN ('assignment_due','assignment_overdue','session_tomorrow',"
                        "'round_opening','results_published')", name="kind_known"),
        Index("ix_notifications_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    object_key: Mapped[str] = mapped_column(String(60))  # e.g. "assignment:12"
    occasion: Mapped[str] = mapped_column(String(40), default="")  # e.g. the due date
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # text parameters
    link: Mapped[str] = mapped_column(String(200), default="")  # a site path
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]


class NotificationSettings(db.Model):
    """What a person turned off, and whether (and where) they get e-mail."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    off_kinds: Mapped[list] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(254))
    email_on: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
