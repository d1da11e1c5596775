"""A real consumer: `flask jobs work` in a process of its own runs a people import that a
web process queued, on SQLite storage (the default) and, when TEST_REDIS_URL is set, on
Redis."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import Config

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CSV = ("姓名,用户名,手机,角色,所属单位编码\n"
       + "".join(f"人员{n},cons{n},,网格员,G1\n" for n in range(30))).encode()


def _config(tmp_path, redis_url):
    class Consumer(Config):
        TESTING = True
        SECRET_KEY = "s" * 40
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'app.sqlite3'}"
        REDIS_URL = redis_url
        JOBS_QUEUE_FILE = str(tmp_path / "queue.sqlite3")
        JOBS_FOLDER = str(tmp_path / "jobs")
        JOBS_QUEUE_NAME = f"gt-test-{uuid.uuid4().hex[:8]}"
        ARGON2_TIME_COST, ARGON2_MEMORY_COST = 1, 1024
        REQUIRE_SECOND_FACTOR = ()

    return Consumer


def _env(config) -> dict:
    env = {**os.environ, "FLASK_APP": "wsgi", "TRAINER_ENV": "production",
           "SECRET_KEY": config.SECRET_KEY, "DATABASE_URL": config.SQLALCHEMY_DATABASE_URI,
           "JOBS_QUEUE_FILE": config.JOBS_QUEUE_FILE, "JOBS_FOLDER": config.JOBS_FOLDER,
           "JOBS_QUEUE_NAME": config.JOBS_QUEUE_NAME}
    env.pop("REDIS_URL", None)
    if config.REDIS_URL:
        env["REDIS_URL"] = config.REDIS_URL
    return env


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_a_consumer_process_runs_a_queued_import(tmp_path, storage):
    from trainer import create_app
    from trainer.auth.models import User
    from trainer.auth.services import create_user
    from trainer.extensions import db
    from trainer.jobs import queue
    from trainer.jobs.models import Job
    from trainer.org.services import create_unit

    redis_url = None
    if storage == "redis":
        redis_url = os.environ.get("TEST_REDIS_URL")
        if not redis_url:
            pytest.skip("TEST_REDIS_URL is not set")
    config = _config(tmp_path, redis_url)
    env = _env(config)
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    app = create_app(config)
    with app.app_context():
        district = create_unit("D", "区", "district", None)
        street = create_unit("S1", "街道", "street", district)
        community = create_unit("C1", "社区", "community", street)
        create_unit("G1", "网格", "grid", community)
        admin = create_user("admin", "管理员", "admin", "Secure-pass-2026")
        db.session.flush()
        job = queue.start("people-import", owner=admin, title="导入",
                          params={"filename": "p.csv", "actor_id": admin.id},
                          files={"input": CSV})
        # and one left "running" an hour ago by a consumer that was killed
        from datetime import timedelta

        from trainer.models import utcnow

        hour_ago = utcnow() - timedelta(hours=1)
        orphan = Job(kind="people-import", owner_id=admin.id, title="中断的导入",
                     status="running", params={}, errors=[], message="",
                     started_at=hour_ago, beat_at=hour_ago)
        db.session.add(orphan)
        db.session.commit()  # queued now, in the storage the consumer reads
        job_id, orphan_id = job.id, orphan.id
        assert db.session.get(Job, job_id).status == "queued"
        db.session.remove()
    consumer = subprocess.Popen([str(BIN / "flask"), "jobs", "work", "--workers", "1"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
    try:
        deadline, status = time.monotonic() + 90, "queued"
        while time.monotonic() < deadline and status not in ("done", "failed"):
            time.sleep(0.5)
            assert consumer.poll() is None, consumer.stdout.read().decode()[-2000:]
            with app.app_context():
                status = db.session.scalar(sa.select(Job.status).where(Job.id == job_id))
                db.session.remove()
    finally:
        consumer.send_signal(signal.SIGINT)  # graceful: waits for running jobs
        try:
            output = consumer.communicate(timeout=30)[0].decode()
        except subprocess.TimeoutExpired:
            consumer.kill()
            output = consumer.communicate()[0].decode()
    assert status == "done", output[-3000:]
    with app.app_context():
        row = db.session.get(Job, job_id)
        assert (row.done, row.total, row.error_count) == (30, 30, 0)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                                 .where(User.username.like("cons%"))) == 30
        assert (Path(config.JOBS_FOLDER) / str(job_id) / "result").exists()
        assert db.session.get(Job, orphan_id).status == "failed"  # reaped at the start
        assert "marked failed" in output
        db.session.remove()
        db.engine.dispose()
    if storage == "redis":
        queue.huey_of(app).storage.flush_all()
