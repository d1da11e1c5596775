"""Scrape-time gauges for /metrics (registered into monitoring.collectors by wiring):
the rounds open now and the entrants of the competitions that have one, one query each."""

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily

from trainer.competitions.models import Competition, Entry, Round
from trainer.extensions import db
from trainer.models import utcnow


def _active_rounds(now) -> sa.Select:
    return (sa.select(Round.id, Round.competition_id)
            .join(Competition, Competition.id == Round.competition_id)
            .where(Competition.status == "open", Round.opens_at <= now, Round.closes_at > now,
                   Round.closed_at.is_(None)))


def collect():
    now = utcnow()
    active = _active_rounds(now).subquery()
    rounds = db.session.scalar(sa.select(sa.func.count()).select_from(active)) or 0
    entrants = db.session.scalar(
        sa.select(sa.func.count(Entry.id)).where(
            Entry.competition_id.in_(sa.select(active.c.competition_id)))) or 0
    yield GaugeMetricFamily("gt_competition_rounds_active",
                            "Competition rounds open now.", value=rounds)
    yield GaugeMetricFamily("gt_competition_entrants_active",
                            "Entrants of the competitions with a round open now.",
                            value=entrants)
