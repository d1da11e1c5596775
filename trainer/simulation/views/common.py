"""Helpers shared by the scenario player's and the authors' route modules."""

from flask_babel import gettext as _
from markupsafe import Markup

from trainer.org.scope import competency_label
from trainer.simulation.charts import competency_chart

PER_PAGE = 20


def chart_for(scores: dict[str, float]) -> Markup | None:
    """The competency chart; the SVG is built and escaped by charts.competency_chart."""
    if not scores:
        return None
    labels = {key: competency_label(key) for key in scores}
    return Markup(competency_chart(scores, labels, _("Competency scores")))
