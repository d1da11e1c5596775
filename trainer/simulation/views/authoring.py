"""Trainer pages: my scenarios, the YAML editor with its graph, status, preview, export."""

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from trainer.auth.access import roles_required
from trainer.confirmation import confirmed, refused
from trainer.errors import DomainError
from trainer.extensions import db
from trainer.simulation import authoring, engine, playback
from trainer.simulation.authoring import ScenarioRejected
from trainer.simulation.forms import NewScenarioForm, ScenarioForm, StatusForm
from trainer.simulation.graph import Choice
from trainer.simulation.graph import Scenario as Graph
from trainer.simulation.graphsvg import graph_svg
from trainer.simulation.models import Scenario
from trainer.simulation.queries import can_edit, editable_scenarios
from trainer.simulation.versions import graph_of
from trainer.simulation.views.blueprint import bp
from trainer.simulation.views.common import PER_PAGE, chart_for
from trainer.unit_of_work import refusal_kept

author_required = roles_required("trainer", "admin")


def _editable(slug: str) -> Scenario:
    scenario = db.session.scalar(sa.select(Scenario).where(Scenario.slug == slug))
    if scenario is None or not can_edit(current_user, scenario):
        abort(404)
    return scenario


def _graph(graph: Graph | None, reference: list[Choice] | None = None) -> Markup | None:
    """The graph view, the reference path highlighted when given; the SVG is built and
    escaped by graphsvg.graph_svg."""
    from trainer.simulation.views.editor import kind_names  # it imports this module

    if graph is None:
        return None
    return Markup(graph_svg(graph, _("Scenario graph"), reference, _("Reference path"),
                            kind_names=kind_names()))


def _reference(graph: Graph | None) -> list[Choice] | None:
    """The reference path of a saved (so valid) version; None when there is no version
    or no success ending can be reached."""
    return engine.reference_path(graph) if graph is not None else None


@bp.route("/author/scenarios")
@author_required
def my_scenarios():
    page = db.paginate(editable_scenarios(current_user), per_page=PER_PAGE, error_out=False)
    return render_template("simulation/my_scenarios.html", page=page)


@bp.route("/author/scenarios/new", methods=["GET", "POST"])
@author_required
def new_scenario():
    form = NewScenarioForm()
    if request.method == "GET":
        form.yaml.data = authoring.starter_yaml(current_user)
    if not form.validate_on_submit():
        return render_template("simulation/edit.html", form=form, scenario=None)
    with refusal_kept() as refused:
        scenario = authoring.create_scenario(current_user, form.slug.data, form.yaml.data)
        flash(_("Scenario created as a draft."), "ok")
        return redirect(url_for("simulation.edit_scenario", slug=scenario.slug))
    return _rejected(form, refused.error, None)


@bp.route("/author/scenarios/<slug>", methods=["GET", "POST"])
@author_required
def edit_scenario(slug: str):
    scenario = _editable(slug)
    form = ScenarioForm()
    if request.method == "GET":
        form.yaml.data = authoring.scenario_yaml(scenario)
    if not form.validate_on_submit():
        graph = graph_of(scenario.current_version) if scenario.current_version else None
        reference = _reference(graph)
        return render_template("simulation/edit.html", form=form, scenario=scenario,
                               graph=_graph(graph, reference), reference=reference,
                               sums=engine.reference_sums(graph) if reference else {},
                               status=StatusForm())
    with refusal_kept() as refused:
        version = authoring.save_scenario(current_user, scenario, form.yaml.data)
        flash(_("Saved as version %(n)s.", n=version.number) if version else _("No changes."),
              "ok")
        return redirect(url_for("simulation.edit_scenario", slug=slug))
    return _rejected(form, refused.error, _editable(slug))


def _rejected(form, exc: DomainError, scenario: Scenario | None):
    """The editor again (422) after a refused save (rolled back): the problems of the text
    with the graph as far as it reads, or the refusal on the field it names."""
    problems = getattr(exc, "problems", [])
    if not problems:
        getattr(form, exc.extra.get("field", ""), form.yaml).errors.append(exc.message)
    draft = exc.draft if isinstance(exc, ScenarioRejected) else None
    return render_template("simulation/edit.html", form=form, scenario=scenario,
                           problems=problems, error=exc.message, graph=_graph(draft),
                           status=StatusForm()), 422


@bp.post("/author/scenarios/<slug>/status")
@author_required
def scenario_status(slug: str):
    scenario = _editable(slug)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    if scenario.status == "published" and form.status.data == "draft" and not confirmed():
        refused(_("Tick the box to confirm withdrawing the scenario; nothing was changed."))
        return redirect(url_for("simulation.edit_scenario", slug=slug))
    back = url_for("simulation.build_scenario" if request.form.get("back") == "build"
                   else "simulation.edit_scenario", slug=slug)
    with refusal_kept() as refusal:
        authoring.set_status(current_user, scenario, form.status.data)
        flash(_("Published.") if scenario.status == "published" else _("Withdrawn to draft."),
              "ok")
    if refusal.error is not None:
        flash(refusal.error.message, "error")
    return redirect(back)


@bp.route("/author/scenarios/<slug>/preview")
@author_required
def preview(slug: str):
    scenario = _editable(slug)
    version = scenario.current_version
    if version is None:
        abort(404)
    path = request.args.getlist("path")[:500]
    try:
        state = playback.play_state(graph_of(version), version.html, path)
    except engine.RunError:
        flash(_("That path does not fit the current version; the preview starts again."),
              "error")
        return redirect(url_for("simulation.preview", slug=slug))
    return render_template("simulation/preview.html", scenario=scenario, state=state,
                           chart=chart_for(state["scores"]) if state["finished"] else None,
                           preview=True, can_choose=True)


@bp.route("/author/scenarios/<slug>/export")
@author_required
def export(slug: str):
    scenario = _editable(slug)
    disposition = f'attachment; filename="{slug}.yml"'
    return Response(authoring.scenario_yaml(scenario),
                    content_type="application/yaml; charset=utf-8",
                    headers={"Content-Disposition": disposition})
