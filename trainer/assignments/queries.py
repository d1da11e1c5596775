"""Reading assignments: who sees which, and who has done them, in few statements.

"Done" (DESIGN.md): a course at 100 % progress, a quiz when passed, a scenario when a run
finished (any outcome; success is shown apart). The rules are the owning domains' own SQL
(learning/quizzes/simulation ``queries``), combined here into one condition over an
assignment and a person, so a page of assignments or a list of thousands of members is
answered by one statement each."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from trainer.assignments.audience import audience_clause, member_rows
from trainer.assignments.models import Assignment
from trainer.auth.models import User
from trainer.extensions import db
from trainer.learning.queries import completed_clause
from trainer.localtime import local_zone
from trainer.models import utcnow
from trainer.org.models import Unit
from trainer.org.scope import district_clause, is_district_wide, street_id_of
from trainer.quizzes.queries import passed_clause
from trainer.simulation.queries import finished_clause, succeeded_clause


def today() -> date:
    """The local calendar date now (due dates are local dates)."""
    return utcnow().astimezone(local_zone()).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def done_clause(user_id):
    """SQL condition over ``Assignment``: ``user_id`` (an id or a column) has done it."""
    return sa.or_(
        (Assignment.kind == "course") & completed_clause(Assignment.course_id, user_id),
        (Assignment.kind == "quiz") & passed_clause(Assignment.quiz_id, user_id),
        (Assignment.kind == "scenario") & finished_clause(Assignment.scenario_id, user_id))


def success_clause(user_id):
    return (Assignment.kind == "scenario") & succeeded_clause(Assignment.scenario_id, user_id)


def can_manage(user) -> bool:
    return user.role in ("organiser", "admin")


def scoped_assignments(user) -> sa.Select:
    """Assignments an organiser (or admin) sees: a street organiser their street's, a
    district organiser their districts'."""
    stmt = sa.select(Assignment)
    if user.role == "admin":
        return stmt
    if user.role != "organiser":
        return stmt.where(sa.false())
    if not is_district_wide(user):
        return stmt.where(Assignment.street_id == street_id_of(user))
    return stmt.where(district_clause(user, Assignment.district_id))


def get_managed(user, assignment_id: int) -> Assignment | None:
    return db.session.scalar(scoped_assignments(user).where(Assignment.id == assignment_id))


@dataclass
class Mine:
    """One of a person's assignments, with its status."""

    assignment: Assignment
    done: bool
    success: bool
    overdue: bool

    @property
    def link(self) -> str:
        return link_of(self.assignment)

    def as_json(self) -> dict:
        a = self.assignment
        item = {"id": a.id, "kind": a.kind, "title": a.title, "due": a.due.isoformat(),
                "done": self.done, "overdue": self.overdue, "link": self.link}
        if a.kind == "scenario":
            item["success"] = self.success
        return item


def link_of(assignment: Assignment) -> str:
    """The page where the target is done (a site path)."""
    base = {"course": "/courses/", "quiz": "/quizzes/", "scenario": "/scenarios/"}
    return base[assignment.kind] + assignment.target


def my_assignments(user, *, open_only: bool = False, year: int | None = None) -> list[Mine]:
    """The person's assignments (not closed), soonest due first, with done and overdue, in
    one statement. ``open_only``: those not done yet; ``year``: due in that year."""
    done = done_clause(user.id).label("done")
    success = success_clause(user.id).label("success")
    stmt = (sa.select(Assignment, done, success)
            .where(Assignment.closed_at.is_(None), audience_clause(user))
            .order_by(Assignment.due, Assignment.id))
    if year is not None:
        stmt = stmt.where(Assignment.due >= date(year, 1, 1), Assignment.due <= date(year, 12, 31))
    now = today()
    found = [Mine(a, bool(d), bool(s), not d and a.due < now)
             for a, d, s in db.session.execute(stmt)]
    return [m for m in found if not m.done] if open_only else found


def members(assignment_ids) -> sa.Subquery:
    return member_rows(assignment_ids).subquery()


def completion_counts(assignment_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{assignment id: (members, done)} for many assignments in one statement."""
    if not assignment_ids:
        return {}
    rows = members(assignment_ids)
    done = sa.func.sum(sa.case((done_clause(rows.c.user_id), 1), else_=0))
    stmt = (sa.select(rows.c.assignment_id, sa.func.count(), done)
            .join(Assignment, Assignment.id == rows.c.assignment_id)
            .group_by(rows.c.assignment_id))
    return {aid: (total, int(d or 0)) for aid, total, d in db.session.execute(stmt)}


def per_unit(assignment: Assignment) -> list[tuple[Unit, int, int]]:
    """(unit, members, done) per unit the members belong to (their grid), in one statement."""
    rows = members([assignment.id])
    done = sa.func.sum(sa.case((done_clause(rows.c.user_id), 1), else_=0))
    stmt = (sa.select(Unit, sa.func.count(), done)
            .select_from(rows)
            .join(User, User.id == rows.c.user_id)
            .join(Unit, Unit.id == User.unit_id)
            .join(Assignment, Assignment.id == rows.c.assignment_id)
            .group_by(Unit.id).order_by(Unit.path))
    return [(unit, total, int(d or 0)) for unit, total, d in db.session.execute(stmt)]


def success_count(assignment: Assignment) -> int:
    """How many members ended a run of the assigned scenario well (shown beside done)."""
    rows = members([assignment.id])
    stmt = (sa.select(sa.func.count()).select_from(rows)
            .join(Assignment, Assignment.id == rows.c.assignment_id)
            .where(success_clause(rows.c.user_id)))
    return db.session.scalar(stmt) or 0


def not_done_query(assignment: Assignment) -> sa.Select:
    """The members who have not done it, by unit and name (for a paginated list)."""
    rows = members([assignment.id])
    return (sa.select(User).join(rows, rows.c.user_id == User.id)
            .join(Assignment, Assignment.id == rows.c.assignment_id)
            .outerjoin(Unit, Unit.id == User.unit_id)
            .where(sa.not_(done_clause(User.id)))
            .order_by(Unit.path, User.name, User.username))


def member_ids_not_done(assignment_ids: list[int]) -> list[tuple[int, int]]:
    """(assignment id, user id) of every member who has not done it (for reminders)."""
    if not assignment_ids:
        return []
    rows = members(assignment_ids)
    stmt = (sa.select(rows.c.assignment_id, rows.c.user_id)
            .join(Assignment, Assignment.id == rows.c.assignment_id)
            .where(sa.not_(done_clause(rows.c.user_id))))
    return [(a, u) for a, u in db.session.execute(stmt)]
