"""A plan as an .xlsx workbook: the plan sheet and the sessions sheet."""

from datetime import datetime

from flask_babel import gettext as _

from trainer.localtime import local_zone
from trainer.org.scope import competency_label
from trainer.plans.audience import audience_labels
from trainer.plans.labels import kind_label, status_label
from trainer.plans.models import Plan
from trainer.plans.services import department_names
from trainer.spreadsheets import workbook_bytes


def _local(moment: datetime) -> datetime:
    """A stored (UTC) time as the naive local time a date cell shows (.xlsx has no zones)."""
    return moment.astimezone(local_zone()).replace(tzinfo=None)


def plan_workbook(plan: Plan) -> bytes:
    """The plan and its sessions; texts are text cells, never formulas, and times are
    date cells in local time (spreadsheets.py)."""
    info = [
        [_("Street"), plan.street.name],
        [_("Year"), plan.year],
        [_("Status"), str(status_label(plan.status))],
        [_("Priorities"), plan.priorities],
        [_("Departments"), "、".join(department_names(plan.departments))],
        [_("Competencies"), "、".join(competency_label(c) for c in plan.competencies)],
        [_("First half-year focus"), plan.half1_focus],
        [_("Second half-year focus"), plan.half2_focus],
    ]
    header = [_("Half-year"), _("Title"), _("Kind"), _("Department"), _("Lecturer"),
              _("Starts"), _("Ends"), _("Place"), _("Online link"), _("Hours"),
              _("Capacity"), _("Audience"), _("Courses"), _("Scenarios"), _("Quizzes")]
    rows = [[
        s.half, s.title, str(kind_label(s.kind)), s.department.name,
        s.lecturer.name if s.lecturer else s.lecturer_name,
        _local(s.starts_at), _local(s.ends_at), s.place,
        s.online_url, s.hours, s.capacity, "、".join(audience_labels(s)),
        ", ".join(s.courses), ", ".join(s.scenarios), ", ".join(str(q) for q in s.quizzes),
    ] for s in plan.sessions]
    return workbook_bytes([(_("Plan"), [_("Item"), _("Value")], info),
                           (_("Sessions"), header, rows)])
