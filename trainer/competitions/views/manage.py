"""Organiser pages: create and edit a competition and its rounds, open, close, publish,
and read the dashboard, the results export, the audit log, integrity flags and appeals."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.access import roles_required
from trainer.competitions import analysis, appeals, audit, export, integrity, publishing, services
from trainer.competitions import form_choices as pick
from trainer.competitions.forms import (
    CompetitionForm,
    PublishForm,
    ResolveForm,
    RoundForm,
    StatusForm,
    keep_order,
)
from trainer.competitions.queries import get_managed, get_round
from trainer.competitions.spec import parse_competition, parse_round
from trainer.competitions.views.blueprint import bp
from trainer.competitions.views.common import page_arg
from trainer.confirmation import confirmed, refused
from trainer.errors import Conflict, Invalid
from trainer.extensions import db
from trainer.unit_of_work import refusal_on, refusal_redirects

organisers = roles_required("organiser", "admin")


# Body fields shown on another field of the competition form.
ALIASES = {"eligibility": "courses", "honours": "honour_title"}


@bp.route("/competitions/new", methods=["GET", "POST"])
@organisers
def new():
    form = pick.competition_form(CompetitionForm(), current_user)
    if form.validate_on_submit():
        with refusal_on(form, ALIASES):
            comp = services.create_competition(current_user, parse_competition(form.body()),
                                               status="draft")
            return redirect(url_for(".manage", comp_id=comp.id))
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/form.html", form=form, comp=None), status


@bp.route("/competitions/<int:comp_id>/edit", methods=["GET", "POST"])
@organisers
def edit(comp_id: int):
    comp = get_managed(current_user, comp_id)
    form = pick.competition_form(CompetitionForm(), current_user, comp)
    if request.method == "GET":
        form.fill(comp)
    elif form.validate_on_submit():
        with refusal_on(form, ALIASES):
            body = {**form.body(), "street": comp.street.code if comp.street else None}
            body["eligibility"] = keep_order(body["eligibility"], comp.eligibility)
            spec = parse_competition(body)
            services.update_competition(current_user, comp, spec, form.reason.data or "")
            return redirect(url_for(".manage", comp_id=comp.id))
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/form.html", form=form, comp=comp), status


@bp.route("/competitions/<int:comp_id>/manage")
@organisers
def manage(comp_id: int):
    comp = get_managed(current_user, comp_id)
    return render_template("competitions/manage.html", comp=comp, form=StatusForm(),
                           open_appeals=appeals.open_count(comp), **pick.manage_context(comp))


def _round_form(comp, rnd=None):
    return pick.round_form(RoundForm(), current_user, comp, rnd)


def _save_round(comp, form, rnd=None) -> None:
    spec = parse_round(form.body(), comp)
    if rnd is None:
        services.add_round(current_user, comp, spec, form.reason.data or "")
    else:
        services.update_round(current_user, rnd, spec, form.reason.data or "")


@bp.route("/competitions/<int:comp_id>/rounds/new", methods=["GET", "POST"])
@organisers
def new_round(comp_id: int):
    comp = get_managed(current_user, comp_id)
    form = _round_form(comp)
    if form.validate_on_submit():
        with refusal_on(form, ALIASES):
            _save_round(comp, form)
            return redirect(url_for(".manage", comp_id=comp.id))
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/round_form.html", form=form, comp=comp,
                           rnd=None), status


@bp.route("/competitions/<int:comp_id>/rounds/<int:n>/edit", methods=["GET", "POST"])
@organisers
def edit_round(comp_id: int, n: int):
    comp = get_managed(current_user, comp_id)
    rnd = get_round(comp, n)
    form = _round_form(comp, rnd)
    if request.method == "GET":
        form.fill(rnd)
    elif form.validate_on_submit():
        with refusal_on(form, ALIASES):
            _save_round(comp, form, rnd)
            return redirect(url_for(".manage", comp_id=comp.id))
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/round_form.html", form=form, comp=comp,
                           rnd=rnd), status


@bp.post("/competitions/<int:comp_id>/status")
@organisers
@refusal_redirects(".manage", "comp_id")
def change_status(comp_id: int):
    comp = get_managed(current_user, comp_id)
    form = StatusForm()
    if request.form.get("action") == "close" and not confirmed():
        refused(_("Tick the box to confirm closing every round now; nothing was changed."))
    elif form.validate_on_submit():
        services.set_status(current_user, comp, request.form.get("action", ""),
                            form.reason.data or "")
    return redirect(url_for(".manage", comp_id=comp.id))


@bp.route("/competitions/<int:comp_id>/publish", methods=["GET", "POST"])
@organisers
@refusal_redirects(".publish", "comp_id", only=(Conflict, Invalid))  # a 404 stays a 404
def publish(comp_id: int):
    """The review page: what is still outstanding and who would be honoured; publishing
    needs the confirmation box ticked (open appeals always refuse)."""
    comp = get_managed(current_user, comp_id)
    if comp.status == "published":
        return redirect(url_for(".manage", comp_id=comp.id))
    form = PublishForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(_("The reason may hold at most 500 characters."), "error")
        elif not form.confirm.data:
            flash(_("Tick the confirmation box to publish; nothing was published."), "error")
        else:
            publishing.publish(current_user, comp, form.reason.data or "", confirm=True)
            flash(_("Results published: honours awarded and certificates issued."), "ok")
            return redirect(url_for(".manage", comp_id=comp.id))
        return redirect(url_for(".publish", comp_id=comp.id))
    items = publishing.outstanding(comp)
    return render_template("competitions/publish.html", comp=comp, form=form, items=items,
                           honours=publishing.preview_honours(comp),
                           blocked=any(i["kind"] == "appeals_open" for i in items))


@bp.route("/competitions/<int:comp_id>/dashboard")
@organisers
def dashboard(comp_id: int):
    comp = get_managed(current_user, comp_id)
    svg, counts = analysis.distribution_svg(comp)
    items = [analysis.round_items(r) for r in comp.rounds if r.quiz_id is not None]
    return render_template("competitions/dashboard.html", comp=comp, chart=svg, counts=counts,
                           rows=analysis.participation(comp), item_rounds=items,
                           question_url=pick.question_url)


@bp.route("/competitions/<int:comp_id>/results.xlsx")
@organisers
def results_export(comp_id: int):
    comp = get_managed(current_user, comp_id)
    data = export.results_workbook(comp)
    return Response(data, headers={"Content-Disposition":
                                   f'attachment; filename="competition-{comp.id}-results.xlsx"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/competitions/<int:comp_id>/audit")
@organisers
def audit_log(comp_id: int):
    comp = get_managed(current_user, comp_id)
    page = db.paginate(audit.audit_log(comp.id), page=page_arg(), per_page=50,
                       error_out=False)
    return render_template("competitions/audit.html", comp=comp, page=page)


@bp.route("/competitions/<int:comp_id>/integrity")
@organisers
def integrity_flags(comp_id: int):
    comp = get_managed(current_user, comp_id)
    return render_template("competitions/integrity.html", comp=comp,
                           flags=integrity.integrity_flags(comp))


@bp.route("/competitions/<int:comp_id>/appeals")
@organisers
def appeal_list(comp_id: int):
    comp = get_managed(current_user, comp_id)
    page = db.paginate(appeals.appeals_of(comp), page=page_arg(), per_page=30,
                       error_out=False)
    return render_template("competitions/appeals.html", comp=comp, page=page,
                           form=ResolveForm())


@bp.post("/competitions/<int:comp_id>/appeals/<int:appeal_id>")
@organisers
@refusal_redirects(".appeal_list", "comp_id")
def resolve(comp_id: int, appeal_id: int):
    comp = get_managed(current_user, comp_id)
    appeal = appeals.get_appeal(comp, appeal_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the decision."), "error")
        return redirect(url_for(".appeal_list", comp_id=comp.id))
    percent = float(form.percent.data) if form.percent.data is not None else None
    appeals.resolve_appeal(current_user, appeal, form.decision.data, form.reason.data, percent)
    return redirect(url_for(".appeal_list", comp_id=comp.id))
