"""Organisation tree ((city >) district > street > community > grid > small grid > micro grid).

A district is a tenant like a street: its people see only it. The optional city above
districts lets a city organiser see every district under it."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow

LEVELS = ("city", "district", "street", "community", "grid", "small_grid", "micro_grid")
# Which level may sit directly under which.
# A district sits under a city or at the top (a city is optional).
PARENT_LEVEL = {
    "district": "city",
    "street": "district",
    "community": "street",
    "grid": "community",
    "small_grid": "grid",
    "micro_grid": "small_grid",
}


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint(
            "level IN ('city','district','street','community','grid','small_grid','micro_grid')",
            name="level_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Materialised path of ids ("/1/4/9/"), so a subtree is one indexed LIKE prefix query.
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    # The street this unit belongs to (itself for a street); None for the district.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # The district this unit lies in (itself for a district); None for a city.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    street: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[street_id])
    district: Mapped["Unit | None"] = relationship(remote_side=[id],
                                                   foreign_keys=[district_id])

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.level}>"


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
