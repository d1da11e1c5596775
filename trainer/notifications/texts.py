"""What each kind of notification says, written when it is shown (so in the reader's
language), from the parameters stored with it."""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.localtime import local_zone


def KIND_LABELS():  # noqa: N802 - a constant-like table, built lazily for translation
    return {"assignment_due": _l("Required training due soon"),
            "assignment_overdue": _l("Required training overdue"),
            "session_tomorrow": _l("A training session within a day"),
            "round_opening": _l("A competition round opening"),
            "results_published": _l("Competition results published")}


def day_text(value) -> str:
    """A date (or datetime, or ISO text) as 2026年12月6日; a datetime in local time."""
    if isinstance(value, datetime):
        value = value.astimezone(local_zone()).date()
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value)[:10])
        except (TypeError, ValueError):
            return str(value or "")
    if _english():
        return day.isoformat()
    return f"{day.year}年{day.month}月{day.day}日"


def _english() -> bool:
    """Pages in English write dates ISO-like (docs/wording.md); outside a request, Chinese."""
    from flask import has_request_context
    from flask_babel import get_locale

    if not has_request_context():
        return False
    locale = get_locale()
    return locale is not None and locale.language == "en"


def moment_text(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value).astimezone(local_zone())
    except (TypeError, ValueError):
        return str(value or "")
    if _english():
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def text_of(kind: str, params: dict) -> str:
    title = str(params.get("title", ""))
    if kind == "assignment_due":
        return _("Required: “%(title)s” is due on %(due)s.", title=title,
                 due=day_text(params.get("due", "")))
    if kind == "assignment_overdue":
        return _("Required: “%(title)s” was due on %(due)s and is overdue.", title=title,
                 due=day_text(params.get("due", "")))
    if kind == "session_tomorrow":
        return _("Training session “%(title)s” starts at %(at)s.", title=title,
                 at=moment_text(params.get("at", "")))
    if kind == "round_opening":
        return _("Round “%(round)s” of “%(title)s” opens at %(at)s.", title=title,
                 round=str(params.get("round", "")), at=moment_text(params.get("at", "")))
    if kind == "results_published":
        return _("The results of “%(title)s” are published.", title=title)
    return title
