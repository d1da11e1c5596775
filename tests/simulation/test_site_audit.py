"""Scenario authoring (create, new version, publish) reaches the site's audit log."""

import sqlalchemy as sa

from trainer.audit.models import AuditEvent
from trainer.extensions import db

from .conftest import NOISE


def test_scenario_authoring_is_stored(app, users):
    from trainer.auth.models import User
    from trainer.simulation import authoring

    text = NOISE.replace("civil-affairs", "public-security")
    with app.app_context():
        trainer = db.session.get(User, users["trainer"])
        scenario = authoring.create_scenario(trainer, "noise", text)
        assert authoring.save_scenario(trainer, scenario, text) is None  # unchanged
        authoring.save_scenario(trainer, scenario, text.replace("跳绳", "唱歌"))
        authoring.set_status(trainer, scenario, "published")
        authoring.set_status(trainer, scenario, "published")  # again: nothing new
        db.session.commit()
        sid = scenario.id
        found = [(e.action, e.actor_id, e.object_id) for e in db.session.scalars(
            sa.select(AuditEvent).order_by(AuditEvent.id))]
    assert found == [("scenario_created", users["trainer"], sid),
                     ("scenario_edited", users["trainer"], sid),
                     ("scenario_published", users["trainer"], sid)]
