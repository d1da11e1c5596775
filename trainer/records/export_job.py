"""The annual export as a background job ("records-export"): a district-wide export (every
worker of the organiser's district, or one unit) is built on the queue, and the organiser
downloads it from the job's page. The same rows as the direct download and the CLI
(services.export_rows): the scope is the organiser's at the time the job runs."""

from flask_babel import gettext as _

from trainer.auth.models import User
from trainer.extensions import db
from trainer.jobs.progress import JobFailed
from trainer.records.services import export_file, export_rows

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def run(job, *, viewer_id: int, year: int, half: int | None = None,
        unit_id: int | None = None, fmt: str = "xlsx") -> None:
    viewer = db.session.get(User, viewer_id)
    if viewer is None or viewer.role not in ("organiser", "admin") or not viewer.active:
        raise JobFailed(_("The account that started the export may no longer export."))
    if fmt not in MIMETYPES:
        raise JobFailed(_("Unknown format."))
    missing: list[int] = []

    def check(units: dict) -> None:
        if unit_id is not None and unit_id not in units:
            missing.append(unit_id)

    rows = export_rows(year, half, unit_id, viewer=viewer, check=check)
    db.session.rollback()  # reads only
    if missing:
        raise JobFailed(_("That unit is not in your scope."))
    job.set_total(len(rows))
    data = export_file(fmt, year, rows)
    job.step(len(rows))
    name = f"records-{year}{'-h' + str(half) if half else ''}.{fmt}"
    job.result(data, name, MIMETYPES[fmt])
    job.report(_("%(n)s workers exported.", n=len(rows)))
