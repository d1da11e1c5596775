"""The xAPI statements against ralph (ralph-malph), a learning record store of its own:
every kind validates against ralph's base statement model, and ralph's LRS (file-system
backend) takes them, gives them back, and holds each once however often they are sent.

ralph lives in a virtual environment of its own, made once and kept in the user's cache
(its pins, such as ``click<8.2.1``, conflict with ours): GT_RALPH_VENV names another place.
These tests are slow; they skip only when pip cannot reach the package registry.
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.records import ralph_venv
from tests.records.test_xapi import make_records
from trainer.extensions import db
from trainer.records import xapi
from trainer.records.models import XapiSent

pytestmark = pytest.mark.slow

VALIDATE = """
import json, sys
from ralph.models.xapi.base.statements import BaseXapiStatement
problems = []
for statement in json.load(sys.stdin):
    try:
        BaseXapiStatement(**statement)
    except Exception as exc:
        problems.append({"id": statement.get("id"), "error": str(exc)})
print(json.dumps(problems))
"""


@pytest.fixture(scope="session")
def ralph_bin() -> Path:
    """The bin/ folder of ralph's virtual environment (tests/records/ralph_venv.py), made
    when missing."""
    try:
        return ralph_venv.ensure()
    except ralph_venv.Offline as exc:
        pytest.skip(str(exc))


def _validate(ralph_bin: Path, statements: list[dict]) -> list[dict]:
    done = subprocess.run([str(ralph_bin / "python"), "-c", VALIDATE],
                          input=json.dumps(statements), capture_output=True, text=True,
                          timeout=300, check=True)
    return json.loads(done.stdout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(url: str, user: str, password: str, method="GET", body=None):
    import base64

    req = urllib.request.Request(url, method=method, data=None if body is None else
                                 json.dumps(body).encode())
    req.add_header("Authorization",
                   "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
    req.add_header("X-Experience-API-Version", "1.0.3")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        text = resp.read().decode()
        return resp.status, json.loads(text) if text else None


@pytest.fixture
def ralph_lrs(ralph_bin, tmp_path):
    """ralph's LRS on its file-system backend, on a free port, with one account."""
    user, password = "gt-lrs", "Lrs-pass-2026"
    env = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_APP_DIR": str(tmp_path / "app"),
           "RALPH_AUTH_FILE": str(tmp_path / "auth.json")}
    subprocess.run([str(ralph_bin / "ralph"), "auth", "-u", user, "-p", password, "-s", "all",
                    "-A", user, "http://localhost:5000", "-w"], env=env, check=True,
                   capture_output=True, timeout=120)
    port = _free_port()
    log = open(tmp_path / "lrs.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [str(ralph_bin / "ralph"), "runserver", "-b", "fs", "--fs-default-directory-path",
         str(tmp_path / "data"), "-h", "127.0.0.1", "-p", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        cwd=tmp_path)  # its reloader watches the working directory
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/__heartbeat__", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            pytest.fail("ralph's LRS did not start: " + (tmp_path / "lrs.log").read_text())
        if proc.poll() is not None:
            pytest.fail("ralph's LRS stopped: " + (tmp_path / "lrs.log").read_text())
        yield base, user, password
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _statements(app, user_id: int) -> list[dict]:
    from trainer.auth.models import User

    with app_ctx(app):
        user = db.session.get(User, user_id)
        xapi.ensure_xapi_ids([user])
        db.session.commit()
        return xapi.statements_for([user])


def test_every_kind_validates_against_ralphs_base_statement_model(app, users, ralph_bin):
    make_records(app, users["worker"])
    statements = _statements(app, users["worker"])
    verbs = {s["verb"]["id"].rsplit("/", 1)[1] for s in statements}
    assert verbs == {"completed", "passed", "failed", "attempted", "attended"}
    assert len(statements) == 7
    assert _validate(ralph_bin, statements) == []
    # the check can fail: a statement with an empty name or a verb that is no IRI is refused
    broken = json.loads(json.dumps(statements[:2]))
    broken[0]["actor"]["account"]["name"] = ""
    broken[1]["verb"]["id"] = "completed"
    assert [p["id"] for p in _validate(ralph_bin, broken)] == [s["id"] for s in broken]


def test_ralphs_lrs_takes_the_statements_once_however_often_they_are_sent(app, users,
                                                                           ralph_lrs):
    base, user, password = ralph_lrs
    make_records(app, users["worker"])
    app.config.update(XAPI_LRS_URL=base, XAPI_LRS_USERNAME=user, XAPI_LRS_PASSWORD=password)
    # One batch: ralph's file-system backend writes its file once (a second write that
    # adds statements fails, 500); the batches and retries are tested in test_xapi.py.
    with app_ctx(app):
        assert xapi.send_pending(batch_size=100, pause=0.2) == 7
        db.session.commit()
        assert xapi.send_pending(pause=0.2) == 0  # the outbox knows them
        db.session.commit()
    status, body = _call(f"{base}/xAPI/statements?limit=100", user, password)
    stored = {s["id"]: s for s in body["statements"]}
    expected = {s["id"]: s for s in _statements(app, users["worker"])}
    assert status == 200 and set(stored) == set(expected)
    one = next(iter(expected))
    assert stored[one]["actor"] == expected[one]["actor"]
    assert stored[one]["object"]["id"] == expected[one]["object"]["id"]
    # the outbox lost (a restored backup): sent again, the LRS still holds each once (it
    # ignores the ids it holds with the same content)
    with app_ctx(app):
        db.session.execute(sa.delete(XapiSent))
        assert xapi.send_pending(pause=0.2) == 7
        db.session.commit()
    _status, body = _call(f"{base}/xAPI/statements?limit=100", user, password)
    assert sorted(s["id"] for s in body["statements"]) == sorted(expected)
