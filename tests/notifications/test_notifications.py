"""Reminders: each kind produced once, preferences respected, e-mail through a real SMTP
server (aiosmtpd), the unread count in the navigation, the list and settings pages, and the
calendar feed's alarms."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.assignments import services as assignments
from trainer.auth.models import User
from trainer.extensions import db
from trainer.notifications import services
from trainer.notifications.models import Notification, NotificationSettings


def _user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def _notes(app, **where) -> list[tuple]:
    with app_ctx(app):
        stmt = sa.select(User.username, Notification.kind, Notification.object_key,
                         Notification.occasion).join(User, User.id == Notification.user_id)
        for key, value in where.items():
            stmt = stmt.where(getattr(Notification, key) == value)
        return sorted(tuple(r) for r in db.session.execute(stmt))


@pytest.fixture
def assigned(app, users, make_user):
    """A course for worker and w2 (same grid): due in two days and one overdue."""
    from trainer.assignments.queries import today
    from trainer.learning.models import Course
    from trainer.org.services import department_by_code

    make_user("w2", role="worker", unit="S1-C1-G1")
    with app_ctx(app):
        dept = department_by_code("civil-affairs")
        db.session.add_all([Course(slug="c1", title="课程一", department=dept,
                                   status="published"),
                            Course(slug="c2", title="课程二", department=dept,
                                   status="published")])
        db.session.flush()
        organiser = _user("organiser")
        soon = assignments.create_assignment(organiser, "course", "c1", {"grids": ["S1-C1-G1"]},
                                             (today() + timedelta(days=2)).isoformat())
        late = assignments.create_assignment(organiser, "course", "c2", {"users": ["worker"]},
                                             (today() - timedelta(days=1)).isoformat())
        db.session.commit()
        return {"soon": soon.id, "late": late.id}


def test_assignment_reminders_are_sent_once(app, assigned):
    with app_ctx(app):
        first = services.run_reminders()
        again = services.run_reminders()
    assert first["assignments"] == 3 and again["assignments"] == 0
    soon, late = f"assignment:{assigned['soon']}", f"assignment:{assigned['late']}"
    got = [(u, k, o) for u, k, o, _occ in _notes(app)]
    assert got == [("w2", "assignment_due", soon), ("worker", "assignment_due", soon),
                   ("worker", "assignment_overdue", late)]


def test_a_done_assignment_is_not_reminded(app, assigned, users):
    from trainer.learning.models import Course, Enrollment
    from trainer.models import utcnow

    with app_ctx(app):
        c1 = db.session.scalar(sa.select(Course.id).where(Course.slug == "c1"))
        db.session.add(Enrollment(user_id=users["worker"], course_id=c1, completed_at=utcnow()))
        db.session.commit()
        services.run_reminders()
    assert [(u, k) for u, k, _o, _c in _notes(app)] == [("w2", "assignment_due"),
                                                       ("worker", "assignment_overdue")]


def test_a_kind_turned_off_is_not_sent(app, client, auth, assigned):
    auth.login("worker")
    resp = auth.post("/notifications/settings", {
        "assignment_due": "y", "session_tomorrow": "y", "round_opening": "y",
        "results_published": "y"})  # assignment_overdue left unticked
    assert resp.status_code == 302
    with app_ctx(app):
        services.run_reminders()
    assert [(u, k) for u, k, _o, _c in _notes(app)] == [("w2", "assignment_due"),
                                                       ("worker", "assignment_due")]
    page = client.get("/notifications/settings").get_data(as_text=True)
    boxes = dict(re.findall(r'<input ([^>]*)id="(\w+)"', page)[i][::-1]
                 for i in range(len(re.findall(r'<input ([^>]*)id="(\w+)"', page))))
    assert "checked" in boxes["assignment_due"] and "checked" not in boxes["assignment_overdue"]


def test_session_tomorrow_reaches_its_audience_once_per_start(app, users):
    from tests.plans import factories
    from trainer.models import utcnow
    from trainer.plans.models import TrainingSession

    start = utcnow().replace(microsecond=0) + timedelta(hours=20)
    sid = factories.session_at(app, start, audience={"grids": ["S1-C1-G1"]})
    factories.session_at(app, start + timedelta(days=3), title="later")
    with app_ctx(app):
        services.run_reminders()
        services.run_reminders()
    assert [(u, k, o) for u, k, o, _c in _notes(app)] == [
        ("worker", "session_tomorrow", f"session:{sid}")]
    with app_ctx(app):  # moved to another time: a new reminder
        s = db.session.get(TrainingSession, sid)
        s.starts_at, s.ends_at = s.starts_at + timedelta(hours=1), s.ends_at + timedelta(hours=1)
        db.session.commit()
        services.run_reminders()
    assert len(_notes(app, kind="session_tomorrow")) == 2


def test_round_opening_and_results_published_reach_the_entrants(app, users):
    from trainer.competitions.models import Competition, Entry, Round
    from trainer.models import utcnow
    from trainer.org.services import unit_by_code

    now = utcnow()
    with app_ctx(app):
        comp = Competition(title="技能比武", kind="knowledge", status="open",
                           street_id=unit_by_code("S1").id, district_id=unit_by_code("D").id,
                           starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5))
        comp.rounds = [Round(n=1, title="第一轮", kind="judged",
                             criteria=[{"name": "a", "max": 10}],
                             opens_at=now + timedelta(hours=3),
                             closes_at=now + timedelta(days=2))]
        db.session.add(comp)
        db.session.flush()
        db.session.add(Entry(competition_id=comp.id, user_id=users["worker"], number=1,
                             rank_key=0, frozen_rank_key=0))
        db.session.commit()
        services.run_reminders()
        services.run_reminders()
        comp.status, comp.published_at = "published", now
        db.session.commit()
        services.run_reminders()
        services.run_reminders()
    assert [(u, k) for u, k, _o, _c in _notes(app)] == [("worker", "results_published"),
                                                       ("worker", "round_opening")]


def test_unread_count_in_the_navigation_and_the_list_marks_read(app, client, auth, assigned):
    with app_ctx(app):
        services.run_reminders()
    auth.login("worker")
    home = client.get("/").get_data(as_text=True)
    assert 'class="badge nav-count">2<' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "课程一" in page and "已逾期" in page and page.count('class="card unread"') == 2
    assert 'nav-count' not in client.get("/").get_data(as_text=True)
    again = client.get("/notifications").get_data(as_text=True)
    assert 'class="card unread"' not in again and "课程二" in again


def test_the_navigation_costs_one_small_query(app, client, auth, assigned):
    from sqlalchemy import event

    auth.login("worker")
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get("/my/assignments")
        first = sum("FROM notifications" in s for s in statements)
        client.get("/my/assignments")  # within the minute: the session keeps the count
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert first == 1
    assert sum("FROM notifications" in s for s in statements) == 1


def test_email_is_sent_once_through_smtp(app, client, auth, assigned, unused_tcp_port):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=unused_tcp_port)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=unused_tcp_port,
                          MAIL_SENDER="px@example.org", SITE_URL="https://px.example.org")
        auth.login("worker")
        auth.post("/notifications/settings", {
            "assignment_due": "y", "assignment_overdue": "y", "email_on": "y",
            "email": "worker@example.org"})
        with app_ctx(app):
            first = services.run_reminders()
            second = services.run_reminders()
    finally:
        controller.stop()
    assert first["emailed"] == 2 and second["emailed"] == 0
    assert len(received) == 2  # w2 gave no address: in-app only
    assert {m["To"] for m in received} == {"=?utf-8?b?d29ya2Vy55So5oi3?= <worker@example.org>"} \
        or all("worker@example.org" in m["To"] for m in received)
    bodies = [m.get_payload(decode=True).decode("utf-8") for m in received]
    assert any("课程二" in b and "已逾期" in b and "https://px.example.org/courses/c2" in b
               for b in bodies)


def test_without_a_mail_server_nothing_is_mailed(app, assigned, users):
    with app_ctx(app):
        db.session.add(NotificationSettings(user_id=users["worker"], off_kinds=[],
                                            email="w@example.org", email_on=True))
        db.session.commit()
        assert services.run_reminders()["emailed"] == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.emailed_at.is_not(None))) == 0


def test_email_without_an_address_is_refused(client, auth, users):
    auth.login("worker")
    resp = auth.post("/notifications/settings", {"email_on": "y"})
    assert resp.status_code == 422


def test_cli_sends_reminders(app, runner, assigned):
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "assignments 3" in result.output
    assert runner.invoke(args=["reminders", "send"]).output.count("assignments 0") == 1


def test_calendar_events_carry_two_alarms():
    from trainer.plans import ical

    t0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    text = ical.calendar([ical.Event(uid="s-1@x", starts_at=t0, ends_at=t0 + timedelta(hours=2),
                                     summary="入户走访")], "培训", t0)
    event = text.split("BEGIN:VEVENT")[1].split("END:VEVENT")[0]
    assert event.count("BEGIN:VALARM") == 2 and event.count("END:VALARM") == 2
    assert "TRIGGER:-P1D\r\n" in event and "TRIGGER:-PT1H\r\n" in event
    assert event.count("ACTION:DISPLAY") == 2 and "DESCRIPTION:入户走访" in event


def test_the_job_queue_sends_the_reminders_every_hour(app, assigned):
    from trainer.jobs import queue

    spec = queue.periodic.get("send-reminders")
    assert spec is not None and (spec.minute, spec.hour) == ("5", "*")
    queue.run_periodic("send-reminders", app)
    queue.run_periodic("send-reminders", app)
    assert len(_notes(app)) == 3


def test_older_pages_are_marked_read_with_one_button(app, client, auth, users):
    with app_ctx(app):
        for n in range(25):
            services.notify([users["worker"]], "results_published", f"competition:{n}", "x",
                            {"title": f"竞赛{n}"})
        db.session.commit()
    auth.login("worker")
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('class="card unread"') == 20 and "全部标为已读" in page
    assert 'nav-count">5<' in client.get("/").get_data(as_text=True)
    auth.post("/notifications/read", page="/notifications")
    assert "nav-count" not in client.get("/").get_data(as_text=True)


def test_dates_read_as_the_house_style_says(app):
    from datetime import date

    from trainer.notifications.texts import day_text

    with app.test_request_context():
        assert day_text(date(2026, 12, 6)) == "2026年12月6日"
        assert day_text("2026-01-05") == "2026年1月5日"
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert day_text(date(2026, 12, 6)) == "2026-12-06"
