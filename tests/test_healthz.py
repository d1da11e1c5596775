"""The health check answers 503 when the database fails, and the next request is unharmed."""

from trainer.main import views


def test_healthz_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}


def test_healthz_unavailable_when_the_database_fails_then_recovers(client, monkeypatch, users,
                                                                  auth):
    # the probe hits a table that is absent
    monkeypatch.setattr(views, "HEALTH_PROBE", "SELECT 1 FROM no_such_table")
    resp = client.get("/healthz")
    assert resp.status_code == 503 and resp.get_json() == {"status": "unavailable"}
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200
    auth.login("worker")  # a request that reads and writes still works after the failure
    assert client.get("/").status_code == 200
