"""Translated labels for the plans domain's codes."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


def KIND_LABELS():  # noqa: N802 - a constant-like table, built lazily for translation
    return {"lecture": _l("Classroom lecture"), "field": _l("Field practice"),
            "drill": _l("Scenario drill"), "competition": _l("Competition")}


def STATUS_LABELS():  # noqa: N802
    return {"draft": _l("Draft"), "submitted": _l("Submitted"), "approved": _l("Approved")}


def ATTENDANCE_LABELS():  # noqa: N802
    return {"present": _l("Present"), "absent": _l("Absent"), "excused": _l("Excused")}


def FLAG_LABELS():  # noqa: N802
    return {"none_held": _l("No session held"), "none_planned": _l("No session planned")}


def ACTION_LABELS():  # noqa: N802
    return {"comment": _l("Comment"), "submit": _l("Submitted"), "approve": _l("Approved"),
            "return": _l("Returned")}


def kind_label(code: str):
    return KIND_LABELS().get(code, code)


def status_label(code: str):
    return STATUS_LABELS().get(code, code)


def half_label(year: int, half: int) -> str:
    """「2026年下半年」: the year first, as Chinese says it."""
    if half == 1:
        return _("%(year)s first half-year", year=year)
    return _("%(year)s second half-year", year=year)
