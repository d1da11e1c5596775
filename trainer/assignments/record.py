"""The assignments' section of the training record, and the home page's block."""

from datetime import datetime, time

from trainer.assignments import queries
from trainer.localtime import local_zone


def _date_iso(day) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=local_zone()).isoformat()


def assignments_section(user, year: int) -> list[dict]:
    """Assignments due in ``year``: done, overdue or still open (never credits hours; the
    hours come with the course, quiz or session itself)."""
    return [{**m.as_json(), "date": _date_iso(m.assignment.due)}
            for m in queries.my_assignments(user, year=year)]


def home_block(user, limit: int = 5) -> list[dict]:
    """The caller's open assignments for the home page: title, due, overdue, link (the
    overdue first, then by due date); the template is ``assignments/_home_block.html``."""
    items = [m.as_json() for m in queries.my_assignments(user, open_only=True)]
    items.sort(key=lambda i: (not i["overdue"], i["due"]))
    return items[:limit]
