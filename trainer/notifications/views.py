"""My notifications (提醒) and what I receive."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.forms import ConfirmForm
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.notifications import services
from trainer.notifications.forms import SettingsForm
from trainer.notifications.models import KINDS
from trainer.notifications.texts import KIND_LABELS, text_of

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def index():
    page = db.paginate(services.mine(current_user), page=request.args.get("page", 1, type=int),
                       per_page=20, error_out=False)
    items = [(n, text_of(n.kind, n.params or {}), n.read_at is None) for n in page.items]
    unread = [n.id for n, _text, new in items if new]
    if unread:  # shown now, so read (the list keeps them marked new on this page)
        with write_transaction():
            services.mark_read(current_user, unread)
    return render_template("notifications/index.html", items=items, page=page,
                           labels=KIND_LABELS(), form=ConfirmForm())


@bp.post("/notifications/read")
@login_required
def read_all():
    if ConfirmForm().validate_on_submit():
        services.mark_read(current_user)
        flash(_("All notifications marked read."), "ok")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    saved = services.settings_of(current_user)
    form = SettingsForm()
    if request.method == "GET":
        for kind in KINDS:
            getattr(form, kind).data = kind not in (saved.off_kinds or [])
        form.email.data, form.email_on.data = saved.email or "", saved.email_on
    elif form.validate_on_submit():
        if form.email_on.data and not (form.email.data or "").strip():
            form.email.errors = [_("Give an e-mail address to receive e-mail.")]
        else:
            off = [k for k in KINDS if not getattr(form, k).data]
            services.save_settings(current_user, off, form.email.data, form.email_on.data)
            flash(_("Notification settings saved."), "ok")
            return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, kinds=KINDS), (
        422 if form.errors else 200)
