"""How the guide plugs into the others (called by the factory): a lesson page shows the
situations that name the lesson (learning.lesson_asides), a debrief those that name the
scenario (simulation.debrief_asides); its entries are searchable (search.sources "guide");
a renamed course's slug is followed in its lesson links (signal course_renamed)."""

from flask import Flask, render_template
from markupsafe import Markup

from trainer import signals
from trainer.auth.erasers import erasers
from trainer.guide import erasure, search, services
from trainer.guide.queries import entries_linking
from trainer.learning.policies import lesson_asides
from trainer.search.sources import sources
from trainer.simulation.policies import debrief_asides


def _box(entries) -> Markup | None:
    return Markup(render_template("guide/_aside.html", entries=entries)) if entries else None


def lesson_aside(user, lesson) -> Markup | None:
    """The 「遇事找谁」 box of a lesson: entries listing it among their lessons."""
    return _box(entries_linking("lessons", f"{lesson.course.slug}/{lesson.filename}"))


def debrief_aside(user, run) -> Markup | None:
    """The box of a finished run's debrief: entries listing its scenario."""
    return _box(entries_linking("scenarios", run.version.scenario.slug))


def init_app(app: Flask) -> None:
    erasers.register("guide", erasure.ERASER)
    lesson_asides.register("guide", lesson_aside)
    debrief_asides.register("guide", debrief_aside)
    sources.register("guide", search.ENTRIES)
    signals.course_renamed.connect(services.on_course_renamed)
