"""Authorization matrix entries of the guide domain."""

from tests.authz_specs import expect, fixed
from tests.conftest import app_ctx
from trainer.extensions import db

PAGE = expect(302, 200, 200, 200, 200)
# The matrix trainer belongs to public-security, the department of the authz entry.
EDITOR = expect(302, 403, 200, 403, 200)
EDITOR_POST = expect(302, 403, 422, 403, 422)  # an empty form is refused field by field
MANAGER = expect(302, 403, 403, 200, 200)
MANAGER_POST = expect(302, 403, 403, 422, 422)
NEW_CONTACT = "/guide/contacts/new?street=S1"

SPECS = {
    ("GET", "/guide"): (fixed("/guide"), PAGE),
    ("GET", "/guide/<key>"): (fixed("/guide/authz-entry"), PAGE),
    ("GET", "/guide/<key>/edit"): (fixed("/guide/authz-entry/edit"), EDITOR),
    ("POST", "/guide/<key>/edit"): (fixed("/guide/authz-entry/edit"), EDITOR_POST),
    ("GET", "/guide/contacts"): (fixed("/guide/contacts"), PAGE),
    ("GET", "/guide/contacts/new"): (fixed(NEW_CONTACT), MANAGER),
    ("POST", "/guide/contacts/new"): (fixed(NEW_CONTACT), MANAGER_POST),
    ("GET", "/guide/contacts/<int:contact_id>/edit"): (
        lambda c: f"/guide/contacts/{c['contact']}/edit", MANAGER),
    ("POST", "/guide/contacts/<int:contact_id>/edit"): (
        lambda c: f"/guide/contacts/{c['contact']}/edit", MANAGER_POST),
    ("POST", "/guide/contacts/<int:contact_id>/delete"): (
        lambda c: f"/guide/contacts/{c['contact']}/delete", expect(302, 403, 403, 302, 302)),
}


def build(app, users) -> dict:
    from trainer.guide.entry_format import to_spec
    from trainer.guide.models import LocalContact
    from trainer.guide.services import upsert_entry
    from trainer.org.services import unit_by_code

    with app_ctx(app):
        upsert_entry(to_spec({"key": "authz-entry", "situation": "授权测试", "steps": "先报警。",
                              "hotlines": ["110"]}, "public-security", 1))
        contact = LocalContact(street_id=unit_by_code("S1").id, kind="police-station",
                               name="授权派出所", phone="110")
        db.session.add(contact)
        db.session.commit()
        return {"contact": contact.id}
