from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from tests.plans import factories
from tests.plans.factories import user
from trainer.errors import Conflict, DomainError, Forbidden
from trainer.extensions import db
from trainer.plans import attendance, signin
from trainer.plans.halves import LOCAL
from trainer.plans.models import Attendance, AttendanceChange, Feedback, TrainingSession

START = datetime(2026, 4, 8, 9, 0, tzinfo=LOCAL)  # 09:00–11:00 Beijing time


@pytest.fixture
def sid(app, plan):
    return factories.make_session(app, plan, START, hours=2.5)


def _rows(app, model=Attendance):
    with app.app_context():
        return db.session.scalars(sa.select(model)).all()


def _code_at(app, sid, moment):
    with app.app_context():
        return signin.current_code(db.session.get(TrainingSession, sid), moment).code


def _check_in(app, sid, code, moment, who="worker"):
    with app.app_context():
        session = db.session.get(TrainingSession, sid)
        row = signin.check_in(session, user(who), code, now=moment)
        db.session.commit()
        return row.status


def test_current_and_previous_codes_are_accepted_older_refused(app, make_user, sid):
    make_user("w2", role="worker", unit="S1-C1-G2")
    shown = START + timedelta(minutes=1)
    code = _code_at(app, sid, shown)
    assert _check_in(app, sid, code, shown + timedelta(seconds=31)) == "present"
    with pytest.raises(Conflict) as stale:
        _check_in(app, sid, code, shown + timedelta(seconds=61), who="w2")
    assert stale.value.code == "code_stale"


def test_already_present_worker_gets_present_whatever_the_code(app, sid):
    moment = START + timedelta(minutes=1)
    _check_in(app, sid, _code_at(app, sid, moment), moment)
    for code in (_code_at(app, sid, moment), "1-forged", ""):
        assert _check_in(app, sid, code, moment + timedelta(minutes=5)) == "present"
    assert _check_in(app, sid, "", START + timedelta(hours=5)) == "present"  # window closed
    assert len(_rows(app)) == 1 and len(_rows(app, AttendanceChange)) == 1


def test_code_rotates_every_thirty_seconds(app, sid):
    t = START + timedelta(minutes=1)
    t = t.replace(second=0)
    assert _code_at(app, sid, t) == _code_at(app, sid, t + timedelta(seconds=29))
    assert _code_at(app, sid, t) != _code_at(app, sid, t + timedelta(seconds=30))
    with app.app_context():
        code = signin.current_code(db.session.get(TrainingSession, sid), t)
    assert code.rotates_at == t + timedelta(seconds=30)
    assert code.expires_at == t + timedelta(seconds=60)


def test_forged_code_is_refused_and_nothing_recorded(app, sid):
    moment = START + timedelta(minutes=5)
    good = _code_at(app, sid, moment)
    for forged in (good[:-2] + "xx", "123-abc", "", _code_at(app, sid + 0, moment) + "0"):
        with pytest.raises(DomainError) as exc:
            _check_in(app, sid, forged, moment)
        assert exc.value.code == "code_invalid"
    assert _rows(app) == []


def test_code_of_another_session_is_refused(app, plan, sid):
    other = factories.make_session(app, plan, START, place="别处", lecturer=None)
    moment = START + timedelta(minutes=5)
    with pytest.raises(DomainError):
        _check_in(app, sid, _code_at(app, other, moment), moment)


@pytest.mark.parametrize("offset", [timedelta(minutes=-31), timedelta(hours=2, seconds=1)])
def test_outside_the_window_no_code_and_no_checkin(app, sid, offset):
    moment = START + offset
    with app.app_context(), pytest.raises(Conflict) as exc:
        signin.current_code(db.session.get(TrainingSession, sid), moment)
    assert exc.value.code == "checkin_closed"
    # A code from inside the window replayed after it closes is refused too.
    replay = _code_at(app, sid, START + timedelta(hours=1, minutes=59, seconds=50))
    with pytest.raises(Conflict) as exc:
        _check_in(app, sid, replay, START + timedelta(hours=2, seconds=1))
    assert exc.value.code == "checkin_closed"
    assert _rows(app) == []


def test_window_opens_half_an_hour_before(app, sid):
    moment = START - timedelta(minutes=29)
    assert _check_in(app, sid, _code_at(app, sid, moment), moment) == "present"


def test_second_scan_changes_nothing(app, sid):
    moment = START + timedelta(minutes=3)
    code = _code_at(app, sid, moment)
    _check_in(app, sid, code, moment)
    _check_in(app, sid, _code_at(app, sid, moment + timedelta(minutes=5)),
              moment + timedelta(minutes=5))
    (row,) = _rows(app)
    assert (row.status, row.method, row.hours_credited) == ("present", "qr", 2.5)
    assert row.marked_at == moment
    assert len(_rows(app, AttendanceChange)) == 1


def test_someone_outside_the_audience_cannot_check_in(app, make_user, sid):
    make_user("li", role="worker", unit="S2-C1-G1")
    moment = START + timedelta(minutes=3)
    with pytest.raises(Forbidden):
        _check_in(app, sid, _code_at(app, sid, moment), moment, who="li")


def _pending(app, sid, code, moment, by=None):
    with app.app_context():
        session = db.session.get(TrainingSession, sid)
        return signin.start_pending(session, code, user(by) if by else None, now=moment)


def _check_in_pending(app, sid, token, moment, who="worker"):
    with app.app_context():
        session = db.session.get(TrainingSession, sid)
        row = signin.check_in_pending(session, user(who), token, now=moment)
        db.session.commit()
        return row.status


def test_pending_signin_lasts_ten_minutes_inside_the_window(app, sid):
    moment = START + timedelta(minutes=3)
    token = _pending(app, sid, _code_at(app, sid, moment), moment)
    with pytest.raises(Conflict) as late:
        _check_in_pending(app, sid, token, moment + timedelta(minutes=11))
    assert late.value.code == "code_stale"
    with pytest.raises(DomainError):
        _check_in_pending(app, sid, token + "x", moment + timedelta(minutes=1))
    assert _check_in_pending(app, sid, token, moment + timedelta(minutes=9)) == "present"


def test_pending_signin_is_refused_once_the_session_is_over(app, sid):
    moment = START + timedelta(hours=1, minutes=58)  # scanned two minutes before the end
    token = _pending(app, sid, _code_at(app, sid, moment), moment)
    with pytest.raises(Conflict) as closed:
        _check_in_pending(app, sid, token, START + timedelta(hours=2, seconds=1))
    assert closed.value.code == "checkin_closed"
    assert _rows(app) == []


def test_pending_signin_belongs_to_the_first_account_that_uses_it(app, make_user, sid):
    make_user("w2", role="worker", unit="S1-C1-G2")
    moment = START + timedelta(minutes=3)
    token = _pending(app, sid, _code_at(app, sid, moment), moment)
    with app.app_context():
        session = db.session.get(TrainingSession, sid)
        claimed = signin.claim_pending(session, user("worker"), token, now=moment)
    with pytest.raises(DomainError) as other:
        _check_in_pending(app, sid, claimed, moment, who="w2")
    assert other.value.code == "code_invalid"
    assert _check_in_pending(app, sid, claimed, moment) == "present"
    bound = _pending(app, sid, _code_at(app, sid, moment), moment, by="worker")
    with pytest.raises(DomainError):
        _check_in_pending(app, sid, bound, moment, who="w2")
    assert [r.user_id for r in _rows(app)] == [_uid(app, "worker")]


def _uid(app, username):
    with app.app_context():
        return user(username).id


# --- over HTTP, on the real clock -------------------------------------------------------

@pytest.fixture
def live(app, users):
    return factories.live_session(app)


def test_api_code_for_lecturer_and_organiser_only(client, api, make_user, live):
    for who in ("trainer", "organiser"):
        resp = client.get(f"/api/v1/sessions/{live}/checkin-code", headers=api(who))
        assert resp.status_code == 200
        assert set(resp.get_json()) >= {"code", "expires_at"}
    make_user("t2", role="trainer", department="fire")
    for who in ("worker", "t2", "admin"):
        assert client.get(f"/api/v1/sessions/{live}/checkin-code",
                          headers=api(who)).status_code == 403


def test_api_checkin_is_idempotent_and_credits_hours(app, client, api, live):
    code = client.get(f"/api/v1/sessions/{live}/checkin-code",
                      headers=api("trainer")).get_json()["code"]
    first = client.post(f"/api/v1/sessions/{live}/checkin", headers=api("worker"),
                        json={"code": code})
    again = client.post(f"/api/v1/sessions/{live}/checkin", headers=api("worker"),
                        json={"code": code})
    assert first.status_code == again.status_code == 200
    assert first.get_json()["status"] == again.get_json()["status"] == "present"
    assert len(_rows(app)) == 1
    record = client.get("/api/v1/me/record", headers=api("worker")).get_json()
    assert [s["id"] for s in record["sessions"]] == [live] and record["total_hours"] == 2


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
    assert _rows(app) == []


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
    assert [r.status for r in _rows(app)] == ["present"]
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
    assert _rows(app) == []
    _log_in_to(client, "worker", target)
    assert auth.post(target).status_code == 302
    auth.logout()  # the same phone, handed to w2 afterwards: the scan was spent
    _log_in_to(client, "w2", target)
    assert auth.post(target).status_code == 400
    assert [r.user_id for r in _rows(app)] == [_uid(app, "worker")]


def _end_session_now(app, sid):
    from trainer.models import utcnow

    with app.app_context():
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
    assert _rows(app) == []


def test_second_scan_over_http_changes_nothing(app, client, auth, api, live):
    code = client.get(f"/api/v1/sessions/{live}/checkin-code",
                      headers=api("trainer")).get_json()["code"]
    auth.login("worker")
    assert client.get(f"/sessions/{live}/checkin?code={code}").status_code == 200
    assert auth.post(f"/sessions/{live}/checkin").status_code == 302
    (first,) = _rows(app)
    client.set_cookie("lang", "en")
    again = client.get(f"/sessions/{live}/checkin?code={code}")
    assert again.status_code == 200 and "You are signed in" in again.get_data(as_text=True)
    assert auth.post(f"/sessions/{live}/checkin").status_code == 302  # welcome, again
    (row,) = _rows(app)
    assert (row.id, row.marked_at) == (first.id, first.marked_at)
    assert len(_rows(app, AttendanceChange)) == 1


def test_forged_scan_shows_a_clear_message(app, client, auth, live):
    client.set_cookie("lang", "en")
    auth.login("worker")
    resp = client.get(f"/sessions/{live}/checkin?code=1-forged")
    assert resp.status_code == 400
    assert "not valid for this session" in resp.get_data(as_text=True)
    assert "入户走访沟通技巧" in resp.get_data(as_text=True)  # the worker is in the audience
    auth.logout()
    anonymous = client.get(f"/sessions/{live}/checkin?code=1-forged").get_data(as_text=True)
    assert "入户走访沟通技巧" not in anonymous


def test_roll_call_marks_by_hand_with_audit_trail(app, client, auth, make_user, live):
    make_user("li", role="worker", unit="S2-C1-G1")
    with app.app_context():
        worker_id, li_id = user("worker").id, user("li").id
    auth.login("trainer")
    page = f"/sessions/{live}/rollcall"
    assert "worker用户" in client.get(page).get_data(as_text=True)
    assert auth.post(page, {"user_id": worker_id, "status": "absent"}).status_code == 302
    auth.post(page, {"user_id": worker_id, "status": "present"})
    auth.post(page, {"user_id": li_id, "status": "present"})  # another street: refused
    (row,) = _rows(app)
    assert (row.status, row.method, row.hours_credited) == ("present", "manual", 2)
    with app.app_context():
        trail = [(c.old_status, c.new_status, c.changed_by.username) for c in db.session.scalars(
            sa.select(AttendanceChange).order_by(AttendanceChange.id))]
    assert trail == [(None, "absent", "trainer"), ("absent", "present", "trainer")]
    client.set_cookie("lang", "en")
    html = client.get(page).get_data(as_text=True)
    assert "by hand" in html and "Absent" in html


def test_feedback_after_the_session_for_attendees_only(app, make_user, sid):
    make_user("w2", role="worker", unit="S1-C1-G2")
    during, after = START + timedelta(minutes=10), START + timedelta(hours=3)
    _check_in(app, sid, _code_at(app, sid, during), during)
    with app.app_context():
        session = db.session.get(TrainingSession, sid)
        with pytest.raises(Conflict):
            attendance.give_feedback(session, user("worker"), 5, "", now=during)
        with pytest.raises(Forbidden):
            attendance.give_feedback(session, user("w2"), 5, "", now=after)
        with pytest.raises(DomainError):
            attendance.give_feedback(session, user("worker"), 6, "", now=after)
        attendance.give_feedback(session, user("worker"), 3, "好", now=after)
        attendance.give_feedback(session, user("worker"), 4, "很好", now=after)
        db.session.commit()
        assert attendance.feedback_summary([sid]) == {sid: (4.0, 1)}
    assert [(f.rating, f.comment) for f in _rows(app, Feedback)] == [(4, "很好")]


def test_feedback_form_and_organiser_average(app, client, auth, plan):
    past = factories.make_session(app, plan, datetime(2026, 1, 5, 9, tzinfo=LOCAL))
    moment = datetime(2026, 1, 5, 9, 10, tzinfo=LOCAL)
    _check_in(app, past, _code_at(app, past, moment), moment)
    client.set_cookie("lang", "en")
    auth.login("worker")
    assert "Your feedback" in client.get(f"/sessions/{past}").get_data(as_text=True)
    resp = auth.post(f"/sessions/{past}/feedback", {"rating": "5", "comment": "实用"},
                     page=f"/sessions/{past}")
    assert resp.status_code == 302
    auth.logout()
    auth.login("organiser")
    assert "Average 5.0 from 1 ratings" in client.get(f"/sessions/{past}").get_data(as_text=True)


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
    assert len(_rows(app)) == 1


def test_qr_signin_stops_at_capacity_roll_call_may_exceed_it(app, client, auth, make_user,
                                                             plan):
    make_user("w2", role="worker", unit="S1-C1-G2")
    sid = factories.make_session(app, plan, START, capacity=1)
    moment = START + timedelta(minutes=2)
    assert _check_in(app, sid, _code_at(app, sid, moment), moment) == "present"
    with pytest.raises(Conflict) as full:
        _check_in(app, sid, _code_at(app, sid, moment), moment, who="w2")
    assert full.value.code == "session_full"
    assert _check_in(app, sid, "", moment) == "present"  # the one inside stays inside
    with app.app_context():
        attendance.mark_attendance(db.session.get(TrainingSession, sid), user("w2"), "present",
                                   user("trainer"), now=moment)
        db.session.commit()
    assert sorted(r.status for r in _rows(app)) == ["present", "present"]
    assert [c.method for c in _rows(app, AttendanceChange)] == ["qr", "manual"]
    client.set_cookie("lang", "en")
    auth.login("trainer")
    assert "More people are present than" in client.get(
        f"/sessions/{sid}/rollcall").get_data(as_text=True)


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
    assert len(_rows(app)) == 1
