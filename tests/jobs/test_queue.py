"""The job queue in immediate mode (TestConfig.JOBS_IMMEDIATE): a job runs inside the commit
that starts it, in an app context of its own, exactly as the consumer runs it."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.jobs import queue
from trainer.jobs.models import Job
from trainer.jobs.progress import JobFailed
from trainer.org.models import Department


def _count_items(job, *, items, fail_at=None, boom=False):
    """A kind for the tests: renames departments in batches of two, one error per odd item."""
    job.set_total(len(items))
    for at in range(0, len(items), 2):
        with job.batch():
            for code in items[at:at + 2]:
                dept = db.session.scalar(sa.select(Department).where(Department.code == code))
                old = dept.name
                dept.name = f"{old}*"
                job.on_failure(lambda code=code, old=old: _rename(code, old))
            job.step(len(items[at:at + 2]))
        if at % 4 == 0:
            job.error(f"第 {at + 1} 项：示例错误")
        if fail_at is not None and at + 2 >= fail_at:
            if boom:
                raise RuntimeError("secret detail")
            raise JobFailed("第 3 项不对，任务停止。")
    job.result("代码\r\n".encode() + "\r\n".join(items).encode(), "结果.csv", "text/csv")
    job.report(f"改了 {len(items)} 个部门。")


def _rename(code, name):
    db.session.scalar(sa.select(Department).where(Department.code == code)).name = name


def _codes(n):
    return list(db.session.scalars(sa.select(Department.code).order_by(Department.id)))[:n]


def _names():
    return list(db.session.scalars(sa.select(Department.name).order_by(Department.id)))


def _start(fresh, owner, **params):
    with fresh():
        job = queue.start("test-count", owner=owner, title="测试任务", params=params)
        job_id = job.id
        db.session.commit()  # the job runs here, in immediate mode
    return fresh.get(Job, job_id)


def test_a_job_runs_with_progress_errors_and_result(app, fresh, users):
    queue.tasks.register("test-count", _count_items)
    with fresh():
        codes = _codes(5)
    job = _start(fresh, users["admin"], items=codes)
    assert job.status == "done", job.message
    assert (job.done, job.total, job.error_count) == (5, 5, 2)
    assert job.errors == ["第 1 项：示例错误", "第 5 项：示例错误"]
    assert job.message == "改了 5 个部门。"
    assert job.result_name == "结果.csv" and job.started_at and job.finished_at
    with fresh():
        assert sum(n.endswith("*") for n in _names()) == 5
        assert (queue.job_folder(job.id) / "result").read_bytes().startswith("代码".encode())


def test_a_failed_job_says_why_and_changes_nothing(app, fresh, users):
    queue.tasks.register("test-count", _count_items)
    with fresh():
        codes, before = _codes(6), _names()
    job = _start(fresh, users["admin"], items=codes, fail_at=3)
    assert job.status == "failed"
    assert job.message == "第 3 项不对，任务停止。"
    assert job.done == 4  # two batches had committed before it failed ...
    with fresh():
        assert _names() == before  # ... and were undone
        assert not (queue.job_folder(job.id) / "result").exists()


def test_an_unexpected_error_fails_with_a_generic_message(app, fresh, users):
    queue.tasks.register("test-count", _count_items)
    with fresh():
        codes, before = _codes(4), _names()
    job = _start(fresh, users["admin"], items=codes, fail_at=1, boom=True)
    assert job.status == "failed" and "secret" not in job.message
    assert "nothing was changed" in job.message or "没有" in job.message
    with fresh():
        assert _names() == before


def test_a_rolled_back_start_runs_nothing(app, fresh, users):
    ran = []
    queue.tasks.register("test-count", lambda job, **kw: ran.append(job.id))
    with fresh():
        job = queue.start("test-count", owner=users["admin"], title="x",
                          files={"input": b"data"})
        folder = queue.job_folder(job.id)
        assert (folder / "input").read_bytes() == b"data"
        db.session.rollback()
    assert ran == [] and not folder.exists()
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_a_job_reads_its_input_file(app, fresh, users):
    seen = []
    queue.tasks.register("test-count", lambda job, **kw: seen.append((job.input(), kw)))
    with fresh():
        queue.start("test-count", owner=users["worker"], title="x", params={"a": 1},
                    files={"input": "表".encode()})
        db.session.commit()
    assert seen == [("表".encode(), {"a": 1})]


def test_a_job_runs_once(app, fresh, users):
    ran = []
    queue.tasks.register("test-count", lambda job, **kw: ran.append(job.id))
    job = _start(fresh, users["admin"])
    queue._run(app, job.id)  # delivered twice (a retry, a second consumer): not run again
    assert ran == [job.id]


def test_periodic_grading_is_registered_and_runs(app, runner):
    assert queue.periodic.get("grade-closed-rounds") is not None
    result = runner.invoke(args=["jobs", "run-periodic", "grade-closed-rounds"])
    assert result.exit_code == 0, result.output
    assert "grade-closed-rounds: 0" in result.output
    assert runner.invoke(args=["jobs", "run-periodic", "nope"]).exit_code != 0


def test_work_refuses_immediate_mode(app, runner):
    result = runner.invoke(args=["jobs", "work"])
    assert result.exit_code != 0 and "JOBS_IMMEDIATE" in result.output


def test_inputs_go_when_the_job_ends_and_old_results_after_a_week(app, fresh, users):
    from datetime import timedelta

    from trainer.models import utcnow

    def keep(job, **_):
        job.result(b"x", "r.csv", "text/csv")

    queue.tasks.register("test-count", keep)
    with fresh():
        job = queue.start("test-count", owner=users["admin"], title="x",
                          files={"input": "人员".encode()})
        job_id = job.id
        db.session.commit()
        folder = queue.job_folder(job_id)
    assert sorted(p.name for p in folder.iterdir()) == ["result"]  # the upload is gone
    assert queue.run_periodic("purge-job-files", app) == 0
    fresh.update(Job, job_id, finished_at=utcnow() - timedelta(days=8))
    assert queue.run_periodic("purge-job-files", app) == 1
    assert not folder.exists()


def _running_job(fresh, owner, beat_age_seconds):
    from datetime import timedelta

    from trainer.models import utcnow

    with fresh():
        beat = utcnow() - timedelta(seconds=beat_age_seconds)
        job = Job(kind="people-import", owner_id=owner, title="导入", status="running",
                  params={"_locale": "zh_CN"}, errors=[], message="", started_at=beat,
                  beat_at=beat)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_a_running_job_whose_heartbeat_stopped_is_failed_and_says_why(app, fresh, users):
    stale = _running_job(fresh, users["admin"], beat_age_seconds=181)
    alive = _running_job(fresh, users["admin"], beat_age_seconds=20)
    assert queue.run_periodic("reap-stale-jobs", app) == 1
    assert fresh.get(Job, alive).status == "running"
    row = fresh.get(Job, stale)
    assert row.status == "failed" and row.finished_at is not None
    assert "后台进程重启或被终止" in row.message
    assert queue.run_periodic("reap-stale-jobs", app) == 0  # once


def test_the_heartbeat_keeps_a_running_job_alive_until_stopped(app, fresh, users,
                                                             monkeypatch):
    import time

    job_id = _running_job(fresh, users["admin"], beat_age_seconds=3600)
    monkeypatch.setitem(app.config, "JOBS_BEAT_SECONDS", 0.05)
    beat = queue._Heartbeat(app, job_id)
    beat.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            row = fresh.get(Job, job_id)
            if row.beat_at > row.started_at:
                break
            time.sleep(0.05)
    finally:
        beat.stopped.set()
        beat.join(5)
    assert not beat.is_alive()
    assert queue.run_periodic("reap-stale-jobs", app) == 0  # it beat: not stale
    assert fresh.get(Job, job_id).status == "running"
    monkeypatch.setitem(app.config, "JOBS_STALE_SECONDS", 0)  # the beat stopped: stale now
    assert queue.run_periodic("reap-stale-jobs", app) == 1
    assert fresh.get(Job, job_id).status == "failed"
