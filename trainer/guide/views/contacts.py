"""A street's local contacts: everyone in the street reads them, its organiser (or a
district organiser, or an admin) adds, edits and deletes them."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.access import roles_required
from trainer.auth.forms import ConfirmForm
from trainer.guide import services
from trainer.guide.forms import ContactForm
from trainer.guide.views.blueprint import bp
from trainer.guide.views.common import viewer_street
from trainer.unit_of_work import refusal_on

managers = roles_required("organiser", "admin")


def _list_url(street) -> str:
    return url_for("guide.contacts", street=street.code if street else None)


@bp.route("/guide/contacts")
@login_required
def contacts():
    street, streets = viewer_street(current_user, request.args.get("street"))
    return render_template(
        "guide/contacts.html", street=street, streets=streets,
        contacts=services.contacts_of(street.id if street else None),
        can_manage=street is not None and services.may_manage(current_user, street),
        confirm=ConfirmForm())


@bp.route("/guide/contacts/new", methods=["GET", "POST"])
@managers
def new_contact():
    street, _streets = viewer_street(current_user, request.values.get("street"))
    if street is None:
        flash(_("Choose a street first."), "error")
        return redirect(url_for("guide.contacts"))
    if not services.may_manage(current_user, street):
        abort(403)
    form = ContactForm()
    if form.validate_on_submit():
        with refusal_on(form):
            services.add_contact(current_user, street, form.kind.data, form.name.data,
                                 form.phone.data, form.note.data or "")
            flash(_("Saved."), "ok")
            return redirect(_list_url(street))
    status = 422 if request.method == "POST" else 200
    return render_template("guide/contact_form.html", form=form, street=street,
                           contact=None), status


@bp.route("/guide/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@managers
def edit_contact(contact_id: int):
    contact = services.managed_contact(current_user, contact_id)
    form = ContactForm(obj=contact if request.method == "GET" else None)
    if form.validate_on_submit():
        with refusal_on(form):
            services.update_contact(current_user, contact, form.kind.data, form.name.data,
                                    form.phone.data, form.note.data or "")
            flash(_("Saved."), "ok")
            return redirect(_list_url(contact.street))
    status = 422 if request.method == "POST" else 200
    return render_template("guide/contact_form.html", form=form, street=contact.street,
                           contact=contact), status


@bp.post("/guide/contacts/<int:contact_id>/delete")
@managers
def delete_contact(contact_id: int):
    contact = services.managed_contact(current_user, contact_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    street = contact.street
    services.delete_contact(current_user, contact)
    flash(_("Deleted."), "ok")
    return redirect(_list_url(street))

