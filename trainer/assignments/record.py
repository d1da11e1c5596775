"""The assignments' section of the training record, and the home page's block."""

from datetime import date, datetime, time

from trainer.assignments import queries
from trainer.localtime import local_zone


def _date_iso(day) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=local_zone()).isoformat()


def assignments_section(user, year: int) -> list[dict]:
    """Assignments due in ``year``: done, overdue or still open (never credits hours; the
    hours come with the course, quiz or session itself)."""
    return [{**m.as_json(), "date": _date_iso(m.assignment.due)}
            for m in queries.my_assignments(user, year=year)]


def home_block_html(user):
    """The home page's block (main.home_blocks, order 30): my open required training,
    overdue first; nothing when none is open."""
    if user.role != "worker":
        return None
    items = home_block(user)
    if not items:
        return None
    from flask import render_template

    return render_template("assignments/_home_block.html", items=items)


def home_block(user, limit: int = 5) -> list[dict]:
    """The caller's open assignments for the home page: title, due, overdue, link (the
    overdue first, then by due date); the template is ``assignments/_home_block.html``."""
    items = [m.as_json() for m in queries.my_assignments(user, open_only=True)]
    items.sort(key=lambda i: (not i["overdue"], i["due"]))
    return items[:limit]


def _due_in(year: int):
    import sqlalchemy as sa

    from trainer.assignments.models import Assignment

    return (sa.select(Assignment.id)
            .where(Assignment.closed_at.is_(None), Assignment.due >= date(year, 1, 1),
                   Assignment.due <= date(year, 12, 31)))


def assignments_for(who, year: int) -> dict[int, list[dict]]:
    """The "assignments" section for many workers (ids or a select of them), one statement:
    what the dashboards and the export read (the same items as ``assignments_section``)."""
    import sqlalchemy as sa

    from trainer.assignments.audience import member_rows
    from trainer.assignments.models import Assignment
    from trainer.extensions import db

    rows = member_rows(_due_in(year)).subquery()
    stmt = (sa.select(rows.c.user_id, Assignment,
                      queries.done_clause(rows.c.user_id).label("done"),
                      queries.success_clause(rows.c.user_id).label("success"))
            .join(Assignment, Assignment.id == rows.c.assignment_id)
            .where(rows.c.user_id.in_(who))
            .order_by(rows.c.user_id, Assignment.due, Assignment.id))
    now = queries.today()
    found: dict[int, list[dict]] = {}
    for user_id, a, done, success in db.session.execute(stmt):
        mine = queries.Mine(a, bool(done), bool(success), not done and a.due < now)
        found.setdefault(user_id, []).append({**mine.as_json(), "date": _date_iso(a.due)})
    return found


def assignment_figures(who, year: int) -> dict[int, dict]:
    """{user id: {"done": n, "total": m}} of the assignments due in ``year`` (the annual
    rating's input), one statement; a worker with none is absent."""
    import sqlalchemy as sa

    from trainer.assignments.audience import member_rows
    from trainer.assignments.models import Assignment
    from trainer.extensions import db

    rows = member_rows(_due_in(year)).subquery()
    done = sa.func.sum(sa.case((queries.done_clause(rows.c.user_id), 1), else_=0))
    stmt = (sa.select(rows.c.user_id, sa.func.count(), done)
            .join(Assignment, Assignment.id == rows.c.assignment_id)
            .where(rows.c.user_id.in_(who))
            .group_by(rows.c.user_id))
    return {uid: {"done": int(d or 0), "total": total}
            for uid, total, d in db.session.execute(stmt)}
