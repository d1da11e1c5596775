"""Fair sign-in (issue 17 item 5): hours are credited once the session has ended and the
worker was present; the six digits under the QR code can be typed instead of scanning;
a worker's own phone may stay signed in."""

from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, app_ctx
from tests.plans import factories
from tests.plans.factories import user
from trainer.errors import Conflict
from trainer.extensions import db
from trainer.models import utcnow
from trainer.plans import codes, signin
from trainer.plans.credit import credited_hours
from trainer.plans.models import Attendance, TrainingSession


def _digits(app, sid, moment=None) -> str:
    with app_ctx(app):
        return signin.current_code(db.session.get(TrainingSession, sid), moment).digits


def test_hours_are_credited_only_once_the_session_has_ended(app, live):
    with app_ctx(app):
        session = db.session.get(TrainingSession, live)
        session.hours = 2
        now = utcnow()
        assert credited_hours(session, "present", now) == 0  # still running
        after = session.ends_at + timedelta(minutes=1)
        assert credited_hours(session, "present", after) == 2
        assert credited_hours(session, "absent", after) == 0
        assert credited_hours(session, None, after) == 0


def test_record_shows_credited_hours_zero_until_the_end(app, client, auth, live):
    from trainer.plans.record import sessions_attended

    auth.login("worker")
    resp = auth.post(f"/sessions/{live}/code", {"code": _digits(app, live)})
    assert resp.status_code == 302
    with app_ctx(app):
        rows = sessions_attended(user("worker"), utcnow().year)
        assert [r["credited_hours"] for r in rows] == [0.0]
    detail = client.get(f"/sessions/{live}").get_data(as_text=True)
    assert "hours will be credited when the session ends" in detail or "培训结束后计入" in detail


def test_digits_rotate_with_the_qr_code_current_and_previous_accepted():
    key = codes.derive_key("k" * 40)
    now = utcnow()
    step = codes.step_at(now)
    shown = codes.make_digits(key, 7, step)
    assert len(shown) == 6 and shown.isdigit()
    assert codes.check_digits(key, 7, shown, now)
    assert codes.check_digits(key, 7, shown, now + timedelta(seconds=codes.STEP_SECONDS))
    assert not codes.check_digits(key, 7, shown, now + timedelta(seconds=3 * codes.STEP_SECONDS))
    assert not codes.check_digits(key, 8, shown, now)  # another session's
    assert not codes.check_digits(key, 7, "12345", now) and not codes.check_digits(key, 7, "",
                                                                                   now)


def test_typed_code_signs_in_once(app, client, auth, live):
    auth.login("worker")
    page = client.get(f"/sessions/{live}/code")
    assert page.status_code == 200 and 'inputmode="numeric"' in page.get_data(as_text=True)
    resp = auth.post(f"/sessions/{live}/code", {"code": _digits(app, live)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/sessions/{live}")
    rows = factories.rows(app)
    assert [(r.status, r.method) for r in rows] == [("present", "qr")]
    again = auth.post(f"/sessions/{live}/code", {"code": "000000"}, page=f"/sessions/{live}")
    assert again.status_code == 302  # already present: nothing new, nothing counted
    assert len(factories.rows(app)) == 1


def test_typed_code_is_refused_after_five_wrong_tries(app, client, auth, live):
    auth.login("worker")
    right = _digits(app, live)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        resp = auth.post(f"/sessions/{live}/code", {"code": wrong})
        assert resp.status_code == 400
    refused = auth.post(f"/sessions/{live}/code", {"code": _digits(app, live)})
    assert refused.status_code == 429
    assert factories.rows(app) == []


def test_typed_code_only_for_the_audience_and_only_in_the_window(app, client, auth, live):
    auth.login("trainer")
    assert client.get(f"/sessions/{live}/code").status_code == 403
    with app_ctx(app):
        session = db.session.get(TrainingSession, live)
        later = session.ends_at + timedelta(minutes=1)
        digits = codes.make_digits(signin._key(), live, codes.step_at(later))
        with pytest.raises(Conflict) as closed:
            signin.check_in_typed(session, user("worker"), digits, "127.0.0.9", later)
        assert closed.value.code == "checkin_closed"
        db.session.rollback()


def test_trainer_screen_shows_the_six_digits(app, client, auth, live):
    auth.login("trainer")
    data = client.get(f"/sessions/{live}/signin/code").get_json()
    assert data["open"] and len(data["digits"]) == 6
    assert data["digits"] in client.get(f"/sessions/{live}/signin").get_data(as_text=True)


def test_remember_me_is_offered_on_the_way_to_a_sign_in_only(app, client, auth, live):
    target = f"/sessions/{live}/checkin"
    plain = client.get("/login").get_data(as_text=True)
    assert 'name="remember"' not in plain
    offered = client.get(f"/login?next={target}",
                         headers={"User-Agent": "Mozilla/5.0 MicroMessenger/8.0"})
    html = offered.get_data(as_text=True)
    assert 'name="remember"' in html and "checked" in html  # WeChat: their own phone
    token = auth.csrf(f"/login?next={target}")
    resp = client.post("/login", data={"username": "worker", "password": PASSWORD,
                                       "csrf_token": token, "next": target, "remember": "y"})
    cookies = resp.headers.getlist("Set-Cookie")
    assert any(c.startswith("gt_remember=") and "HttpOnly" in c for c in cookies), cookies
    out = auth.logout()
    assert out.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert any(c.startswith("gt_remember=") and "Expires=Thu, 01 Jan 1970" in c
               for c in out.headers.getlist("Set-Cookie"))


def test_remember_me_is_not_given_without_the_sign_in_path(app, client, auth, users):
    token = auth.csrf("/login")
    resp = client.post("/login", data={"username": "worker", "password": PASSWORD,
                                       "csrf_token": token, "next": "/", "remember": "y"})
    assert resp.status_code == 302
    assert not any(c.startswith("gt_remember=") for c in resp.headers.getlist("Set-Cookie"))


def test_the_remember_cookie_ends_with_the_session_version(app, client, auth, live):
    """Logout or a password change moves the version: the cookie no longer loads anyone."""
    from trainer.auth.sessions import _load_user

    with app_ctx(app), app.test_request_context("/"):
        worker = user("worker")
        remembered = worker.get_id()
        assert _load_user(remembered) is not None
        worker.session_version += 1
        db.session.flush()
        assert _load_user(remembered) is None
        db.session.rollback()


def test_attendance_row_is_still_written_at_the_scan(app, live):
    """The row says who was present (and how); the credit is computed (plans.credit)."""
    with app_ctx(app):
        session = db.session.get(TrainingSession, live)
        row = signin.check_in_typed(session, user("worker"), _digits(app, live), "127.0.0.8")
        db.session.commit()
        assert isinstance(row, Attendance) and row.status == "present"
