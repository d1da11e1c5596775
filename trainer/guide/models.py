"""Guide entries (one situation each), their change history and streets' local contacts."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department, Unit


class GuideEntry(db.Model):
    """One situation: who is responsible, whom to call, on what legal basis, what to do
    first, and where to learn more. Loaded from guide/<department>.yml; ``web_edited`` marks
    a row changed on the web, which a later load never overwrites."""

    __tablename__ = "guide_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    situation: Mapped[str] = mapped_column(String(120))
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    hotlines: Mapped[list] = mapped_column(JSON, default=list)
    laws: Mapped[list] = mapped_column(JSON, default=list)
    contact_kinds: Mapped[list] = mapped_column(JSON, default=list)
    steps_md: Mapped[str] = mapped_column(Text, default="")
    # Sanitised once when saved or loaded (trainer.markup), never per request.
    steps_html: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[list] = mapped_column(JSON, default=list)  # "course-slug/lesson-file"
    scenarios: Mapped[list] = mapped_column(JSON, default=list)  # scenario slugs
    # Lower-cased situation, keywords and steps: what the filter box matches.
    search_text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")  # of the file's entry
    web_edited: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    department: Mapped[Department] = relationship(lazy="joined")


class GuideRevision(db.Model):
    """Change history of an entry: loaded from a file, or edited on the web (by whom)."""

    __tablename__ = "guide_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("guide_entries.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", lazy="joined")


class LocalContact(db.Model):
    """A street's own contact (its police station, judicial office, property company...),
    seen by that street's users only."""

    __tablename__ = "guide_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    street: Mapped[Unit] = relationship(lazy="joined")
