"""QR sign-in over HTTP on the real clock: the API, and scan → log in → present."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from tests.conftest import app_ctx
from tests.plans import factories
from trainer.extensions import db
from trainer.plans.models import AttendanceChange, TrainingSession


def test_api_code_for_lecturer_and_organiser_only(client, api, make_user, live):
    for who in ("trainer", "organiser"):
        resp = client.get(f"/api/v1/sessions/{live}/checkin-code", headers=api(who))
        assert resp.status_code == 200
        assert set(resp.get_json()) >= {"code", "expires_at"}
    make_user("t2", role="trainer", department="fire")
    for who in ("worker", "t2", "admin"):
        assert client.get(f"/api/v1/sessions/{live}/checkin-code",
                          headers=api(who)).status_code == 403


def test_api_checkin_is_idempotent_and_credits_hours_once_the_session_ends(app, client, api,
                                                                         live):
    code = client.get(f"/api/v1/sessions/{live}/checkin-code",
                      headers=api("trainer")).get_json()["code"]
    first = client.post(f"/api/v1/sessions/{live}/checkin", headers=api("worker"),
                        json={"code": code})
    again = client.post(f"/api/v1/sessions/{live}/checkin", headers=api("worker"),
                        json={"code": code})
    assert first.status_code == again.status_code == 200
    assert first.get_json()["status"] == again.get_json()["status"] == "present"
    assert len(factories.rows(app)) == 1
    record = client.get("/api/v1/me/record", headers=api("worker")).get_json()
    assert [s["id"] for s in record["sessions"]] == [live]
    # DESIGN.md: credited_hours is 0 until the session has ended (this one is running)
    assert record["sessions"][0]["credited_hours"] == 0 and record["total_hours"] == 0
    assert record["sessions"][0]["session_hours"] == 2


def test_api_checkin_refuses_forged_and_stale_codes(app, client, api, live):
    code = client.get(f"/api/v1/sessions/{live}/checkin-code",
                      headers=api("trainer")).get_json()["code"]
    step, _, sig = code.partition("-")
    forged = client.post(f"/api/v1/sessions/{live}/checkin", headers=api("worker"),
                         json={"code": f"{step}-{sig[::-1]}"})
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "code_invalid"
    from trainer.plans import codes

    with app.app_context():
        key = codes.derive_key(app.config["SECRET_KEY"])
    stale = codes.make_code(key, live, int(step) - 3)
    resp = client.post(f"/api/v1/sessions/{live}/checkin", headers=api("worker"),
                       json={"code": stale})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "code_stale"
    assert factories.rows(app) == []


def _scan_anonymously(client, auth, live):
    """The trainer's screen shows a code; a phone that is not logged in scans it."""
    auth.login("trainer")
    url = client.get(f"/sessions/{live}/signin/code").get_json()["url"]
    auth.logout()
    return client.get(urlsplit(url).path + "?" + urlsplit(url).query)


def _log_in_to(client, username, target):
    from tests.conftest import PASSWORD, csrf_from

    login = client.get("/login?next=" + target).get_data(as_text=True)
    return client.post("/login", data={"username": username, "password": PASSWORD,
                                       "next": target, "csrf_token": csrf_from(login)})


def test_scan_log_in_and_come_back(app, client, auth, live):
    auth.login("trainer")
    screen = client.get(f"/sessions/{live}/signin").get_data(as_text=True)
    assert "<svg" in screen and 'http-equiv="refresh"' in screen
    auth.logout()
    resp = _scan_anonymously(client, auth, live)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next=")
    target = parse_qs(urlsplit(resp.headers["Location"]).query)["next"][0]
    assert target == f"/sessions/{live}/checkin"  # nothing secret in the link
    back = _log_in_to(client, "worker", target)  # the fresh session keeps the pending scan
    assert back.headers["Location"] == target
    page = client.get(target)
    assert page.status_code == 200
    done = auth.post(target)
    assert done.status_code == 302
    assert [r.status for r in factories.rows(app)] == ["present"]
    client.set_cookie("lang", "en")
    assert "You are signed in" in client.get(target).get_data(as_text=True)


def test_signin_link_cannot_be_passed_on(app, client, auth, make_user, live):
    make_user("w2", role="worker", unit="S1-C1-G2")
    target = parse_qs(urlsplit(_scan_anonymously(client, auth, live).headers["Location"])
                      .query)["next"][0]
    other = app.test_client()  # w2 never scanned: the link alone proves nothing
    other.set_cookie("lang", "en")
    _log_in_to(other, "w2", target)
    page = other.get(target)
    assert page.status_code == 400 and "Scan the QR code" in page.get_data(as_text=True)
    from tests.conftest import AuthActions

    assert AuthActions(other).post(target).status_code == 400
    assert factories.rows(app) == []
    _log_in_to(client, "worker", target)
    assert auth.post(target).status_code == 302
    auth.logout()  # the same phone, handed to w2 afterwards: the scan was spent
    _log_in_to(client, "w2", target)
    assert auth.post(target).status_code == 400
    assert [r.user_id for r in factories.rows(app)] == [factories.uid(app, "worker")]


def _end_session_now(app, sid):
    from trainer.models import utcnow

    with app_ctx(app):
        session = db.session.get(TrainingSession, sid)
        session.starts_at = utcnow() - timedelta(hours=2)
        session.ends_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_pending_scan_is_refused_after_the_session_ends(app, client, auth, live):
    target = parse_qs(urlsplit(_scan_anonymously(client, auth, live).headers["Location"])
                      .query)["next"][0]
    _end_session_now(app, live)
    client.set_cookie("lang", "en")
    _log_in_to(client, "worker", target)
    page = client.get(target)
    assert page.status_code == 409 and "is closed" in page.get_data(as_text=True)
    resp = auth.post(target)
    assert resp.status_code in (400, 409)
    assert factories.rows(app) == []


def test_second_scan_over_http_changes_nothing(app, client, auth, api, live):
    code = client.get(f"/api/v1/sessions/{live}/checkin-code",
                      headers=api("trainer")).get_json()["code"]
    auth.login("worker")
    assert client.get(f"/sessions/{live}/checkin?code={code}").status_code == 200
    assert auth.post(f"/sessions/{live}/checkin").status_code == 302
    (first,) = factories.rows(app)
    client.set_cookie("lang", "en")
    again = client.get(f"/sessions/{live}/checkin?code={code}")
    assert again.status_code == 200 and "You are signed in" in again.get_data(as_text=True)
    assert auth.post(f"/sessions/{live}/checkin").status_code == 302  # welcome, again
    (row,) = factories.rows(app)
    assert (row.id, row.marked_at) == (first.id, first.marked_at)
    assert len(factories.rows(app, AttendanceChange)) == 1


def test_api_repeat_with_a_stale_code_still_answers_present(app, client, api, live):
    from trainer.plans import codes

    code = client.get(f"/api/v1/sessions/{live}/checkin-code",
                      headers=api("trainer")).get_json()["code"]
    assert client.post(f"/api/v1/sessions/{live}/checkin", headers=api("worker"),
                       json={"code": code}).status_code == 200
    with app.app_context():
        key = codes.derive_key(app.config["SECRET_KEY"])
    stale = codes.make_code(key, live, int(code.partition("-")[0]) - 5)
    resp = client.post(f"/api/v1/sessions/{live}/checkin", headers=api("worker"),
                       json={"code": stale})
    assert resp.status_code == 200 and resp.get_json()["status"] == "present"
    assert len(factories.rows(app)) == 1


def test_api_signin_answers_409_when_the_session_is_full(app, client, api, make_user, users):
    make_user("w2", role="worker", unit="S1-C1-G2")
    live = factories.live_session(app, capacity=1)
    code = client.get(f"/api/v1/sessions/{live}/checkin-code",
                      headers=api("trainer")).get_json()["code"]
    assert client.post(f"/api/v1/sessions/{live}/checkin", headers=api("worker"),
                       json={"code": code}).status_code == 200
    client.set_cookie("lang", "en")
    resp = client.post(f"/api/v1/sessions/{live}/checkin", headers=api("w2"), json={"code": code})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "session_full"
    assert "full" in resp.get_json()["error"]["message"]
    assert len(factories.rows(app)) == 1
