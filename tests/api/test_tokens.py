import sqlalchemy as sa

from tests.conftest import PASSWORD, bearer
from trainer.auth.models import ApiToken
from trainer.extensions import db
from trainer.models import utcnow


def test_token_issued_and_stored_hashed(app, client, users):
    resp = client.post("/api/v1/tokens", json={"username": "worker", "password": PASSWORD})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["token"] and body["expires_at"]
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken.token_hash))
        assert stored != body["token"] and len(stored) == 64


def test_bad_credentials_401_json(client, users):
    resp = client.post("/api/v1/tokens", json={"username": "worker", "password": "nope-nope-1"})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "bad_credentials"


def test_missing_fields_and_bad_json(client):
    assert client.post("/api/v1/tokens", json={"username": "x"}).status_code == 422
    assert client.post("/api/v1/tokens", data="nope").status_code == 400


def test_throttled_after_five_failures_429(client, users):
    for _ in range(5):
        client.post("/api/v1/tokens", json={"username": "worker", "password": "bad-pass-99"})
    resp = client.post("/api/v1/tokens", json={"username": "worker", "password": PASSWORD})
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "throttled"


def test_me_describes_worker_unit_and_street(client, auth, users):
    body = client.get("/api/v1/me", headers=bearer(auth.token("worker"))).get_json()
    assert body["username"] == "worker" and body["role"] == "worker"
    assert body["unit"] == {"code": "S1-C1-G1", "name": "S1G1网格", "level": "grid"}
    assert body["street"] == {"code": "S1", "name": "S1街道"}
    assert body["department"] is None


def test_me_for_trainer_has_department(client, auth, users):
    body = client.get("/api/v1/me", headers=bearer(auth.token("trainer"))).get_json()
    assert body["department"]["code"] == "public-security" and body["street"] is None


def test_no_or_bad_token_is_401(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer("forged")).status_code == 401


def test_cookie_session_does_not_authenticate_api(client, auth, users):
    auth.login("worker")
    assert client.get("/api/v1/me").status_code == 401


def test_expired_token_is_refused(app, client, auth, users):
    token = auth.token("worker")
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(expires_at=utcnow()))
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_client_revokes_its_own_token_and_only_that_one(client, users):
    first = client.post("/api/v1/tokens", json={"username": "worker", "password": PASSWORD})
    second = client.post("/api/v1/tokens", json={"username": "worker", "password": PASSWORD})
    one, two = first.get_json()["token"], second.get_json()["token"]
    assert client.delete("/api/v1/tokens", headers=bearer(one)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(one)).status_code == 401
    assert client.delete("/api/v1/tokens", headers=bearer(one)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(two)).status_code == 200
