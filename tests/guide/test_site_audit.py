"""Local contacts' changes reach the site's audit log, in their street."""

import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.audit.models import AuditEvent
from trainer.extensions import db


def test_contact_changes_are_stored_in_their_street(app, users, org):
    from trainer.auth.models import User
    from trainer.guide import services
    from trainer.org.models import Unit

    with app_ctx(app):
        organiser = db.session.get(User, users["organiser"])
        street = db.session.get(Unit, org.ids["S2"])
        kind, phone = "police-station", "0795-2222222"
        contact = services.add_contact(organiser, street, kind, "二街派出所", phone)
        services.update_contact(organiser, contact, kind, "二街派出所值班室", phone)
        services.delete_contact(organiser, contact)
        db.session.commit()
        found = [(e.action, e.object_label, e.street_id) for e in db.session.scalars(
            sa.select(AuditEvent).order_by(AuditEvent.id))]
    assert found == [("contact_added", "二街派出所", org.ids["S2"]),
                     ("contact_edited", "二街派出所值班室", org.ids["S2"]),
                     ("contact_deleted", "二街派出所值班室", org.ids["S2"])]
