"""Helpers shared by the scenario player's and the authors' route modules."""

from flask_babel import gettext as _
from markupsafe import Markup

from trainer.org.scope import competency_label
from trainer.simulation.charts import competency_chart

PER_PAGE = 20


def chart_for(scores: dict[str, float | None]) -> Markup | None:
    """The competency chart of the assessed competencies (a None percent is one not
    assessed, left out); the SVG is built and escaped by charts.competency_chart."""
    shown = {key: value for key, value in scores.items() if value is not None}
    if not shown:
        return None
    labels = {key: competency_label(key) for key in shown}
    return Markup(competency_chart(shown, labels, _("Competency scores")))
