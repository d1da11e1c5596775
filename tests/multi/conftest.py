"""Several hosts on one machine (issue 19, item 3): two gunicorn instances on their own ports
with their own instance folders, one PostgreSQL database, one Redis, one `flask jobs work`
consumer, and a real nginx in front (round-robin over both), as deploy/README.md describes.

PostgreSQL: TEST_MULTI_DATABASE_URL, else the database gt_multi_cluster on 127.0.0.1:5432
(created when missing, emptied, migrated). Redis: TEST_MULTI_REDIS_URL, else
redis://127.0.0.1:6379/13 (flushed first). Either not answering skips the module with the
reason; a missing nginx fails it (.ci/run installs nginx).
"""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.server.conftest import BIN, ROOT
from tools.two_hosts import nginx_binary, start

PASSWORD = "Secure-pass-2026"
SECRET = "multi-host-secret-key-shared-by-every-instance-2026"
PG_URL = os.environ.get("TEST_MULTI_DATABASE_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/gt_multi_cluster")
REDIS_URL = os.environ.get("TEST_MULTI_REDIS_URL", "redis://127.0.0.1:6379/13")

@dataclass
class Cluster:
    a: str  # instance A, straight (as if on its own machine)
    b: str  # instance B
    front: str  # nginx, round-robin over both
    env: dict
    seeded: dict
    tmp: Path


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


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    for reason in (_pg_ready(), _redis_ready()):
        if reason:
            pytest.skip(reason)
    assert nginx_binary(), "nginx is not installed (.ci/run installs it: apt-get install nginx)"
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
    hosts = start(env, tmp, instances=2, workers=2)
    try:
        yield Cluster(a=hosts.instances[0], b=hosts.instances[1], front=hosts.front, env=env,
                      seeded=seeded, tmp=tmp)
    finally:
        hosts.stop()
