"""The organiser's training dashboard: figures by street, community or grid, per worker,
per competency and per contest, each as an SVG chart with its table and an .xlsx download.
One rollup (a fixed number of statements) feeds the whole page."""

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.access import roles_required
from trainer.org.scope import competency_label, is_district_wide
from trainer.org.services import DEPARTMENTS
from trainer.records import dashboards
from trainer.records.charts import bar_chart
from trainer.records.figures import COMPETENCIES
from trainer.records.rollup import LEVELS, rollup
from trainer.records.views.blueprint import (
    XLSX,
    bp,
    check_unit,
    page_of,
    record_half,
    record_year,
    unit_id_in_view,
    years,
)
from trainer.spreadsheets import workbook_bytes

# What the dashboard reads (practice days are the record's and the export's).
DASHBOARD_SECTIONS = ("sessions", "courses", "attempts", "runs", "competitions", "honours")


def _filters() -> dict:
    """The page's filters, read without a statement (the unit is checked against the
    rollup's units in ``_data``)."""
    unit_id = unit_id_in_view()
    department = request.args.get("department") or None
    if department is not None and department not in {code for code, _n in DEPARTMENTS}:
        department = None
    levels = LEVELS if is_district_wide(current_user) else LEVELS[1:]
    return {"year": record_year(), "half": record_half(), "unit_id": unit_id, "unit": None,
            "department": department, "departments": DEPARTMENTS,
            "by": request.args.get("by"), "levels": levels}


def _data(f: dict):
    data = rollup(current_user, f["year"], within=f["unit_id"], half=f["half"],
                  department=f["department"], keys=DASHBOARD_SECTIONS)
    unit = f["unit"] = check_unit(f["unit_id"], data.population.units)
    if f["by"] not in f["levels"]:
        f["by"] = (f["levels"][0] if unit is None else "community" if unit.level == "street"
                   else "grid")
    return data


@bp.route("/records/dashboard")
@roles_required("organiser", "admin")
def dashboard():
    f = _filters()
    data = _data(f)
    tabs = dashboards.tables(data, f["by"], f["half"])
    target = dashboards.period_target(data.rule().target_hours, f["half"])
    groups = tabs["groups"]
    charts = {
        "groups": bar_chart([(row[0], row[2]) for row in groups.rows],
                            _("Mean training hours against the target"), target=target),
        "competencies": bar_chart(
            [(competency_label(c), dashboards.aggregate_profile(data).get(c))
             for c in COMPETENCIES], _("Scenario competency profile (%)"), maximum=100,
            unit="%"),
        "assignments": bar_chart([(row[0], row[8]) for row in groups.rows],
                                 _("Assignments done (%)"), maximum=100, unit="%"),
        "quizzes": bar_chart([(row[0], row[9]) for row in groups.rows],
                             _("Quiz average"), maximum=100),
    }
    ids = {r.worker.username: r.worker.id for r in data.rows}

    def worker_link(row: list) -> str:
        return url_for("records.worker_record", user_id=ids[row[1]], year=f["year"])

    return render_template("records/dashboard.html", f=f, tables=tabs, charts=charts,
                           worker_link=worker_link,
                           workers=page_of(tabs["workers"].rows), years=years(),
                           target=target, rule=data.rule(), total=len(data.rows))


@bp.route("/records/dashboard.xlsx")
@roles_required("organiser", "admin")
def dashboard_table():
    key = request.args.get("table", "")
    if key not in dashboards.TABLES:
        abort(404)
    f = _filters()
    data = _data(f)
    table = dashboards.tables(data, f["by"], f["half"])[key]
    name = f"dashboard-{key}-{f['year']}.xlsx"
    return Response(workbook_bytes([(table.title, table.header, table.rows)]), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
