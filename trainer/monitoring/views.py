"""``GET /metrics``: the Prometheus exposition (trainer/monitoring/metrics.py)."""

from flask import Blueprint, Response, abort

from trainer.monitoring import access, metrics

bp = Blueprint("monitoring", __name__)


@bp.route("/metrics")
def scrape():
    if not access.may_scrape():
        abort(404)  # nothing to see here for anyone else, not even that it exists
    body, content_type = metrics.scrape()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
