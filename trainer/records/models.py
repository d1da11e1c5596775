"""The xAPI outbox: the statements already sent to the learning record store."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db
from trainer.models import utcnow


class XapiSent(db.Model):
    """One statement the learning record store accepted (trainer/records/xapi.py). The
    statement id is deterministic, so a statement is never sent twice; the row goes with
    its user when the account is deleted."""

    __tablename__ = "xapi_sent"

    statement_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
