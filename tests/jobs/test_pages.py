"""The progress page, its JSON and the result download."""

import sqlalchemy as sa

from tests.conftest import csrf_from
from trainer.extensions import db
from trainer.jobs import queue
from trainer.jobs.models import Job


def _secret_file(job, **_):
    job.set_total(3)
    with job.batch():
        job.step(3)
    job.error("第 2 行：示例")
    job.result("用户名,初始密码\r\nw1,abc\r\n".encode(), "初始密码.csv", "text/csv", once=True)
    job.report("创建了 3 个账号。")


def _start(fresh, owner, kind="test-page"):
    with fresh():
        job = queue.start(kind, owner=owner, title="测试导入")
        db.session.commit()
        return job.id


def test_the_finished_page_shows_counts_report_and_a_once_only_download(
        app, client, auth, fresh, users):
    queue.tasks.register("test-page", _secret_file)
    job_id = _start(fresh, users["admin"])
    auth.login("admin")
    html = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "已处理 3 / 3 行" in html and "目前有 1 个错误" in html
    assert "第 2 行：示例" in html and "创建了 3 个账号。" in html
    assert "只能下载一次" in html and 'http-equiv="refresh"' not in html
    state = client.get(f"/jobs/{job_id}.json").get_json()
    assert state["status"] == "done" and state["percent"] == 100
    assert state["result"] == f"/jobs/{job_id}/result"
    # a GET never hands out a once-only file: back to the page and its button
    assert client.get(f"/jobs/{job_id}/result").status_code == 302
    token = csrf_from(html)
    resp = client.post(f"/jobs/{job_id}/result", data={"csrf_token": token})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.get_data().decode().startswith("用户名,初始密码")
    again = client.post(f"/jobs/{job_id}/result", data={"csrf_token": token})
    assert again.status_code == 404
    html = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "不再保留" in html
    assert fresh.get(Job, job_id).result_taken_at is not None


def test_an_unfinished_job_refreshes_itself_and_polls(app, client, auth, fresh, users):
    with fresh():  # queued, never run: its kind is unknown to nobody but no commit hook
        job = Job(kind="people-import", owner_id=users["worker"], title="排队中", params={},
                  errors=[], message="", total=10, done=4)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    auth.login("worker")
    html = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "js/jobs-progress.js" in html and "已处理 4 / 10 行" in html
    assert client.get(f"/jobs/{job_id}.json").get_json()["result"] is None
    listing = client.get("/jobs/").get_data(as_text=True)
    assert "排队中" in listing and "等待开始" in listing


def test_a_failed_job_says_why(app, client, auth, fresh, users):
    from trainer.jobs.progress import JobFailed

    def fail(job, **_):
        raise JobFailed("第 9 行的单位编码不存在。")

    queue.tasks.register("test-page", fail)
    job_id = _start(fresh, users["worker"])
    auth.login("worker")
    html = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "任务失败：第 9 行的单位编码不存在。" in html and "没有做任何更改。" in html


def test_someone_elses_job_is_not_there(app, client, auth, fresh, users):
    queue.tasks.register("test-page", _secret_file)
    job_id = _start(fresh, users["organiser"])
    auth.login("worker")
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert client.get(f"/jobs/{job_id}.json").status_code == 404
    assert fresh.scalar(sa.select(Job.result_taken_at).where(Job.id == job_id)) is None
