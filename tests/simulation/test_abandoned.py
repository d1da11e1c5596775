"""An unfinished practice run older than a week is closed as abandoned (never scored), and
「再练一次」 asks before it starts a new run (issue 17 item 1)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.models import utcnow
from trainer.simulation.models import Run

from .conftest import start


def _age(app, days: int) -> None:
    with app_ctx(app):
        db.session.execute(sa.update(Run).values(started_at=utcnow() - timedelta(days=days)))
        db.session.commit()


def _runs(app) -> list[tuple]:
    with app_ctx(app):
        return [(r.finished, r.outcome, dict(r.scores or {}))
                for r in db.session.scalars(sa.select(Run).order_by(Run.id))]


def test_a_run_left_for_a_week_is_closed_as_abandoned_on_the_next_read(app, worker):
    from trainer import signals

    run_url = start(worker)
    _age(app, 6)
    worker.get("/runs")
    assert _runs(app) == [(False, None, {})]  # six days: still open
    _age(app, 8)
    heard = []
    signals.run_finished.connect(heard.append)
    try:
        html = worker.get("/runs").get_data(as_text=True)
    finally:
        signals.run_finished.disconnect(heard.append)
    assert _runs(app) == [(True, "abandoned", {})] and heard == []  # nothing to score
    assert "Abandoned" in html
    page = worker.get(run_url).get_data(as_text=True)
    assert "closed without a score" in page and "/choices" not in page


def test_a_stale_run_refuses_a_choice(app, worker):
    from trainer.simulation import services

    start(worker)
    _age(app, 8)
    with app_ctx(app):
        run = db.session.scalar(sa.select(Run))
        with pytest.raises(Exception) as refused:
            services.choose(run, "listen")
        assert getattr(refused.value, "code", "") == "run_abandoned"
        db.session.rollback()


def test_abandoned_runs_stay_out_of_the_record(app, worker, users):
    from tests.plans.factories import user
    from trainer.simulation import services
    from trainer.simulation.record import runs_finished

    start(worker)
    _age(app, 8)
    with app_ctx(app):
        assert services.abandon_stale_runs(users["worker"]) == 1
        db.session.commit()
        assert runs_finished(user("worker"), utcnow().year) == []


def test_play_again_asks_before_starting_a_new_run(app, worker):
    run_url = start(worker)
    scenario = worker.get("/scenarios/noise").get_data(as_text=True)
    assert 'href="/scenarios/noise/again"' in scenario
    assert 'action="/scenarios/noise/runs"' not in scenario  # no one-tap restart
    ask = worker.get("/scenarios/noise/again")
    html = ask.get_data(as_text=True)
    assert ask.status_code == 200 and 'action="/scenarios/noise/runs"' in html
    assert f'href="{run_url}"' in html  # the unfinished run is offered instead
    assert len(_runs(app)) == 1  # asking started nothing
