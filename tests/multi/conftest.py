"""Several hosts on one machine (issue 19, item 3): two gunicorn instances on their own ports
with their own instance folders, one PostgreSQL database, one Redis, one `flask jobs work`
consumer, and a real nginx in front (round-robin over both), as deploy/README.md describes.

PostgreSQL: TEST_MULTI_DATABASE_URL, else the database gt_multi_cluster on 127.0.0.1:5432
(created when missing, emptied, migrated). Redis: TEST_MULTI_REDIS_URL, else
redis://127.0.0.1:6379/13 (flushed first). Either not answering skips the module with the
reason; a missing nginx fails it (.ci/run installs nginx).
"""

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.server.conftest import BIN, ROOT, free_port

PASSWORD = "Secure-pass-2026"
SECRET = "multi-host-secret-key-shared-by-every-instance-2026"
PG_URL = os.environ.get("TEST_MULTI_DATABASE_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/gt_multi_cluster")
REDIS_URL = os.environ.get("TEST_MULTI_REDIS_URL", "redis://127.0.0.1:6379/13")

NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    client_max_body_size 8m;
    upstream grid_trainer {{
        server 127.0.0.1:{port_a};
        server 127.0.0.1:{port_b};
    }}
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{
            alias {static}/;
            expires 30d;
        }}
        location / {{
            proxy_pass http://grid_trainer;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@dataclass
class Cluster:
    a: str  # instance A, straight (as if on its own machine)
    b: str  # instance B
    front: str  # nginx, round-robin over both
    env: dict
    seeded: dict
    tmp: Path
    procs: list = field(default_factory=list)


def _pg_ready() -> str | None:
    url = sa.engine.make_url(PG_URL)
    try:
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                                 connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                               {"n": url.database}):
                conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 (any failure means: no usable server)
        return f"PostgreSQL does not answer at {PG_URL}: {str(exc).splitlines()[0]}"
    return None


def _redis_ready() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).flushdb()
    except redis.RedisError as exc:
        return f"Redis does not answer at {REDIS_URL}: {exc}"
    return None


def _seed(url: str) -> dict:
    """Districts and accounts, a training session open for sign-in and a contest running now
    with a judged round, written through the app's services."""
    from tests.competitions.conftest import body
    from tests.conftest import TestConfig
    from trainer import create_app

    class Seeding(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Seeding)

    from tests.plans import factories
    from trainer.auth.models import User
    from trainer.auth.services import create_user
    from trainer.competitions.services import create_competition
    from trainer.competitions.spec import parse_competition
    from trainer.extensions import db
    from trainer.org import services as org

    with app.app_context():
        org.ensure_departments()
        district = org.create_unit("D", "测试区", "district", None)
        street = org.create_unit("S1", "S1街道", "street", district)
        community = org.create_unit("S1-C1", "S1社区", "community", street)
        grid = org.create_unit("S1-C1-G1", "S1G1网格", "grid", community)
        create_user("admin", "管理员", "admin", PASSWORD)
        create_user("organiser", "组织者", "organiser", PASSWORD, unit=district)
        create_user("trainer", "讲师", "trainer", PASSWORD, unit=district,
                    department=org.department_by_code("public-security"))
        for name in ("worker", "worker2", "locked"):
            create_user(name, f"网格员{name}", "worker", PASSWORD, unit=grid)
        db.session.commit()
    session_id = factories.live_session(app)
    with app.app_context():
        organiser = db.session.scalar(sa.select(User).where(User.username == "organiser"))
        comp = create_competition(organiser, parse_competition(body()))
        db.session.commit()
        comp_id = comp.id
        db.engine.dispose()
    return {"session": session_id, "competition": comp_id}


def _wait_up(proc, url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{url} did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    for reason in (_pg_ready(), _redis_ready()):
        if reason:
            pytest.skip(reason)
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.path.exists(p)), None)
    assert nginx, "nginx is not installed (.ci/run installs it: apt-get install nginx)"
    tmp = tmp_path_factory.mktemp("multi")
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": PG_URL, "REDIS_URL": REDIS_URL,
           "SECRET_KEY": SECRET, "JOBS_FOLDER": str(tmp / "shared-jobs"),
           "JOBS_QUEUE_NAME": "gt-multi-test", "PROXY_COUNT": "1",
           # plain-HTTP cookies for the test's clients (production's are Secure only)
           "TRAINER_ENV": "development", "REQUIRE_SECOND_FACTOR": "",
           "COMPETITION_BOARD_CACHE_SECONDS": "1"}
    for name in ("TEST_DATABASE_URL", "JOBS_QUEUE_FILE", "JOBS_REDIS_URL", "INSTANCE_PATH"):
        env.pop(name, None)
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    seeded = _seed(PG_URL)
    procs, bases = [], []
    try:
        for host in ("a", "b"):
            port, log = free_port(), tmp / f"gunicorn-{host}.log"
            host_env = {**env, "INSTANCE_PATH": str(tmp / f"instance-{host}")}
            proc = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                 "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT, env=host_env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
            procs.append(proc)
            bases.append((f"http://127.0.0.1:{port}", port, proc, log))
        for base, _port, proc, log in bases:
            _wait_up(proc, base + "/healthz", log)
        consumer_log = tmp / "consumer.log"
        procs.append(subprocess.Popen(
            [str(BIN / "flask"), "jobs", "work", "--workers", "1"], cwd=ROOT,
            env={**env, "INSTANCE_PATH": str(tmp / "instance-jobs")},
            stdout=subprocess.DEVNULL, stderr=consumer_log.open("w")))
        front_port = free_port()
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=front_port, port_a=bases[0][1],
                                          port_b=bases[1][1],
                                          static=ROOT / "trainer" / "static"))
        nginx_log = tmp / "nginx.stderr"
        proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf)],
                                stdout=subprocess.DEVNULL, stderr=nginx_log.open("w"))
        procs.append(proc)
        front = f"http://127.0.0.1:{front_port}"
        _wait_up(proc, front + "/healthz", nginx_log)
        yield Cluster(a=bases[0][0], b=bases[1][0], front=front, env=env, seeded=seeded,
                      tmp=tmp, procs=procs)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
