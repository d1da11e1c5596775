"""The progress page of a job (rows done of total, errors so far, the result file when it is
done, why it failed), its JSON for the page's poll, and the list of one's own jobs. A job is
seen only by whoever started it and by admins."""

from io import BytesIO

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.forms import ConfirmForm
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.jobs.models import Job
from trainer.jobs.queue import job_folder
from trainer.models import utcnow
from trainer.security import security_event

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or (job.owner_id != current_user.id and current_user.role != "admin"):
        abort(404)  # someone else's job is not there for you
    return job


def _result_available(job: Job) -> bool:
    return (job.status == "done" and job.result_name is not None
            and job.result_taken_at is None and (job_folder(job.id) / "result").exists())


@bp.get("/")
@login_required
def index():
    page = db.paginate(sa.select(Job).where(Job.owner_id == current_user.id)
                       .order_by(Job.id.desc()), per_page=20, error_out=False)
    return render_template("jobs/index.html", page=page)


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    job = _job(job_id)
    return render_template("jobs/show.html", job=job, available=_result_available(job),
                           form=ConfirmForm())


@bp.get("/<int:job_id>.json")
@login_required
def status(job_id: int):
    job = _job(job_id)
    return {"id": job.id, "status": job.status, "done": job.done, "total": job.total,
            "percent": job.percent, "error_count": job.error_count,
            "errors": job.errors[-10:], "message": job.message if job.finished else "",
            "result": (url_for("jobs.result", job_id=job.id)
                       if _result_available(job) else None)}


@bp.route("/<int:job_id>/result", methods=["GET", "POST"])
@login_required
def result(job_id: int):
    """The result file. One that may be taken only once (initial passwords) is handed out
    by POST (the page's button, which says so) and deleted as it is sent."""
    job = _job(job_id)
    if not _result_available(job):
        abort(404)
    path = job_folder(job.id) / "result"
    if job.result_once:
        if request.method == "GET":  # the page's button says it is the only time
            return redirect(url_for("jobs.show", job_id=job.id))
        if not ConfirmForm().validate_on_submit():
            abort(400)
        data = path.read_bytes()
        with write_transaction():
            db.session.get(Job, job.id).result_taken_at = utcnow()
        path.unlink(missing_ok=True)
        security_event("job_result_taken", job=job.id, kind=job.kind)
        response = send_file(BytesIO(data), mimetype=job.result_mimetype,
                             as_attachment=True, download_name=job.result_name)
    else:
        response = send_file(path, mimetype=job.result_mimetype, as_attachment=True,
                             download_name=job.result_name)
    response.headers["Cache-Control"] = "no-store"
    return response


def kind_label(kind: str) -> str:
    labels = {"people-import": _("People import"), "questions-import": _("Question import")}
    return labels.get(kind, kind)


@bp.app_template_global("job_kind_label")
def _job_kind_label(kind: str) -> str:
    return kind_label(kind)
