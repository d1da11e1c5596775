"""What each kind of notification says, written when it is shown (so in the reader's
language), from the parameters stored with it."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


def KIND_LABELS():  # noqa: N802 - a constant-like table, built lazily for translation
    return {"assignment_due": _l("Required training due soon"),
            "assignment_overdue": _l("Required training overdue"),
            "session_tomorrow": _l("A training session within a day"),
            "round_opening": _l("A competition round opening"),
            "results_published": _l("Competition results published")}


def day_text(value) -> str:
    """A date (or datetime, or ISO text) as 2026年12月6日: the site's one formatter."""
    from trainer.i18n import format_when

    return format_when(value, "day")


def moment_text(value) -> str:
    """A moment (ISO text or datetime) as 2026年12月6日 14:00 in the site's zone."""
    from trainer.i18n import format_when

    return format_when(value, "full")


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
