from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.plans import factories
from tests.plans.factories import user
from trainer.errors import Conflict, DomainError, Forbidden
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans import attendance, signin
from trainer.plans.models import AttendanceChange, Feedback, TrainingSession

LOCAL = local_zone()  # the configured zone (Asia/Shanghai outside an app)

START = datetime(2026, 4, 8, 9, 0, tzinfo=LOCAL)  # 09:00–11:00 Beijing time


@pytest.fixture
def sid(app, plan):
    return factories.make_session(app, plan, START, hours=2.5)



def _code_at(app, sid, moment):
    with app_ctx(app):
        return signin.current_code(db.session.get(TrainingSession, sid), moment).code


def _check_in(app, sid, code, moment, who="worker"):
    with app_ctx(app):
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
    assert len(factories.rows(app)) == 1 and len(factories.rows(app, AttendanceChange)) == 1


@pytest.mark.usefixtures("db_ctx")
def test_code_rotates_every_thirty_seconds(app, sid):
    t = START + timedelta(minutes=1)
    t = t.replace(second=0)
    assert _code_at(app, sid, t) == _code_at(app, sid, t + timedelta(seconds=29))
    assert _code_at(app, sid, t) != _code_at(app, sid, t + timedelta(seconds=30))
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
    assert factories.rows(app) == []


def test_code_of_another_session_is_refused(app, plan, sid):
    other = factories.make_session(app, plan, START, place="别处", lecturer=None)
    moment = START + timedelta(minutes=5)
    with pytest.raises(DomainError):
        _check_in(app, sid, _code_at(app, other, moment), moment)


@pytest.mark.usefixtures("db_ctx")
@pytest.mark.parametrize("offset", [timedelta(minutes=-31), timedelta(hours=2, seconds=1)])
def test_outside_the_window_no_code_and_no_checkin(app, sid, offset):
    moment = START + offset
    with pytest.raises(Conflict) as exc:
        signin.current_code(db.session.get(TrainingSession, sid), moment)
    assert exc.value.code == "checkin_closed"
    # A code from inside the window replayed after it closes is refused too.
    replay = _code_at(app, sid, START + timedelta(hours=1, minutes=59, seconds=50))
    with pytest.raises(Conflict) as exc:
        _check_in(app, sid, replay, START + timedelta(hours=2, seconds=1))
    assert exc.value.code == "checkin_closed"
    assert factories.rows(app) == []


def test_window_opens_half_an_hour_before(app, sid):
    moment = START - timedelta(minutes=29)
    assert _check_in(app, sid, _code_at(app, sid, moment), moment) == "present"


def test_second_scan_changes_nothing(app, sid):
    moment = START + timedelta(minutes=3)
    code = _code_at(app, sid, moment)
    _check_in(app, sid, code, moment)
    _check_in(app, sid, _code_at(app, sid, moment + timedelta(minutes=5)),
              moment + timedelta(minutes=5))
    (row,) = factories.rows(app)
    assert (row.status, row.method, row.hours_credited) == ("present", "qr", 2.5)
    assert row.marked_at == moment
    assert len(factories.rows(app, AttendanceChange)) == 1


def test_someone_outside_the_audience_cannot_check_in(app, make_user, sid):
    make_user("li", role="worker", unit="S2-C1-G1")
    moment = START + timedelta(minutes=3)
    with pytest.raises(Forbidden):
        _check_in(app, sid, _code_at(app, sid, moment), moment, who="li")


def _pending(app, sid, code, moment, by=None):
    with app_ctx(app):
        session = db.session.get(TrainingSession, sid)
        return signin.start_pending(session, code, user(by) if by else None, now=moment)


def _check_in_pending(app, sid, token, moment, who="worker"):
    with app_ctx(app):
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
    assert factories.rows(app) == []


@pytest.mark.usefixtures("db_ctx")
def test_pending_signin_belongs_to_the_first_account_that_uses_it(app, make_user, sid):
    make_user("w2", role="worker", unit="S1-C1-G2")
    moment = START + timedelta(minutes=3)
    token = _pending(app, sid, _code_at(app, sid, moment), moment)
    session = db.session.get(TrainingSession, sid)
    claimed = signin.claim_pending(session, user("worker"), token, now=moment)
    with pytest.raises(DomainError) as other:
        _check_in_pending(app, sid, claimed, moment, who="w2")
    assert other.value.code == "code_invalid"
    assert _check_in_pending(app, sid, claimed, moment) == "present"
    bound = _pending(app, sid, _code_at(app, sid, moment), moment, by="worker")
    with pytest.raises(DomainError):
        _check_in_pending(app, sid, bound, moment, who="w2")
    assert [r.user_id for r in factories.rows(app)] == [factories.uid(app, "worker")]



# --- over HTTP, on the real clock (sign-in itself: test_checkin_http.py) --------------


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
    (row,) = factories.rows(app)
    assert (row.status, row.method, row.hours_credited) == ("present", "manual", 2)
    with app.app_context():
        trail = [(c.old_status, c.new_status, c.changed_by.username) for c in db.session.scalars(
            sa.select(AttendanceChange).order_by(AttendanceChange.id))]
    assert trail == [(None, "absent", "trainer"), ("absent", "present", "trainer")]
    client.set_cookie("lang", "en")
    html = client.get(page).get_data(as_text=True)
    assert "by hand" in html and "Absent" in html


@pytest.mark.usefixtures("db_ctx")
def test_feedback_after_the_session_for_attendees_only(app, make_user, sid):
    make_user("w2", role="worker", unit="S1-C1-G2")
    during, after = START + timedelta(minutes=10), START + timedelta(hours=3)
    _check_in(app, sid, _code_at(app, sid, during), during)
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
    assert [(f.rating, f.comment) for f in factories.rows(app, Feedback)] == [(4, "很好")]


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
    assert sorted(r.status for r in factories.rows(app)) == ["present", "present"]
    assert [c.method for c in factories.rows(app, AttendanceChange)] == ["qr", "manual"]
    client.set_cookie("lang", "en")
    auth.login("trainer")
    assert "More people are present than" in client.get(
        f"/sessions/{sid}/rollcall").get_data(as_text=True)


@pytest.mark.usefixtures("db_ctx")
@pytest.mark.parametrize("offset,open_", [
    (timedelta(minutes=-31), False), (timedelta(minutes=-30), True), (timedelta(hours=1), True),
    (timedelta(hours=2), True), (timedelta(hours=2, seconds=1), False)])
def test_the_screen_shows_a_code_exactly_while_sign_in_is_open(app, sid, offset, open_):
    session = db.session.get(TrainingSession, sid)
    assert signin.is_open(session, START + offset) is open_
    if open_:
        assert signin.current_code(session, START + offset).code
    else:
        with pytest.raises(Conflict):
            signin.current_code(session, START + offset)
