"""Accounts, API tokens and login-throttle events."""

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department, Unit

ROLES = ("worker", "trainer", "organiser", "admin")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('worker','trainer','organiser','admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    # Worker: their grid; organiser: a street or the district; trainer: optional street.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Set when someone else chose the password (people import, an admin's reset or new
    # account): the user must choose a new one before anything else.
    # (A server default only: rows written at older revisions, as by the migration tests'
    # plain INSERTs of this model, name no value for it.)
    password_change_required: Mapped[bool] = mapped_column(server_default=sa.false())
    # The opaque name of the user's xAPI actor (trainer/records/xapi.py): random, given on
    # first use, never derived from the username, so a learning record store learns nothing
    # about the person and erasing them here leaves nothing there that points back.
    xapi_id: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    # Bumped on logout, password/role/scope change and deactivation: ends every session
    # and token issued before.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # When the account was last deactivated (the district's retention runs from it) and
    # when its personal data was erased (trainer/auth/erasure.py): never undone.
    deactivated_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class ThrottleEvent(db.Model):
    """One failed login, counted per key ("account:NAME" or "address:IP") in a window."""

    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_events_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SecondFactor(db.Model):
    """A user's TOTP authenticator (RFC 6238). ``secret`` holds the shared secret encrypted
    (trainer/auth/second_factor.py); the row is pending until ``confirmed_at`` is set by a
    first valid code. ``last_step`` is the time step of the last code accepted, so a code
    is never accepted twice."""

    __tablename__ = "second_factors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    secret: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    last_step: Mapped[int | None]


class RecoveryCode(db.Model):
    """A one-time recovery code, stored as a keyed hash; ``used_at`` is set when used."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]


class Erasure(db.Model):
    """One person's personal data erased (who asked it done, when, why): never undone.
    The same record is appended to the ledger file outside the database
    (``ERASURE_LEDGER``), which a restore re-applies; ``ledger_id`` ties the two."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")

    by: Mapped[User | None] = relationship(foreign_keys=[by_id], lazy="joined")


class RetentionSetting(db.Model):
    """A district's retention of deactivated accounts: after ``days`` since deactivation an
    admin may erase them in bulk."""

    __tablename__ = "retention_settings"
    __table_args__ = (CheckConstraint("days >= 30", name="days_at_least_30"),)

    district_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    days: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
