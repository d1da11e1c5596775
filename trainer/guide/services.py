"""Use cases of the guide: load or edit an entry, manage a street's local contacts.
Each flushes and never commits (the request or the command commits once)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.audit import events as audit
from trainer.errors import Forbidden, Invalid, NotFound
from trainer.extensions import db
from trainer.guide.catalogue import CONTACT_KINDS
from trainer.guide.entry_format import EntrySpec
from trainer.guide.models import GuideEntry, GuideRevision, LocalContact
from trainer.guide.search import announce_entry
from trainer.markup import render_markdown
from trainer.org.models import Department, Unit
from trainer.org.scope import street_id_of

CONTACT_LIMITS = {"name": 80, "phone": 40, "note": 200}


def _apply(entry: GuideEntry, spec: EntrySpec) -> None:
    entry.situation, entry.steps_md = spec.situation, spec.steps
    entry.steps_html = render_markdown(spec.steps)
    entry.keywords, entry.hotlines, entry.laws = spec.keywords, spec.hotlines, spec.laws
    entry.contact_kinds, entry.lessons, entry.scenarios = (spec.contacts, spec.lessons,
                                                           spec.scenarios)
    entry.search_text = "\n".join([spec.situation, *spec.keywords, spec.steps]).lower()


def upsert_entry(spec: EntrySpec) -> str:
    """Create or update one entry from its file: "created", "updated", "unchanged", or
    "kept" (edited on the web since: the file's version is not loaded over it)."""
    entry = db.session.scalar(sa.select(GuideEntry).where(GuideEntry.key == spec.key))
    digest = spec.content_hash
    if entry is not None and entry.content_hash == digest:
        return "unchanged"
    if entry is not None and entry.web_edited:
        return "kept"
    outcome = "created" if entry is None else "updated"
    entry = entry or GuideEntry(key=spec.key)
    entry.department_id = db.session.scalar(
        sa.select(Department.id).where(Department.code == spec.department))
    entry.position, entry.content_hash = spec.position, digest
    _apply(entry, spec)
    db.session.add(entry)
    db.session.flush()
    db.session.add(GuideRevision(entry_id=entry.id, action=f"file {outcome}",
                                 detail=f"guide/{spec.department}.yml"))
    db.session.flush()
    announce_entry(entry)
    return outcome


def can_edit(user, entry: GuideEntry) -> bool:
    """Admins, and trainers of the entry's department."""
    return user.role == "admin" or (
        user.role == "trainer" and user.department_id == entry.department_id)


def edit_entry(user, entry: GuideEntry, spec: EntrySpec) -> None:
    """Save a web edit; the entry is marked so that loading the files keeps it."""
    if not can_edit(user, entry):
        raise Forbidden(_("You do not have permission to do this."))
    _apply(entry, spec)
    entry.web_edited = True
    db.session.add(GuideRevision(entry_id=entry.id, user_id=user.id, action="web edit",
                                 detail=spec.situation))
    audit.record("guide_entry_edited", actor=user, object_type="guide_entry",
                 object_id=entry.id, object_label=entry.situation, street_id=None,
                 district_id=None, details={"key": entry.key})
    db.session.flush()
    announce_entry(entry)


def get_entry(key: str) -> GuideEntry:
    entry = db.session.scalar(sa.select(GuideEntry).where(GuideEntry.key == key))
    if entry is None:
        raise NotFound(_("The page or item was not found."))
    return entry


# --- local contacts -------------------------------------------------------------------


def may_manage(user, street: Unit) -> bool:
    """Admins and district organisers manage every street's contacts; a street organiser
    only their own street's."""
    if user.role == "admin":
        return True
    if user.role != "organiser":
        return False
    own = street_id_of(user)
    return own is None or own == street.id


def contacts_of(street_id: int | None, kinds: list[str] | None = None) -> list[LocalContact]:
    """A street's contacts in the order of CONTACT_KINDS, then by name; only ``kinds``."""
    if street_id is None:
        return []
    stmt = sa.select(LocalContact).where(LocalContact.street_id == street_id)
    if kinds is not None:
        stmt = stmt.where(LocalContact.kind.in_(kinds))
    order = list(CONTACT_KINDS())
    found = db.session.scalars(stmt).all()
    return sorted(found, key=lambda c: (order.index(c.kind) if c.kind in order else 99, c.name))


def managed_contact(user, contact_id: int) -> LocalContact:
    """The contact, if ``user`` may manage it; NotFound otherwise (never whose it is)."""
    contact = db.session.get(LocalContact, contact_id)
    if contact is None or not may_manage(user, contact.street):
        raise NotFound(_("The page or item was not found."))
    return contact


def _fill(contact: LocalContact, kind: str, name: str, phone: str, note: str) -> None:
    if kind not in CONTACT_KINDS():
        raise Invalid(_("Choose a kind of contact."), field="kind")
    values = {"name": name.strip(), "phone": phone.strip(), "note": note.strip()}
    for field_name in ("name", "phone"):
        if not values[field_name]:
            raise Invalid(_("This field is required."), field=field_name)
    for field_name, limit in CONTACT_LIMITS.items():
        if len(values[field_name]) > limit:
            raise Invalid(_("At most %(n)s characters.", n=limit), field=field_name)
    contact.kind = kind
    contact.name, contact.phone, contact.note = values["name"], values["phone"], values["note"]


def add_contact(user, street: Unit, kind: str, name: str, phone: str,
                note: str = "") -> LocalContact:
    """Add a local contact to ``street`` (its organiser, a district organiser or an admin)."""
    if street.level != "street" or not may_manage(user, street):
        raise Forbidden(_("You do not have permission to do this."))
    contact = LocalContact(street_id=street.id)
    _fill(contact, kind, name, phone, note)
    db.session.add(contact)
    db.session.flush()
    _contact_audit("contact_added", user, contact)
    return contact


def update_contact(user, contact: LocalContact, kind: str, name: str, phone: str,
                   note: str = "") -> None:
    """Change a local contact (whoever may manage its street)."""
    if not may_manage(user, contact.street):
        raise Forbidden(_("You do not have permission to do this."))
    _fill(contact, kind, name, phone, note)
    db.session.flush()
    _contact_audit("contact_edited", user, contact)


def _contact_audit(action: str, user, contact: LocalContact) -> None:
    audit.record(action, actor=user, unit=contact.street, object_type="contact",
                 object_id=contact.id, object_label=contact.name,
                 details={"kind": contact.kind})


def delete_contact(user, contact: LocalContact) -> None:
    """Remove a local contact (whoever may manage its street)."""
    if not may_manage(user, contact.street):
        raise Forbidden(_("You do not have permission to do this."))
    _contact_audit("contact_deleted", user, contact)
    db.session.delete(contact)
    db.session.flush()


def on_course_renamed(course, old: str, new: str, **_kwargs) -> None:
    """Signal course_renamed: the entries' lesson links (``slug/file``) follow the course."""
    prefix = f"{old}/"
    for entry in db.session.scalars(sa.select(GuideEntry).where(
            sa.cast(GuideEntry.lessons, sa.Text).contains(prefix, autoescape=True))):
        lessons = [f"{new}/{ref[len(prefix):]}" if ref.startswith(prefix) else ref
                   for ref in entry.lessons or []]
        if lessons != entry.lessons:
            entry.lessons = lessons
    db.session.flush()
