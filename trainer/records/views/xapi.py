"""The xAPI downloads (trainer/records/xapi.py): one's own statements, and an organiser's
of one person or of a whole street in their scope; an admin queues the sending to the
learning record store."""

import json
import re

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.access import admin_required, roles_required
from trainer.auth.forms import ConfirmForm
from trainer.auth.models import User
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.scope import in_scope, units_query, users_query
from trainer.records import xapi
from trainer.records.views.blueprint import bp

organiser_required = roles_required("organiser", "admin")


def _statements_download(users: list[User], filename: str) -> Response:
    """The statements of ``users`` as a JSON file; the users' xAPI ids are given first
    where missing, in a write of its own (this is a GET)."""
    if any(not user.xapi_id for user in users):
        with write_transaction():
            xapi.ensure_xapi_ids(users)
    body = json.dumps(xapi.statements_for(users), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:60]


@bp.route("/me/record/xapi.json")
@login_required
def my_xapi():
    return _statements_download([current_user._get_current_object()], "xapi-me.json")


@bp.route("/records/xapi")
@organiser_required
def xapi_page():
    streets = db.session.scalars(units_query(current_user).where(Unit.level == "street"))
    return render_template("records/xapi.html", streets=list(streets), form=ConfirmForm(),
                           lrs=bool(current_app.config.get("XAPI_LRS_URL")))


@bp.post("/records/xapi/send")
@admin_required
def xapi_send():
    """Queue the sending of what the learning record store has not taken yet (the job
    "xapi-send"; the consumer also runs it every 15 minutes)."""
    from trainer.jobs import queue

    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not current_app.config.get("XAPI_LRS_URL"):
        flash(_("No learning record store is configured (XAPI_LRS_URL)."), "error")
        return redirect(url_for("records.xapi_page"))
    job = queue.start("xapi-send", owner=current_user,
                      title=_("Send xAPI statements to the learning record store"))
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/records/xapi/worker.json")
@organiser_required
def worker_xapi():
    """One person's statements, by username (the page's form): anyone outside the
    caller's scope is as unknown as a missing name (404)."""
    username = request.args.get("username", "").strip()[:40]
    user = db.session.scalar(users_query(current_user).where(
        sa.func.lower(User.username) == username.lower())) if username else None
    if user is None:
        abort(404)
    return _statements_download([user], f"xapi-{_safe(user.username)}.json")


@bp.route("/records/xapi/streets/<code>.json")
@organiser_required
def street_xapi(code: str):
    street = db.session.scalar(sa.select(Unit).where(Unit.code == code[:40],
                                                     Unit.level == "street"))
    if street is None or not in_scope(current_user, street):
        abort(404)
    return _statements_download(xapi.users_of_street(street.id),
                                f"xapi-street-{_safe(street.code)}.json")
