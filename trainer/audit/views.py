"""The audit log page (审计日志): admins read every event, organisers those in their scope;
filters by person, action, object and time; pages; the same selection as ``.xlsx``."""

import json

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from trainer.audit import queries
from trainer.audit.sentences import ACTIONS, action_label, actor_text, sentence
from trainer.auth.access import roles_required
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.spreadsheets import workbook_bytes

bp = Blueprint("audit", __name__)
# the download holds at most this many events (the newest): a narrower filter finds more
EXPORT_LIMIT = 20000


def OBJECT_LABELS():  # noqa: N802 - a constant-like table, built lazily for translation
    return {"user": _("Account"), "unit": _("Unit"), "course": _("Course"),
            "question": _("Question"), "bank": _("Question bank"), "quiz": _("Quiz"),
            "scenario": _("Scenario"), "competition": _("Competition"),
            "plan": _("Training plan"),
            "guide_entry": _("Guide entry"), "contact": _("Local contact"),
            "path": _("Page")}


def _filters():
    filters, bad = queries.parse_filters(request.args)
    errors = [_("The date “%(value)s” is not a date like 2026-12-06; it was ignored.",
                value=request.args.get(key, "")[:20]) for key in bad]
    return filters, errors


@bp.route("/admin/audit")
@roles_required("admin", "organiser")
def index():
    filters, errors = _filters()
    page = db.paginate(queries.events_query(current_user, filters), per_page=30,
                       error_out=False, max_per_page=30)
    actions = sorted(((code, str(label)) for code, (label, _s) in ACTIONS().items()),
                     key=lambda pair: pair[1])
    return render_template("audit/index.html", page=page, filters=filters, errors=errors,
                           actions=actions, object_labels=OBJECT_LABELS(),
                           sentence=sentence, export_args=filters.args()), 400 if errors else 200


@bp.route("/admin/audit.xlsx")
@roles_required("admin", "organiser")
def export():
    filters, errors = _filters()
    if errors:
        return render_template("errors/error.html", status=400, message=errors[0]), 400
    stmt = queries.events_query(current_user, filters).limit(EXPORT_LIMIT)
    zone, labels = local_zone(), OBJECT_LABELS()
    rows = [[event.at.astimezone(zone).replace(tzinfo=None), actor_text(event),
             action_label(event.action), labels.get(event.object_type, event.object_type),
             event.object_label, sentence(event), event.ip, event.request_id,
             json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True)]
            for event in db.session.scalars(stmt)]
    header = [_("When"), _("Who"), _("Action"), _("Object type"), _("Object"),
              _("What happened"), _("Address"), _("Request ID"), _("Details")]
    data = workbook_bytes([(_("Audit log"), header, rows)])
    return Response(data, headers={"Content-Disposition": 'attachment; filename="audit-log.xlsx"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
