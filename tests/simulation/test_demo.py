import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.auth.models import User
from trainer.extensions import db
from trainer.simulation import demo
from trainer.simulation.models import Run

from .conftest import SHIPPED


def seed(app, users):
    with app_ctx(app):
        ordered = [db.session.get(User, users[r])
                   for r in ("admin", "organiser", "trainer", "worker")]
        demo.seed(ordered)
        db.session.commit()
        return db.session.scalars(sa.select(Run).order_by(Run.id)).all()


def test_demo_worker_gets_a_good_and_a_bad_finished_run(app, users, load_folder):
    load_folder(SHIPPED)
    runs = seed(app, users)
    assert [(r.user_id, r.finished, r.outcome) for r in runs] == [
        (users["worker"], True, "success"), (users["worker"], True, "failure")]
    assert len(seed(app, users)) == 2  # seeding again adds nothing


def test_demo_without_scenarios_adds_no_runs(app, users):
    assert seed(app, users) == []
