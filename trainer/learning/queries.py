"""Read helpers returning Select objects: which courses a user may see or edit, the catalogue."""

import json
from functools import lru_cache

import sqlalchemy as sa

from trainer.learning.models import Course, Enrollment
from trainer.org.models import Department
from trainer.org.scope import (
    authorable_clause,
    can_author,
    district_clause,
    district_ids_of,
    is_district_wide,
    street_id_of,
)

COMPETENCIES = ("communication", "coordination", "mediation", "information", "public_opinion")


def visible_courses(user) -> sa.Select:
    """Published courses in the caller's scope (plus, for staff, drafts they may edit)."""
    stmt = sa.select(Course).where(district_clause(user, Course.district_id, library=True))
    if not is_district_wide(user):
        stmt = stmt.where(sa.or_(Course.street_id.is_(None),
                                 Course.street_id == street_id_of(user)))
    if user.role == "worker":
        return stmt.where(Course.status == "published")
    return stmt.where(sa.or_(Course.status == "published", editable_clause(user)))


def editable_clause(user):
    """SQL condition: courses ``user`` may edit (the rule of ``org.scope.can_author``)."""
    return authorable_clause(user, Course)


def can_edit(user, course: Course) -> bool:
    """The Python twin of ``editable_clause`` for one course."""
    return can_author(user, course)


def catalogue_query(user, department: str, competency: str, q: str) -> sa.Select:
    """Visible courses, filtered; ``q`` matches literally (``%`` and ``_`` are no
    wildcards) and an unknown department or competency matches nothing."""
    stmt = visible_courses(user).join(Department, Course.department_id == Department.id)
    if department:
        stmt = stmt.where(Department.code == department)
    if q:
        stmt = stmt.where(sa.or_(Course.title.contains(q, autoescape=True),
                                 Course.summary.contains(q, autoescape=True)))
    if competency:
        # The JSON list as text holds '"code"': the same SQL on SQLite and PostgreSQL.
        stmt = stmt.where(sa.cast(Course.competencies, sa.Text).contains(
            json.dumps(competency), autoescape=True) if competency in COMPETENCIES
            else sa.false())
    return stmt.order_by(Department.id, Course.title)


# The catalogue's columns as the API lists them (no Course objects loaded).
LISTED = (Course.id, Course.slug, Course.title, Course.hours, Department.code, Department.name)


def listed_catalogue(user, department: str, competency: str, q: str) -> sa.Select:
    """``catalogue_query`` reading only ``LISTED``. A worker's unfiltered catalogue (the
    app's usual call) depends on nothing but the districts in reach and the street: that
    statement is built once per pair and kept (its SQL cache key memoised with it)."""
    if user.role == "worker" and not (department or competency or q):
        reach = district_ids_of(user)
        return worker_catalogue(None if reach is None else tuple(reach), street_id_of(user))
    return catalogue_query(user, department, competency, q).with_only_columns(
        *LISTED, maintain_column_froms=True)


@lru_cache(maxsize=1024)
def worker_catalogue(reach: tuple[int, ...] | None, street: int | None) -> sa.Select:
    """``visible_courses`` for a worker (never district-wide: confined to ``street``,
    published courses only), unfiltered, ordered as ``catalogue_query`` orders."""
    # (one district, the usual reach, as an equality: an IN list is expanded into the
    # SQL again on every execution)
    district = sa.true() if reach is None else sa.or_(
        Course.district_id.is_(None),
        Course.district_id == reach[0] if len(reach) == 1 else Course.district_id.in_(reach))
    return (sa.select(*LISTED).join(Department, Course.department_id == Department.id)
            .where(district, sa.or_(Course.street_id.is_(None), Course.street_id == street),
                   Course.status == "published")
            .order_by(Department.id, Course.title))


def completed_clause(course_id, user_id):
    """SQL condition: the user (an id or a column) completed the course (100 % progress).
    Either argument may be a column, for a statement over many people or assignments."""
    return sa.exists().where(Enrollment.user_id == user_id, Enrollment.course_id == course_id,
                             Enrollment.completed_at.is_not(None))
