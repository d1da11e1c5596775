"""Read helpers of the guide: the filtered list, and the links an entry resolves to."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.guide.models import GuideEntry
from trainer.learning.models import Course, Lesson
from trainer.learning.queries import visible_courses
from trainer.org.models import Department
from trainer.simulation.models import Scenario
from trainer.simulation.queries import playable_scenarios

MAX_QUERY = 40


def entries_query(q: str = "", department: str = "") -> sa.Select:
    """Entries in department order, then file order; ``q`` matches the situation, the
    keywords and the steps (each word of it, case-insensitively)."""
    stmt = (sa.select(GuideEntry).join(GuideEntry.department)
            .order_by(Department.id, GuideEntry.position, GuideEntry.id))
    for word in q.lower().split()[:5]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(GuideEntry.search_text.like(f"%{escaped}%", escape="\\"))
    if department:
        stmt = stmt.where(Department.code == department)
    return stmt


def related_lessons(user, entry: GuideEntry) -> list[Lesson]:
    """The entry's lessons that ``user`` may read, in the entry's order."""
    if not entry.lessons:
        return []
    visible = visible_courses(user).with_only_columns(Course.id)
    rows = db.session.execute(
        sa.select(Lesson, Course.slug).join(Lesson.course)
        .where(Lesson.retired.is_(False), Course.id.in_(visible),
               Course.slug.in_({ref.split("/", 1)[0] for ref in entry.lessons}))).all()
    by_ref = {f"{slug}/{lesson.filename}": lesson for lesson, slug in rows}
    return [by_ref[ref] for ref in entry.lessons if ref in by_ref]


def related_scenarios(user, entry: GuideEntry) -> list[Scenario]:
    """The entry's scenarios that ``user`` may play, in the entry's order."""
    if not entry.scenarios:
        return []
    found = {s.slug: s for s in db.session.scalars(
        playable_scenarios(user).where(Scenario.slug.in_(entry.scenarios)))}
    return [found[slug] for slug in entry.scenarios if slug in found]


def entries_linking(field: str, ref: str) -> list[GuideEntry]:
    """Entries whose ``lessons`` or ``scenarios`` list holds ``ref``: narrowed in SQL on the
    JSON text, then checked exactly here (a JSON list is not searched alike everywhere)."""
    column = getattr(GuideEntry, field)
    escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = entries_query()
    if ref.isascii():  # JSON text escapes other characters
        stmt = stmt.where(sa.cast(column, sa.Text).like(f"%{escaped}%", escape="\\"))
    rows = db.session.scalars(stmt).all()
    return [entry for entry in rows if ref in getattr(entry, field)]
