"""The visual scenario editor: plain forms for the scenario, each node and its choices,
deleting a node, play-testing the draft from any node, and importing YAML/Twee/Twine files
uploaded in the browser. JavaScript (static/js/scenario-editor.js) adds range sliders,
quick effect steps, the unsaved-changes warning, and on the builder page dragging nodes and
arrow ends in the graph and editing a node's text and labels in place: those post JSON
(CSRF header, the draft revision) to the small endpoints at the end, which call the same
editor services as the forms and answer the page's fresh parts."""

from flask import (
    abort,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from trainer.markup import render_markdown
from trainer.simulation import editor, engine, playback
from trainer.simulation.editor import NEW_NODE, ChoiceInput, StaleDraft
from trainer.simulation.forms import EditorForm, ImportForm
from trainer.simulation.graph import COMPETENCIES, scenario_from_dict
from trainer.simulation.graphsvg import graph_svg
from trainer.simulation.versions import render_nodes
from trainer.simulation.views.authoring import _editable, author_required
from trainer.simulation.views.blueprint import bp
from trainer.simulation.views.common import chart_for
from trainer.unit_of_work import refusal_kept

EXTRA_CHOICES = 2  # blank choice rows offered under the existing ones
MAX_CHOICES = 12


def kind_names() -> dict[str, str]:
    return {"unreachable": _("无法到达"), "dead_end": _("死胡同"), "dangling": _("目标不存在"),
            "cycle": _("循环"), "missing": _("不存在的节点"), "success": _("成功结局"),
            "partial": _("部分解决结局"), "failure": _("失败结局")}


def ending_names() -> dict[str, str]:
    return {"": _("不是结局（有选项）"), "success": _("成功结局"),
            "partial": _("部分解决结局"), "failure": _("失败结局")}


def draft_graph_svg(draft: dict, highlight: set[str] | None = None,
                    editable: bool = False) -> Markup:
    graph = scenario_from_dict(draft)
    return Markup(graph_svg(graph, _("Scenario graph"), labels=editor.node_names(draft),
                            kind_names=kind_names(), highlight=highlight or set(),
                            positions=editor.layout_of(draft), editable=editable))


def _rev() -> int | None:
    try:
        return int(request.form.get("rev", ""))
    except ValueError:
        return None


def _report_text(found: list) -> str:
    if found:
        return _("已保存为草稿，但还有 %(n)s 个问题需要修正（见下方），修正前不能发布。",
                 n=len(found))
    return _("已保存，草稿检查通过。")


def _report(found: list) -> None:
    flash(_report_text(found), "error" if found else "ok")


@bp.route("/author/scenarios/create", methods=["GET", "POST"])
@author_required
def create_draft():
    form = EditorForm()
    values = {"title": request.form.get("title", ""), "summary": request.form.get("summary", ""),
              "competencies": request.form.getlist("competencies")}
    if form.validate_on_submit():
        with refusal_kept() as refused:
            scenario = editor.create_draft(current_user, values["title"], values["summary"],
                                           values["competencies"])
            flash(_("已创建草稿，请写第一个节点。"), "ok")
            return redirect(url_for("simulation.edit_node", slug=scenario.slug,
                                    key=editor.draft_of(scenario)["start"]))
        flash(refused.error.message, "error")
        return render_template("simulation/create.html", form=form, values=values,
                               competencies=COMPETENCIES), 422
    return render_template("simulation/create.html", form=form, values=values,
                           competencies=COMPETENCIES)


def _builder(scenario, status: int = 200, values: dict | None = None):
    from trainer.simulation.forms import StatusForm

    draft = editor.draft_of(scenario)
    found = editor.problems(draft)
    values = values or {"title": draft["title"], "summary": draft["summary"],
                        "competencies": draft["competencies"], "start": draft["start"]}
    return render_template(
        "simulation/builder.html", scenario=scenario, draft=draft, problems=found,
        names=editor.node_names(draft), bad=editor.problem_nodes(found), values=values,
        graph=draft_graph_svg(draft, editor.problem_nodes(found), editable=True),
        form=EditorForm(), status=StatusForm(), competencies=COMPETENCIES,
        endings=ending_names(), nodes_data=_nodes_data(draft),
        can_publish=not found and scenario.current_version is not None), status


@bp.route("/author/scenarios/<slug>/build", methods=["GET", "POST"])
@author_required
def build_scenario(slug: str):
    scenario = _editable(slug)
    if request.method == "GET":
        return _builder(scenario)
    form = EditorForm()
    if not form.validate_on_submit():
        abort(400)
    values = {"title": request.form.get("title", ""), "summary": request.form.get("summary", ""),
              "competencies": request.form.getlist("competencies"),
              "start": request.form.get("start", "")}
    with refusal_kept() as refused:
        _report(editor.save_meta(current_user, scenario, _rev(), values["title"],
                                 values["summary"], values["competencies"], values["start"]))
        return redirect(url_for("simulation.build_scenario", slug=slug))
    scenario = _editable(slug)
    flash(refused.error.message, "error")
    return _builder(scenario, 409 if isinstance(refused.error, StaleDraft) else 422, values)


@bp.post("/author/scenarios/<slug>/nodes")
@author_required
def add_node(slug: str):
    scenario = _editable(slug)
    form = EditorForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal_kept() as refused:
        key = editor.add_node(current_user, scenario, _rev())
        return redirect(url_for("simulation.edit_node", slug=slug, key=key))
    flash(refused.error.message, "error")
    return redirect(url_for("simulation.build_scenario", slug=slug))


def _choice_rows(node: dict) -> list[dict]:
    rows = [dict(c) for c in node["choices"]]
    rows += [{"key": "", "label": "", "goto": "", "effects": {}, "feedback": ""}
             for _i in range(min(EXTRA_CHOICES, MAX_CHOICES - len(rows)))]
    return rows


def _posted_node() -> tuple[str, str | None, list[ChoiceInput], list[str]]:
    """The node form as posted: text, ending, the choices with a label, and field errors."""
    errors: list[str] = []
    text = request.form.get("text", "")[:20_000]
    ending = request.form.get("ending", "") or None
    choices = []
    for i in range(MAX_CHOICES):
        label = request.form.get(f"c{i}-label", "").strip()
        if not label:
            continue
        effects = {}
        for name in COMPETENCIES:
            raw = request.form.get(f"c{i}-{name}", "").strip()
            if not raw:
                continue
            try:
                effects[name] = int(raw)
            except ValueError:
                errors.append(_("选项「%(label)s」的分值必须是 -10 到 10 之间的整数。",
                                label=label))
        goto = request.form.get(f"c{i}-goto", "")
        choices.append(ChoiceInput(request.form.get(f"c{i}-key", "")[:40], label[:500],
                                   goto or NEW_NODE, effects,
                                   request.form.get(f"c{i}-feedback", "")[:2000]))
    return text, ending, choices, errors


def _node_page(scenario, key: str, status: int = 200, posted: dict | None = None):
    draft = editor.draft_of(scenario)
    node = editor.find_node(draft, key)
    if node is None:
        abort(404)
    shown = posted or node
    found = editor.problems(draft)
    return render_template(
        "simulation/node.html", scenario=scenario, draft=draft, node=node, shown=shown,
        rows=_choice_rows(shown), names=editor.node_names(draft), key=key,
        problems=[p for p in found if p.node == key], all_problems=found,
        preview_html=Markup(render_markdown(shown["text"])) if shown["text"] else None,
        form=EditorForm(), competencies=[c for c in draft["competencies"]],
        endings=ending_names(), new_node=NEW_NODE), status


@bp.route("/author/scenarios/<slug>/nodes/<key>", methods=["GET", "POST"])
@author_required
def edit_node(slug: str, key: str):
    scenario = _editable(slug)
    if request.method == "GET":
        return _node_page(scenario, key)
    form = EditorForm()
    if not form.validate_on_submit():
        abort(400)
    text, ending, choices, errors = _posted_node()
    posted = {"key": key, "text": text, "ending": ending,
              "choices": [vars(c) for c in choices]}
    if request.form.get("action") == "preview":  # Markdown preview, nothing saved
        return _node_page(scenario, key, 200, posted)
    if errors:
        for message in errors:
            flash(message, "error")
        return _node_page(scenario, key, 422, posted)
    with refusal_kept() as refused:
        _report(editor.save_node(current_user, scenario, _rev(), key, text, ending, choices))
        return redirect(url_for("simulation.build_scenario", slug=slug) + "#nodes")
    flash(refused.error.message, "error")
    return _node_page(_editable(slug), key,
                      409 if isinstance(refused.error, StaleDraft) else 422, posted)


@bp.route("/author/scenarios/<slug>/nodes/<key>/delete", methods=["GET", "POST"])
@author_required
def delete_node(slug: str, key: str):
    scenario = _editable(slug)
    draft = editor.draft_of(scenario)
    if editor.find_node(draft, key) is None:
        abort(404)
    incoming = editor.pointing_at(draft, key)
    if request.method == "POST":
        form = EditorForm()
        if not form.validate_on_submit():
            abort(400)
        retarget = {(n, c["key"]): request.form.get(f"to-{n}-{c['key']}", "")
                    for n, c in incoming}
        with refusal_kept() as refused:
            _report(editor.delete_node(current_user, scenario, _rev(), key, retarget))
            return redirect(url_for("simulation.build_scenario", slug=slug) + "#nodes")
        flash(refused.error.message, "error")
        scenario = _editable(slug)
        draft = editor.draft_of(scenario)
    return render_template("simulation/node_delete.html", scenario=scenario, draft=draft,
                           key=key, incoming=incoming, names=editor.node_names(draft),
                           form=EditorForm())


@bp.route("/author/scenarios/<slug>/playtest")
@author_required
def playtest(slug: str):
    scenario = _editable(slug)
    start = request.args.get("from") or None
    graph = editor.playtest_graph(scenario, start)
    if graph is None:
        flash(_("从这个节点出发的部分还有问题（目标不存在、死胡同或循环），修正后才能试玩。"),
              "error")
        return redirect(url_for("simulation.build_scenario", slug=slug))
    path = request.args.getlist("path")[:500]
    try:
        state = playback.play_state(graph, render_nodes(graph), path)
    except engine.RunError:
        return redirect(url_for("simulation.playtest", slug=slug, **{"from": graph.start}))
    return render_template("simulation/playtest.html", scenario=scenario, state=state,
                           chart=chart_for(state["scores"]) if state["finished"] else None,
                           preview=True, can_choose=True, play_from=graph.start,
                           play_action=url_for("simulation.playtest", slug=slug),
                           start_name=editor.node_name(editor.draft_of(scenario), graph.start))


@bp.route("/author/scenarios/import", methods=["GET", "POST"])
@author_required
def import_scenario():
    """Upload a YAML, Twee or Twine HTML file: a preview with its problems and a suggested
    short name, then a draft is created (kept even with problems) once confirmed."""
    from trainer.simulation import importing

    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("simulation/import.html", form=form, result=None)
    if form.file.data:
        raw = form.file.data.read(importing.MAX_BYTES + 1)
        name = form.file.data.filename or "upload.yml"
        result = importing.read_upload(raw, name)
        form.text.data, form.filename.data = result.text, name
        form.slug.data = result.slug
        return render_template("simulation/import.html", form=form, result=result,
                               graph=draft_graph_svg(result.draft) if result.draft else None)
    result = importing.read_upload((form.text.data or "").encode("utf-8"),
                                   form.filename.data or "upload.yml")
    if result.draft is None or not form.confirm.data:
        if result.draft is not None:
            flash(_("请勾选确认后再导入。"), "error")
        return render_template("simulation/import.html", form=form, result=result,
                               graph=draft_graph_svg(result.draft) if result.draft else None
                               ), 422
    with refusal_kept() as refused:
        scenario = editor.create_draft(current_user, result.draft["title"] or form.slug.data,
                                       result.draft["summary"],
                                       list(result.draft["competencies"]), result.draft,
                                       form.slug.data)
        flash(_("已导入为草稿。"), "ok")
        return redirect(url_for("simulation.build_scenario", slug=scenario.slug))
    form.slug.errors = [refused.error.message]
    return render_template("simulation/import.html", form=form, result=result,
                           graph=draft_graph_svg(result.draft)), 422


# --- the builder page's script: drag and inline editing (JSON in, JSON out) ------------


def _nodes_data(draft: dict) -> list[dict]:
    """What the inline editor shows of each node (read by the page's script)."""
    names = editor.node_names(draft)
    return [{"key": n["key"], "name": names[n["key"]], "text": n["text"],
             "ending": n["ending"],
             "choices": [{"key": c["key"], "label": c["label"], "goto": c["goto"]}
                         for c in n["choices"]]} for n in draft["nodes"]]


def _live(scenario) -> dict:
    """The builder page's parts that a save changes, rendered as on the page."""
    draft = editor.draft_of(scenario)
    found = editor.problems(draft)
    bad = editor.problem_nodes(found)
    names = editor.node_names(draft)
    parts = "simulation/_builder_parts.html"
    return {
        "rev": scenario.draft_rev,
        "nodes": _nodes_data(draft),
        "problems": str(get_template_attribute(parts, "problems_block")(scenario, found)),
        "list": str(get_template_attribute(parts, "node_list")(
            scenario, draft, names, bad, ending_names())),
        "graph": str(draft_graph_svg(draft, bad, editable=True)),
        "can_publish": not found and scenario.current_version is not None,
    }


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _body_rev(body: dict) -> int | None:
    rev = body.get("rev")
    return rev if isinstance(rev, int) and not isinstance(rev, bool) else None


def _answer(slug: str, save):
    """Run ``save`` (an editor service call); answer the fresh page parts, or the refusal
    as ``{"error": {"code", "message"}}`` with its status: a stale save (someone saved
    first) also carries the newer draft's parts, as the form shows it, and nothing of the
    author's typing is touched on the page."""
    with refusal_kept() as refused:
        found = save()
        return jsonify({"message": _report_text(found), "ok": not found,
                        **_live(_editable(slug))})
    error = refused.error
    body: dict = {"error": {"code": error.code, "message": error.message}}
    if isinstance(error, StaleDraft):
        body.update(_live(_editable(slug)))
    return jsonify(body), error.status


@bp.post("/author/scenarios/<slug>/layout")
@author_required
def save_layout(slug: str):
    """Where nodes were dragged: ``{"rev": n, "positions": {"n1": [x, y], ...}}``."""
    scenario = _editable(slug)
    body = _body()
    return _answer(slug, lambda: editor.save_layout(current_user, scenario, _body_rev(body),
                                                    body.get("positions")))


@bp.post("/author/scenarios/<slug>/nodes/<key>/retarget")
@author_required
def retarget_choice(slug: str, key: str):
    """An arrow's end dropped on a node: ``{"rev": n, "choice": "c1", "goto": "n4"}``."""
    scenario = _editable(slug)
    body = _body()
    return _answer(slug, lambda: editor.retarget_choice(
        current_user, scenario, _body_rev(body), key, str(body.get("choice", ""))[:40],
        body.get("goto")))


@bp.post("/author/scenarios/<slug>/nodes/<key>/inline")
@author_required
def edit_in_place(slug: str, key: str):
    """The inline editor: ``{"rev": n, "text": "...", "labels": {"c1": "...", ...}}``."""
    scenario = _editable(slug)
    body = _body()
    return _answer(slug, lambda: editor.edit_in_place(
        current_user, scenario, _body_rev(body), key, body.get("text"), body.get("labels")))
