"""LOG_FORMAT=json: one JSON object per line, each with the request id (echoed in the
response's X-Request-Id, or taken from the caller's)."""

import json
import logging

import pytest

from tests.conftest import TestConfig


class JsonConfig(TestConfig):
    LOG_FORMAT = "json"


def lines(text: str) -> list[dict]:
    found = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert found
    return found


@pytest.mark.parametrize("config", [JsonConfig])
def test_every_line_is_json_with_the_request_id(client, users, auth, capsys):
    capsys.readouterr()
    resp = auth.login("worker", "wrong-password-1")
    out = lines(capsys.readouterr().err)
    rid = resp.headers["X-Request-Id"]
    security = [x for x in out if x["logger"] == "trainer.security"]
    assert security and all(x["request_id"] == rid for x in security)
    assert "event=login_failure" in security[0]["message"]
    access = [x for x in out if x["logger"] == "trainer.request"][-1]
    assert access["status"] == 401 and access["path"] == "/login" and access["request_id"] == rid
    assert {"time", "level", "message", "duration_ms"} <= set(access)


@pytest.mark.parametrize("config", [JsonConfig])
def test_the_callers_request_id_is_kept_and_echoed(client, capsys):
    capsys.readouterr()
    resp = client.get("/healthz", headers={"X-Request-ID": "abc-123-def"})
    assert resp.headers["X-Request-Id"] == "abc-123-def"
    access = [x for x in lines(capsys.readouterr().err) if x["logger"] == "trainer.request"]
    assert access[-1]["request_id"] == "abc-123-def" and access[-1]["status"] == 200
    forged = client.get("/healthz", headers={"X-Request-ID": "a b\"c"})
    assert forged.headers["X-Request-Id"].isalnum()  # not the caller's: a fresh one


@pytest.mark.parametrize("config", [JsonConfig])
def test_a_message_with_newlines_stays_one_line(app, capsys):
    capsys.readouterr()
    with app.app_context():
        logging.getLogger("trainer.audit").warning("two\nlines \"quoted\"")
    out = capsys.readouterr().err.splitlines()
    assert len(out) == 1 and json.loads(out[0])["message"] == "two\nlines \"quoted\""


def _handlers():
    from trainer.monitoring.logs import StderrHandler

    json_handler = next(h for h in logging.getLogger("trainer").handlers
                        if isinstance(h, StderrHandler))
    return json_handler, logging.getLogger("trainer.security").handlers[0]


def test_plain_by_default(app):
    json_handler, plain = _handlers()
    record = logging.LogRecord("trainer.security", logging.INFO, __file__, 1, "x", None, None)
    with app.app_context():
        assert not json_handler.filter(record) and plain.filter(record)
        assert plain.format(record) == "security x"


@pytest.mark.parametrize("config", [JsonConfig])
def test_json_mode_quiets_the_plain_security_lines(app):
    json_handler, plain = _handlers()
    record = logging.LogRecord("trainer.security", logging.INFO, __file__, 1, "x", None, None)
    with app.app_context():
        assert json_handler.filter(record) and not plain.filter(record)
