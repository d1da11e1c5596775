"""`flask backup create|restore`: a snapshot taken during an autosave burst restores into a
fresh instance with every answer acknowledged before it began; a damaged, foreign or
misplaced file is refused and changes nothing. Runs on SQLite, and on PostgreSQL (pg_dump)
when TEST_DATABASE_URL names one."""

import json
import os
import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, AuthActions, bearer
from tests.privacy.conftest import pg_tools_skip_reason
from trainer.auth.models import User
from trainer.extensions import db
from trainer.privacy import backup
from trainer.quizzes.models import AttemptAnswer


@pytest.fixture(autouse=True)
def _pg_tools(app):
    reason = pg_tools_skip_reason(app)
    if reason:
        pytest.skip(f"PostgreSQL backups need pg_dump/pg_restore here: {reason}")


def _is_sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


class Burst:
    """Workers autosaving answers as fast as they can, each save's acknowledgement noted
    with the time it arrived."""

    def __init__(self, app, attempts):
        self.app, self.attempts = app, attempts  # [(token, attempt_id, [question ids])]
        self.acked: list[tuple[float, int, int, int]] = []  # (time, attempt, question, seq)
        self.stop = threading.Event()
        self.errors: list = []
        self.threads = [threading.Thread(target=self._run, args=(a,)) for a in attempts]

    def _run(self, attempt):
        token, attempt_id, questions = attempt
        client, seq = self.app.test_client(), 0
        while not self.stop.is_set():
            seq += 1
            qid = questions[seq % len(questions)]
            resp = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}",
                              json={"answer": "A" if seq % 2 else "B", "seq": seq},
                              headers=bearer(token))
            if resp.status_code != 200:
                self.errors.append((resp.status_code, resp.get_data(as_text=True)[:200]))
                return
            self.acked.append((time.monotonic(), attempt_id, qid, seq))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def _start_attempts(app, make_user, quiz_id, n=4):
    client, attempts = app.test_client(), []
    for i in range(n):
        make_user(f"burst{i}", name=f"突击{i}")
        token = AuthActions(client).token(f"burst{i}")
        body = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=bearer(token))
        assert body.status_code == 201, body.get_json()
        body = body.get_json()
        attempts.append((token, body["attempt_id"],
                         [q["id"] for q in body["questions"] if q["type"] == "single"]))
    return attempts


def _restored_answers(site) -> dict:
    with site.app_context():
        rows = db.session.execute(sa.select(AttemptAnswer.attempt_id, AttemptAnswer.question_id,
                                            AttemptAnswer.seq)).all()
    return {(a, q): s for a, q, s in rows}


def _integrity(site) -> None:
    with site.app_context():
        url = db.engine.url
        if url.get_backend_name() == "sqlite":
            conn = sqlite3.connect(url.database)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            finally:
                conn.close()
        else:  # every foreign key is validated (pg_restore re-creates them checked)
            unchecked = db.session.scalar(sa.text(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"))
            assert unchecked == 0


def test_a_backup_during_an_autosave_burst_restores_every_acknowledged_answer(
        stamped, make_user, quiz_id, second_site, backup_file):
    app = stamped
    attempts = _start_attempts(app, make_user, quiz_id)
    with Burst(app, attempts) as burst:
        while len(burst.acked) < 30 and not burst.errors:
            time.sleep(0.01)
        began = time.monotonic()
        with app.app_context():
            manifest = backup.create(backup_file)
        ended = time.monotonic()
        while sum(1 for a in burst.acked if a[0] > ended) < 10 and not burst.errors:
            time.sleep(0.01)  # the burst goes on after the backup, too
    assert not burst.errors
    before = {}
    for at, attempt_id, qid, seq in burst.acked:
        if at < began:
            before[(attempt_id, qid)] = max(seq, before.get((attempt_id, qid), 0))
    assert before

    site = second_site()
    result = site.test_cli_runner().invoke(args=["backup", "restore", backup_file])
    assert result.exit_code == 0, result.output
    restored = _restored_answers(site)
    missing = {key: seq for key, seq in before.items() if restored.get(key, 0) < seq}
    assert not missing, missing
    _integrity(site)
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == \
            manifest["row_counts"]["users"]

    client = site.test_client()  # the restored site logs in and serves
    resp = AuthActions(client).login("burst0", PASSWORD)
    assert resp.status_code == 302 and "/login" not in resp.headers["Location"]
    assert "突击0" in client.get("/").get_data(as_text=True) or \
        client.get("/").status_code == 200
    assert client.get("/api/v1/me", headers=bearer(AuthActions(client).token("burst1"))) \
        .get_json()["name"] == "突击1"


def test_the_manifest_says_when_what_and_the_checksum(stamped, users, backup_file, runner):
    result = runner.invoke(args=["backup", "create", "-o", backup_file])
    assert result.exit_code == 0, result.output
    manifest = json.loads(open(f"{backup_file}.manifest.json", encoding="utf-8").read())
    assert manifest["format"] == "grid-trainer-backup"
    assert manifest["schema_revision"] == backup.code_revision()
    assert manifest["row_counts"]["users"] == 4
    assert manifest["size"] == os.path.getsize(backup_file)
    assert len(manifest["sha256"]) == 64 and manifest["created_at"]


def _damaged(path: str, how: str) -> None:
    if how == "truncated":
        size = os.path.getsize(path)
        with open(path, "r+b") as fh:
            fh.truncate(size // 2)
    elif how == "flipped":
        with open(path, "r+b") as fh:
            fh.seek(200)
            byte = fh.read(1)
            fh.seek(200)
            fh.write(bytes([byte[0] ^ 0xFF]))
    elif how == "no-manifest":
        os.unlink(f"{path}.manifest.json")
    elif how == "foreign-manifest":
        with open(f"{path}.manifest.json", "w", encoding="utf-8") as fh:
            json.dump({"format": "something-else"}, fh)
    elif how == "unknown-revision":
        mpath = f"{path}.manifest.json"
        manifest = json.loads(open(mpath, encoding="utf-8").read())
        manifest["schema_revision"] = "0123456789ab"
        with open(mpath, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh)


@pytest.mark.parametrize("how, says", [
    ("truncated", "damaged or incomplete"), ("flipped", "damaged or incomplete"),
    ("no-manifest", "manifest"), ("foreign-manifest", "not a Grid Trainer backup"),
    ("unknown-revision", "unknown to this version")])
def test_a_damaged_or_foreign_backup_is_refused_and_restores_nothing(
        stamped, users, second_site, backup_file, how, says):
    with stamped.app_context():
        backup.create(backup_file)
    _damaged(backup_file, how)
    site = second_site()
    result = site.test_cli_runner().invoke(args=["backup", "restore", backup_file])
    assert result.exit_code != 0
    assert says in result.output and "nothing was restored" in result.output
    with site.app_context():
        assert backup.database_is_empty()
        assert "users" not in sa.inspect(db.engine).get_table_names()


def test_a_database_with_accounts_is_replaced_only_with_force(
        stamped, make_user, users, second_site, backup_file):
    with stamped.app_context():
        backup.create(backup_file)
    site = second_site()
    runner = site.test_cli_runner()
    assert runner.invoke(args=["backup", "restore", backup_file]).exit_code == 0
    make_user("later", name="备份之后")  # in the first site: not in the backup
    with site.app_context():
        db.session.execute(sa.update(User).where(User.username == "worker")
                           .values(name="改过的名字"))
        db.session.commit()
    refused = runner.invoke(args=["backup", "restore", backup_file])
    assert refused.exit_code != 0 and "--force" in refused.output
    with site.app_context():
        assert db.session.scalar(sa.select(User.name).where(User.username == "worker")) == \
            "改过的名字"
    forced = runner.invoke(args=["backup", "restore", backup_file, "--force"])
    assert forced.exit_code == 0, forced.output
    with site.app_context():
        db.session.remove()
        assert db.session.scalar(sa.select(User.name).where(User.username == "worker")) == \
            "worker用户"
        assert db.session.scalar(sa.select(User.id).where(User.username == "later")) is None


def test_a_backup_of_another_database_kind_is_refused(stamped, users, second_site,
                                                      backup_file):
    with stamped.app_context():
        backup.create(backup_file)
    mpath = f"{backup_file}.manifest.json"
    manifest = json.loads(open(mpath, encoding="utf-8").read())
    manifest["dialect"] = "postgresql" if _is_sqlite(stamped) else "sqlite"
    with open(mpath, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh)
    site = second_site()
    result = site.test_cli_runner().invoke(args=["backup", "restore", backup_file])
    assert result.exit_code != 0 and "nothing was restored" in result.output


def test_the_daily_backup_keeps_the_last_n(stamped, users, tmp_path, monkeypatch):
    from trainer.privacy import backup as module

    stamps = iter(f"2026010{i}T000000Z" for i in range(1, 6))

    class Clock:
        @staticmethod
        def now(tz=None):
            return module.datetime(2026, 1, 1, tzinfo=tz)

    with stamped.app_context():
        made = []
        for _ in range(4):
            monkeypatch.setattr(module, "_stamp", lambda: next(stamps))
            out, removed = module.daily(str(tmp_path), keep=2)
            made.append(out)
        left = sorted(p.name for p in tmp_path.glob("trainer-*.backup"))
    assert left == [made[2].name, made[3].name]
    assert not any(os.path.exists(f"{p}.manifest.json") for p in made[:2])


def test_a_sqlite_backup_moves_into_postgresql(app, second_site, tmp_path):
    """The move to PostgreSQL: a SQLite site's backup restored into a migrated PostgreSQL
    database keeps every row, and new rows get new ids."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL to a PostgreSQL database")
    from tests.conftest import TestConfig
    from trainer import create_app
    from trainer.auth import services

    config = type("Lite", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lite.sqlite3'}"})
    lite = create_app(config)
    with lite.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) "
                                 "NOT NULL PRIMARY KEY)"))
            conn.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"),
                         {"v": backup.code_revision()})
        services.create_user("liteuser", "轻量用户", "admin", PASSWORD)
        db.session.commit()
        backup.create(tmp_path / "lite.backup")
        db.engine.dispose()

    site = second_site()
    with site.app_context():
        db.create_all()  # as `flask db upgrade` would
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) "
                                 "NOT NULL PRIMARY KEY)"))
            conn.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"),
                         {"v": backup.code_revision()})
    result = site.test_cli_runner().invoke(
        args=["backup", "restore", str(tmp_path / "lite.backup")])
    assert result.exit_code == 0, result.output
    with site.app_context():
        assert db.session.scalar(sa.select(User.name).where(User.username == "liteuser")) \
            == "轻量用户"
        services.create_user("another", "新用户", "admin", PASSWORD)
        db.session.commit()  # the id sequence went on past the copied ids
    assert AuthActions(site.test_client()).login("liteuser").status_code == 302


def test_the_daily_backup_is_a_periodic_job(stamped, users):
    from pathlib import Path

    from trainer.jobs import queue

    folder = Path(stamped.config["BACKUP_DIR"])
    before = set(folder.glob("trainer-*.backup")) if folder.exists() else set()
    queue.run_periodic("daily-backup", stamped)
    made = set(folder.glob("trainer-*.backup")) - before
    assert len(made) == 1 and backup.manifest_path(made.pop()).exists()
