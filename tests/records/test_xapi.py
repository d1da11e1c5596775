"""xAPI statements out: the statement of each kind of record, the pseudonymous actor,
deterministic ids, the downloads and their scope, and sending to an LRS (a stand-in here;
ralph's own validator and LRS in tests/records/test_xapi_ralph.py)."""

import json
import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import AuthActions, app_ctx
from tests.plans import factories
from trainer.auth.models import User
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.records import xapi
from trainer.records.models import XapiSent

SITE = "http://localhost:5000"
VERB = "http://adlnet.gov/expapi/verbs/"


def make_records(app, user_id: int, *, slug="ruhu", quiz_title="入户走访测验") -> dict:
    """One record of every kind for ``user_id`` (a lesson and the course done, a passed
    and a failed quiz attempt, a practice run, an attended session that ended, a
    published competition): the ids."""
    from trainer.competitions.models import Competition, Entry
    from trainer.learning.models import Course, Enrollment, Lesson, LessonProgress
    from trainer.org.models import Department
    from trainer.plans.models import Attendance
    from trainer.quizzes.models import Attempt, Quiz
    from trainer.simulation.models import Run, Scenario, ScenarioVersion

    start = datetime(2026, 4, 8, 9, tzinfo=local_zone())
    session_id = factories.session_at(app, start, hours=2)
    with app_ctx(app):
        dept = db.session.scalar(sa.select(Department).where(Department.code == "civil-affairs"))
        course = Course(slug=slug, title="入户走访", department=dept, status="published",
                        hours=1.5, competencies=[])
        lesson = Lesson(course=course, title="第一课：敲门", position=1)
        quiz = Quiz(title=quiz_title, published=True)
        scenario = Scenario(slug=f"{slug}-s", title="邻里纠纷调解", status="published",
                            competencies=["communication"])
        comp = Competition(title="网格员技能比武", kind="knowledge", status="published",
                           starts_at=start, ends_at=start + timedelta(days=1))
        db.session.add_all([course, lesson, quiz, scenario, comp])
        db.session.flush()
        version = ScenarioVersion(scenario_id=scenario.id, number=1, data={})
        db.session.add(version)
        db.session.flush()
        done = start + timedelta(days=2)
        rows = {
            "lesson": LessonProgress(user_id=user_id, lesson_id=lesson.id, completed_at=done),
            "course": Enrollment(user_id=user_id, course_id=course.id, hours_credited=1.5,
                                 started_at=done - timedelta(hours=1), completed_at=done),
            "passed": Attempt(quiz_id=quiz.id, user_id=user_id, label=quiz_title, score=8,
                              max_score=10, percent=80, passed=True, attempt_no=1,
                              started_at=done, submitted_at=done + timedelta(minutes=12)),
            "failed": Attempt(quiz_id=quiz.id, user_id=user_id, label=quiz_title, score=3,
                              max_score=10, percent=30, passed=False, attempt_no=2,
                              started_at=done, submitted_at=done + timedelta(minutes=5)),
            "practice": Attempt(quiz_id=quiz.id, user_id=user_id, context="practice",
                                series="practice", score=1, max_score=1, percent=100,
                                passed=True, submitted_at=done),
            "run": Run(user_id=user_id, scenario_version_id=version.id, finished=True,
                       outcome="success", scores={"communication": 75, "law": 50},
                       started_at=done, finished_at=done + timedelta(minutes=3, seconds=4)),
            "attendance": Attendance(session_id=session_id, user_id=user_id, status="present",
                                     method="manual", hours_credited=2),
            "entry": Entry(competition_id=comp.id, user_id=user_id, number=1,
                           total_centi=8650, rank_key=1, frozen_rank_key=1),
        }
        db.session.add_all(rows.values())
        db.session.commit()
        return {"session": session_id, "quiz": quiz.id, "lesson": lesson.id, "comp": comp.id,
                **{key: row.id for key, row in rows.items()}}


@pytest.fixture
def records(app, users):
    return make_records(app, users["worker"])


def download(app, username: str, path: str):
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client.get(path)


def by_verb_and_type(statements: list[dict]) -> dict:
    return {(s["verb"]["id"].rsplit("/", 1)[1],
             s["object"]["definition"]["type"].rsplit("/", 1)[1]): s for s in statements}


def test_every_kind_of_record_is_one_statement_with_its_adl_verb(app, fresh, users, records):
    resp = download(app, "worker", "/me/record/xapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    statements = resp.get_json()
    kinds = by_verb_and_type(statements)
    assert sorted(kinds) == [("attempted", "simulation"), ("attended", "meeting"),
                             ("completed", "assessment"), ("completed", "course"),
                             ("completed", "lesson"), ("failed", "assessment"),
                             ("passed", "assessment")]  # the practice attempt is left out
    lesson = kinds["completed", "lesson"]
    assert lesson["object"]["id"] == f"{SITE}/lessons/{records['lesson']}"
    assert lesson["object"]["definition"]["name"] == {"zh-CN": "第一课：敲门"}
    parent = lesson["context"]["contextActivities"]["parent"][0]
    assert parent["id"] == f"{SITE}/courses/ruhu"
    course = kinds["completed", "course"]
    assert course["result"]["completion"] is True and course["result"]["duration"] == "PT1H0S"
    assert course["result"]["extensions"] == {f"{SITE}/xapi/extensions/hours": 1.5}
    passed = kinds["passed", "assessment"]
    assert passed["object"]["id"] == f"{SITE}/quizzes/{records['quiz']}"
    assert passed["result"] == {"score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10},
                                "success": True, "completion": True, "duration": "PT12M0S"}
    assert kinds["failed", "assessment"]["result"]["success"] is False
    run = kinds["attempted", "simulation"]
    assert run["result"]["success"] is True and run["result"]["duration"] == "PT3M4S"
    assert run["result"]["extensions"][f"{SITE}/xapi/extensions/competency-percents"] == {
        "communication": 75, "law": 50}
    attended = kinds["attended", "meeting"]
    assert attended["object"]["id"] == f"{SITE}/sessions/{records['session']}"
    assert attended["result"]["duration"] == "PT2H0S"
    assert attended["timestamp"] == "2026-04-08T01:00:00Z"
    comp = kinds["completed", "assessment"]
    assert comp["object"]["id"] == f"{SITE}/competitions/{records['comp']}"
    assert comp["result"]["score"] == {"scaled": 0.865, "raw": 86.5, "min": 0, "max": 100}
    assert comp["result"]["extensions"] == {f"{SITE}/xapi/extensions/rank": 1}
    for statement in statements:
        assert statement["verb"]["id"].startswith(VERB)
        assert statement["timestamp"].endswith("Z")


def test_the_actor_is_an_opaque_account_never_the_person(app, fresh, users, records):
    fresh.update(User, users["worker"], phone="13800000001")
    body = download(app, "worker", "/me/record/xapi.json").get_data(as_text=True)
    xapi_id = fresh.get(User, users["worker"]).xapi_id
    assert xapi_id and len(xapi_id) == 32 and "worker" not in xapi_id
    for statement in json.loads(body):
        assert statement["actor"] == {"objectType": "Agent",
                                      "account": {"homePage": SITE, "name": xapi_id}}
    for secret in ("worker", "worker用户", "13800000001"):
        assert secret not in body
    # another user gets another id, not derived from anything of theirs
    download(app, "trainer", "/me/record/xapi.json")
    assert fresh.get(User, users["trainer"]).xapi_id not in (None, xapi_id)


def test_statement_ids_are_deterministic_uuid5(app, users, records):
    first = download(app, "worker", "/me/record/xapi.json").get_json()
    again = download(app, "worker", "/me/record/xapi.json").get_json()
    assert first == again
    ids = [s["id"] for s in first]
    assert len(set(ids)) == len(ids)
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, SITE + "/xapi")
    assert str(uuid.uuid5(namespace, f"attempt:{records['passed']}")) in ids
    assert all(uuid.UUID(i).version == 5 for i in ids)


def test_organisers_download_a_worker_and_a_street_in_their_scope_only(app, make_user, users,
                                                                       records):
    make_user("s2worker", unit="S2-C1-G1")
    make_records(app, make_user("s1other", unit="S1-C1-G2"), slug="s1o", quiz_title="另一测验")
    make_user("s2org", role="organiser", unit="S2")
    worker = download(app, "organiser", "/records/xapi/worker.json?username=worker")
    assert worker.status_code == 200 and len(worker.get_json()) == 7
    assert download(app, "organiser", "/records/xapi/worker.json?username=nobody"
                    ).status_code == 404
    assert download(app, "s2org", "/records/xapi/worker.json?username=worker"
                    ).status_code == 404
    assert download(app, "s2org", "/records/xapi/streets/S1.json").status_code == 404
    assert download(app, "s2org", "/records/xapi/streets/S2.json").get_json() == []
    street = download(app, "organiser", "/records/xapi/streets/S1.json").get_json()
    assert len(street) == 14 and len({s["actor"]["account"]["name"] for s in street}) == 2
    assert download(app, "worker", "/records/xapi/streets/S1.json").status_code == 403
    page = download(app, "organiser", "/records/xapi").get_data(as_text=True)
    assert "/records/xapi/streets/S1.json" in page and "学习记录（xAPI）" in page


class FakeLrs:
    """Stands in for _request: answers ``statuses`` in turn (then 200) and keeps every
    statement id it was given, as an LRS would (ignoring ids it holds)."""

    def __init__(self, *statuses):
        self.statuses, self.calls, self.held = list(statuses), [], {}

    def __call__(self, method, url, body, timeout=30):
        self.calls.append((method, url))
        status = self.statuses.pop(0) if self.statuses else 200
        if status < 300:
            for statement in body if isinstance(body, list) else [body]:
                self.held.setdefault(statement["id"], statement)
        return status


@pytest.fixture
def lrs_config(app):
    app.config.update(XAPI_LRS_URL="http://lrs.example/xAPI/", XAPI_LRS_USERNAME="u",
                      XAPI_LRS_PASSWORD="p")


def test_sending_uses_the_outbox_so_nothing_is_sent_twice(app, monkeypatch, users, records,
                                                          lrs_config):
    fake = FakeLrs()
    monkeypatch.setattr(xapi, "_request", fake)
    with app_ctx(app):
        assert xapi.send_pending(batch_size=3, pause=0) == 7
        db.session.commit()
    assert [c for c in fake.calls] == [("POST", "http://lrs.example/xAPI/statements")] * 3
    with app_ctx(app):
        assert xapi.send_pending(pause=0) == 0  # all in the outbox
        kinds = sorted(db.session.scalars(sa.select(XapiSent.kind)))
    assert kinds == ["attempt", "attempt", "attendance", "competition", "course", "lesson",
                     "run"]
    assert len(fake.calls) == 3 and len(fake.held) == 7
    make_records(app, users["trainer"], slug="t", quiz_title="t")
    with app_ctx(app):
        assert xapi.send_pending(pause=0) == 7  # only the new ones
        db.session.commit()


def test_a_failing_lrs_is_retried_then_reported_and_what_went_through_stays_sent(
        app, monkeypatch, runner, users, records, lrs_config):
    fake = FakeLrs(503, 200, 500, 500, 500, 500)
    monkeypatch.setattr(xapi, "_request", fake)
    result = runner.invoke(args=["records", "xapi-send", "--batch-size", "4"])
    assert result.exit_code != 0 and "did not accept" in result.output
    assert [c[0] for c in fake.calls] == ["POST"] * 6
    with app_ctx(app):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(XapiSent)) == 4
    result = runner.invoke(args=["records", "xapi-send"])
    assert result.exit_code == 0 and "3 statements sent" in result.output


def test_a_refusal_stops_and_a_conflict_falls_back_to_one_put_each(app, monkeypatch, users,
                                                                   records, lrs_config):
    monkeypatch.setattr(xapi, "_request", FakeLrs(400))
    with app_ctx(app), pytest.raises(xapi.LrsError, match="refused"):
        xapi.send_pending(pause=0)
    fake = FakeLrs(409, *([409] * 3 + [204] * 4))
    monkeypatch.setattr(xapi, "_request", fake)
    with app_ctx(app):
        assert xapi.send_pending(pause=0) == 7
    assert [m for m, _u in fake.calls] == ["POST"] + ["PUT"] * 7
    assert all("statementId=" in url for _m, url in fake.calls[1:])


def test_the_statements_endpoint_from_the_configured_url():
    for url in ("https://lrs.example", "https://lrs.example/", "https://lrs.example/xAPI",
                "https://lrs.example/xAPI/statements/"):
        assert xapi.statements_endpoint(url) == "https://lrs.example/xAPI/statements"


def test_sending_without_an_lrs_configured_says_so(app, runner, users):
    result = runner.invoke(args=["records", "xapi-send"])
    assert result.exit_code != 0 and "XAPI_LRS_URL" in result.output



def test_an_admin_queues_the_sending_as_a_job(app, fresh, monkeypatch, users, records,
                                              lrs_config):
    from trainer.jobs.models import Job

    fake = FakeLrs()
    monkeypatch.setattr(xapi, "_request", fake)
    admin = AuthActions(app.test_client())
    admin.login("admin")
    assert "立即发送" in admin.client.get("/records/xapi").get_data(as_text=True)
    resp = admin.post("/records/xapi/send", page="/records/xapi")
    assert resp.status_code == 302 and "/jobs/" in resp.headers["Location"]
    job = fresh.scalar(sa.select(Job).where(Job.kind == "xapi-send"))
    assert job.status == "done" and job.done == 7 and "7" in job.message
    assert len(fake.held) == 7
    assert fresh.scalar(sa.select(sa.func.count()).select_from(XapiSent)) == 7


def test_a_failing_lrs_fails_the_job_and_the_periodic_task_sends_later(app, fresh, monkeypatch,
                                                                       users, records,
                                                                       lrs_config):
    from trainer.jobs import queue
    from trainer.jobs.models import Job

    monkeypatch.setattr(xapi, "_request", FakeLrs(401))
    admin = AuthActions(app.test_client())
    admin.login("admin")
    admin.post("/records/xapi/send", page="/records/xapi")
    job = fresh.scalar(sa.select(Job).where(Job.kind == "xapi-send"))
    assert job.status == "failed" and "学习记录存储" in job.message
    fake = FakeLrs()
    monkeypatch.setattr(xapi, "_request", fake)
    assert queue.run_periodic("xapi-send", app) == 7
    assert queue.run_periodic("xapi-send", app) == 0
    assert len(fake.held) == 7


def test_without_an_lrs_the_admin_is_told_and_nothing_is_queued(app, fresh, users):
    from trainer.jobs.models import Job

    admin = AuthActions(app.test_client())
    admin.login("admin")
    resp = admin.post("/records/xapi/send", page="/records/xapi", follow_redirects=True)
    assert "尚未配置学习记录存储" in resp.get_data(as_text=True)
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
