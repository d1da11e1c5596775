"""Authorization matrix entries of the jobs pages: a job is seen by whoever started it (here
the worker) and by admins; to anyone else it is not there (404)."""

from tests.authz_specs import expect, fixed

OWNER = expect(302, 200, 404, 404, 200)

SPECS = {
    ("GET", "/jobs/"): (fixed("/jobs/"), expect(302, 200, 200, 200, 200)),
    ("GET", "/jobs/<int:job_id>"): (lambda c: f"/jobs/{c['job']}", OWNER),
    ("GET", "/jobs/<int:job_id>.json"): (lambda c: f"/jobs/{c['job']}.json", OWNER),
    ("GET", "/jobs/<int:job_id>/result"): (lambda c: f"/jobs/{c['job']}/result", OWNER),
    ("POST", "/jobs/<int:job_id>/result"): (lambda c: f"/jobs/{c['job']}/result", OWNER),
}


def build(app, users) -> dict:
    from tests.conftest import app_ctx
    from trainer.extensions import db
    from trainer.jobs.models import Job
    from trainer.jobs.queue import job_folder
    from trainer.models import utcnow

    with app_ctx(app):
        job = Job(kind="people-import", owner_id=users["worker"], title="授权测试任务",
                  status="done", params={}, total=3, done=3, errors=[], message="完成。",
                  result_name="结果.csv", result_mimetype="text/csv", finished_at=utcnow())
        db.session.add(job)
        db.session.commit()
        folder = job_folder(job.id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "result").write_bytes(b"a,b\r\n")
        return {"job": job.id}
