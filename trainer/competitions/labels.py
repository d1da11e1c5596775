"""Display labels of the competitions domain (translated lazily)."""

from flask_babel import lazy_gettext as _l


def LABELS():  # noqa: N802 - a constant-like table, built lazily for translation
    return {
        "knowledge": _l("Knowledge contest"), "skill": _l("Service-skill contest"),
        "drill": _l("Post drill"),
        "draft": _l("Draft"), "open": _l("Open for entry"), "running": _l("Running"),
        "closed": _l("Closed"), "published": _l("Results published"),
        "scheduled": _l("Not open yet"),
        "round_scheduled": _l("Not open yet"), "round_open": _l("Open now"),
        "round_closed": _l("Closed"),
        "quiz": _l("Quiz round"), "scenario": _l("Scenario round"), "judged": _l("Judged round"),
        "community": _l("By community"), "street": _l("By street"),
        "full": _l("The full table"), "top": _l("The top places only"),
        "own": _l("Only their own standing"),
        "upheld": _l("Upheld"), "rejected": _l("Rejected"),
        "page_leave": _l("Left the attempt page"), "fast": _l("Implausibly fast"),
        "same_address": _l("Same address, near-identical answers"),
        "course": _l("Course completed"), "quiz_passed": _l("Module quiz passed"),
        "practice": _l("Practice"),
        "create": _l("Created"), "edit": _l("Settings changed"), "round.add": _l("Round added"),
        "round.edit": _l("Round changed"), "close": _l("Closed"), "publish": _l("Published"),
        "score.change": _l("Score changed"), "appeal.resolve": _l("Appeal resolved"),
    }


def label(code: str | None) -> str:
    return str(LABELS().get(code or "", code or ""))


def duration(seconds: int | None) -> str:
    """Seconds as m:ss or h:mm:ss."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
