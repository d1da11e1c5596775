"""Clashes: sessions at overlapping times with the same lecturer or the same place.

They are flagged, never refused: two streets may share an expert on purpose.
"""

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa

from trainer.extensions import db
from trainer.org.scope import in_scope
from trainer.plans.models import TrainingSession


@dataclass
class Clash:
    reason: str  # "lecturer" or "place"
    other: TrainingSession


def norm_place(place: str | None) -> str:
    """A place as compared: width- and case-insensitive, spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", place or "")).casefold()


def norm_name(name: str | None) -> str:
    """A typed lecturer's name as compared: trimmed, spaces collapsed, width- and
    case-insensitive (区民政局　陈科长 is 区民政局 陈科长)."""
    return " ".join(unicodedata.normalize("NFKC", name or "").split()).casefold()


def _same_lecturer(a: TrainingSession, b: TrainingSession) -> bool:
    if a.lecturer_id and a.lecturer_id == b.lecturer_id:
        return True
    return bool(norm_name(a.lecturer_name)) and norm_name(a.lecturer_name) == norm_name(
        b.lecturer_name)


def find_conflicts(session: TrainingSession) -> list[Clash]:
    """Other sessions at overlapping times with the same lecturer (an account, or an
    outside expert by name) or the same place."""
    conditions = []
    if session.lecturer_id:
        conditions.append(TrainingSession.lecturer_id == session.lecturer_id)
    if norm_name(session.lecturer_name):
        conditions.append(TrainingSession.lecturer_name != "")
    if norm_place(session.place):
        conditions.append(TrainingSession.place != "")
    if not conditions:
        return []
    stmt = sa.select(TrainingSession).where(
        TrainingSession.id != session.id, TrainingSession.starts_at < session.ends_at,
        TrainingSession.ends_at > session.starts_at, sa.or_(*conditions)
    ).order_by(TrainingSession.starts_at)
    clashes = []
    for other in db.session.scalars(stmt):
        if _same_lecturer(session, other):
            clashes.append(Clash("lecturer", other))
        elif norm_place(session.place) and norm_place(other.place) == norm_place(session.place):
            clashes.append(Clash("place", other))
    return clashes


def conflicts_for(user, session: TrainingSession) -> list[dict]:
    """Conflicts as the caller may see them: another street's session shows only its times."""
    out = []
    for clash in find_conflicts(session):
        other, visible = clash.other, in_scope(user, clash.other.plan.street)
        out.append({"reason": clash.reason, "id": other.id if visible else None,
                    "title": other.title if visible else None,
                    "street": other.plan.street.name if visible else None,
                    "starts_at": other.starts_at, "ends_at": other.ends_at})
    return out


def conflicts_json(user, session: TrainingSession) -> list[dict]:
    """Conflicts for the API (times in ISO 8601)."""
    return [{**c, "starts_at": c["starts_at"].isoformat(), "ends_at": c["ends_at"].isoformat()}
            for c in conflicts_for(user, session)]
