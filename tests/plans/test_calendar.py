import re
from datetime import timedelta

import sqlalchemy as sa

from tests.plans import factories
from trainer.extensions import db
from trainer.models import utcnow
from trainer.plans.models import Attendance, CalendarFeed, TrainingSession


def _feed_url(client, auth, who="worker") -> str:
    auth.login(who)
    resp = auth.post("/calendar/feed", page="/my/sessions")
    assert resp.status_code == 200
    match = re.search(r'value="(http://localhost(/calendar/[^"]+\.ics))"', resp.get_data(
        as_text=True))
    assert match, "the feed URL is shown once"
    auth.logout()
    return match.group(2)


def test_feed_lists_my_sessions_without_login(app, fresh, client, auth, users):
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    mine = factories.session_at(app, start, title="我的场次", audience={"grids": ["S1-C1-G1"]})
    factories.session_at(app, start, title="别人的场次", place="别处",
                         audience={"grids": ["S1-C1-G2"]})
    path = _feed_url(client, auth)
    resp = client.get(path)
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    text = resp.get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:我的场次" in text and "别人的场次" not in text
    starts = fresh.get(TrainingSession, mine).starts_at
    assert f"UID:session-{mine}@grid-trainer.local" in text
    assert starts.strftime("DTSTART:%Y%m%dT%H%M%SZ") in text
    with app.app_context():
        (feed,) = db.session.scalars(sa.select(CalendarFeed)).all()
        assert path.rsplit("/", 1)[1][:-4] not in feed.token_hash  # stored hashed only
        assert len(feed.token_hash) == 64


def test_revoked_feed_answers_404(app, client, auth, users):
    path = _feed_url(client, auth)
    auth.login("worker")
    assert auth.post("/calendar/feed/revoke", page="/my/sessions").status_code == 302
    auth.logout()
    assert client.get(path).status_code == 404


def test_new_link_replaces_the_old_one(app, client, auth, users):
    old = _feed_url(client, auth)
    new = _feed_url(client, auth)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_deactivated_users_feed_is_gone(app, client, auth, users):
    path = _feed_url(client, auth)
    with app.app_context():
        from tests.plans.factories import user

        user("worker").active = False
        db.session.commit()
    assert client.get(path).status_code == 404


def test_trainers_feed_has_the_sessions_they_teach(app, client, auth, users):
    start = utcnow() - timedelta(days=2)
    factories.session_at(app, start, title="讲课")
    factories.session_at(app, start + timedelta(hours=5), title="别人讲", lecturer=None)
    text = client.get(_feed_url(client, auth, "trainer")).get_data(as_text=True)
    assert "讲课" in text and "别人讲" not in text


def test_my_sessions_shows_upcoming_and_past_with_attendance(app, client, auth, users):
    now = utcnow()
    past = factories.session_at(app, now - timedelta(hours=3), title="已结束的培训")
    factories.session_at(app, now + timedelta(days=2), title="即将开始的培训", place="别处")
    factories.session_at(app, now + timedelta(days=3), title="别的网格",
                         audience={"grids": ["S1-C1-G2"]})
    with app.app_context():
        db.session.add(Attendance(session_id=past, user_id=users["worker"], status="present",
                                  method="manual", hours_credited=2))
        db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("worker")
    html = client.get("/my/sessions").get_data(as_text=True)
    upcoming, _, past_part = html.partition("<h2>Past</h2>")
    assert "即将开始的培训" in upcoming and "已结束的培训" in past_part
    assert "Present" in past_part and "别的网格" not in html
    assert "Create a calendar link" in html


def test_event_uids_do_not_depend_on_the_host_that_served_the_feed(app, client, auth, users):
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    mine = factories.session_at(app, start, title="我的场次", audience={"grids": ["S1-C1-G1"]})
    path = _feed_url(client, auth)
    uids = []
    for base in ("http://localhost", "http://10.0.0.5:8080", "https://grid.example"):
        text = client.get(path, base_url=base).get_data(as_text=True)
        uids.append(re.findall(r"^UID:(.*)\r$", text, re.M))
    assert uids[0] == [f"session-{mine}@grid-trainer.local"]
    assert uids[1] == uids[0] and uids[2] == uids[0]
    app.config["CALENDAR_UID_DOMAIN"] = "train.example.gov.cn"
    text = client.get(path, base_url="http://other:9000").get_data(as_text=True)
    assert f"UID:session-{mine}@train.example.gov.cn" in text
