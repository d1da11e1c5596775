"""Training records as xAPI 1.0.3 statements, to download or to send to a learning record
store (LRS).

Each completed lesson and course, graded quiz attempt, finished scenario run, attended
session and published competition result becomes one statement with an ADL verb:

========================  ==========  ============================================
record                    verb        result
========================  ==========  ============================================
lesson completed          completed   completion
course completed          completed   completion, hours credited (extension)
quiz attempt graded       passed or   score (scaled, raw, min, max), success,
                          failed      completion, duration
scenario run finished     attempted   success (the outcome was "success"),
                                      completion, duration, the outcome and the
                                      competency percents (extensions)
session attended          attended    duration, hours credited (extension)
competition result        completed   score (the weighted total of 100), rank
========================  ==========  ============================================

The actor is pseudonymous: an account on the site's home page (``SITE_URL``) whose name
is the user's random ``xapi_id``, never a name, username or phone number, so an LRS learns
nothing about the person, and once the account is erased here nothing links the LRS's
statements back to anyone. Object ids are the site's URLs of the courses, lessons,
quizzes, scenarios, sessions and competitions, with their Chinese names in ``zh-CN``
language maps. Statement ids are UUIDv5 of the record's kind and id (in a namespace of
the site), so a statement built twice is the same statement, and sending it again never
duplicates it: the outbox (``XapiSent``) remembers what the LRS accepted, and an LRS
ignores a statement id it already holds with the same content.

Competition rounds' own attempts and runs are left out (the competition result covers
them), and so are practice quizzes and authors' previews, as in the training record.
"""

import base64
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from trainer.auth.models import User
from trainer.competitions.models import Competition, Entry
from trainer.extensions import db
from trainer.learning.models import Course, Enrollment, Lesson, LessonProgress
from trainer.models import utcnow
from trainer.plans.models import Attendance, TrainingSession
from trainer.quizzes.models import Attempt, Quiz
from trainer.records.models import XapiSent
from trainer.simulation.models import Run

log = logging.getLogger("trainer.records.xapi")

XAPI_VERSION = "1.0.3"
LANGUAGE = "zh-CN"
VERBS = {
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "完成"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "通过"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "未通过"),
    "attempted": ("http://adlnet.gov/expapi/verbs/attempted", "尝试"),
    "attended": ("http://adlnet.gov/expapi/verbs/attended", "参加"),
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "simulation": "http://adlnet.gov/expapi/activities/simulation",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
}
KINDS = ("lesson", "course", "attempt", "run", "attendance", "competition")
CHUNK = 500  # ids per IN (...), below every database's bound-parameter limit


# -- identities ---------------------------------------------------------------------------

def site_url() -> str:
    return current_app.config["SITE_URL"].rstrip("/")


def extension(name: str) -> str:
    """The IRI of one of the site's own extensions."""
    return f"{site_url()}/xapi/extensions/{name}"


def statement_id(kind: str, record_id: int) -> str:
    """Deterministic: the same record always makes the same statement id."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, site_url() + "/xapi")
    return str(uuid.uuid5(namespace, f"{kind}:{record_id}"))


def ensure_xapi_ids(users: Iterable[User]) -> bool:
    """Give every user without one a random xAPI id (flush; the caller commits). Whether
    any was given (a read that gives one must write: database.write_transaction)."""
    given = False
    for user in users:
        if not user.xapi_id:
            user.xapi_id = uuid.uuid4().hex
            given = True
    if given:
        db.session.flush()
    return given


def actor(user: User) -> dict:
    return {"objectType": "Agent",
            "account": {"homePage": site_url(), "name": user.xapi_id}}


# -- building -----------------------------------------------------------------------------

def _iso(moment: datetime) -> str:
    return moment.astimezone(utcnow().tzinfo).isoformat().replace("+00:00", "Z")


def _duration(start: datetime | None, end: datetime | None) -> str | None:
    """ISO 8601 duration (PT1H2M3S style) from ``start`` to ``end``, None if unknown."""
    if start is None or end is None or end < start:
        return None
    seconds = int((end - start).total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + \
        f"{secs}S"


def _activity(path: str, kind: str, name: str) -> dict:
    return {"objectType": "Activity", "id": f"{site_url()}{path}",
            "definition": {"type": ACTIVITY_TYPES[kind],
                           "name": {LANGUAGE: name or path}}}


def _statement(kind: str, record_id: int, user: User, verb: str, obj: dict,
               timestamp: datetime, result: dict | None = None,
               parent: dict | None = None) -> dict:
    verb_id, verb_name = VERBS[verb]
    context: dict = {"platform": "网格员培训平台", "language": LANGUAGE}
    if parent is not None:
        context["contextActivities"] = {"parent": [parent]}
    statement = {
        "id": statement_id(kind, record_id),
        "actor": actor(user),
        "verb": {"id": verb_id, "display": {LANGUAGE: verb_name}},
        "object": obj,
        "context": context,
        "timestamp": _iso(timestamp),
    }
    if result:
        statement["result"] = {key: value for key, value in result.items()
                               if value is not None}
    return statement


def _score(raw: float | None, maximum: float | None, scaled: float | None) -> dict | None:
    """A result's score: scaled always (clamped to 0..1), raw with min and max when the
    maximum is known and positive."""
    if scaled is None and raw is not None and maximum:
        scaled = raw / maximum
    if scaled is None:
        return None
    score: dict = {"scaled": round(max(0.0, min(1.0, scaled)), 4)}
    if raw is not None and maximum and maximum > 0:
        score.update(raw=round(max(0.0, min(float(maximum), float(raw))), 2), min=0,
                     max=round(float(maximum), 2))
    return score


def _chunks(ids: list[int]):
    for at in range(0, len(ids), CHUNK):
        yield ids[at:at + CHUNK]


def _lessons(users: dict[int, User]) -> list[tuple[datetime, str, dict]]:
    out = []
    for ids in _chunks(list(users)):
        rows = db.session.execute(
            sa.select(LessonProgress, Lesson, Course)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .join(Course, Course.id == Lesson.course_id)
            .where(LessonProgress.user_id.in_(ids)))
        for done, lesson, course in rows:
            out.append((done.completed_at, "lesson", _statement(
                "lesson", done.id, users[done.user_id], "completed",
                _activity(f"/lessons/{lesson.id}", "lesson", lesson.title),
                done.completed_at, {"completion": True},
                parent=_activity(f"/courses/{course.slug}", "course", course.title))))
    return out


def _courses(users: dict[int, User]) -> list[tuple[datetime, str, dict]]:
    out = []
    for ids in _chunks(list(users)):
        rows = db.session.execute(
            sa.select(Enrollment, Course).join(Course, Course.id == Enrollment.course_id)
            .where(Enrollment.user_id.in_(ids), Enrollment.completed_at.is_not(None)))
        for done, course in rows:
            out.append((done.completed_at, "course", _statement(
                "course", done.id, users[done.user_id], "completed",
                _activity(f"/courses/{course.slug}", "course", course.title),
                done.completed_at,
                {"completion": True, "duration": _duration(done.started_at, done.completed_at),
                 "extensions": {extension("hours"): done.hours_credited}})))
    return out


def _attempts(users: dict[int, User]) -> list[tuple[datetime, str, dict]]:
    out = []
    for ids in _chunks(list(users)):
        rows = db.session.execute(
            sa.select(Attempt, Quiz).join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.user_id.in_(ids), Attempt.context.in_(("quiz", "module")),
                   Attempt.submitted_at.is_not(None), Attempt.passed.is_not(None)))
        for attempt, quiz in rows:
            out.append((attempt.submitted_at, "attempt", _statement(
                "attempt", attempt.id, users[attempt.user_id],
                "passed" if attempt.passed else "failed",
                _activity(f"/quizzes/{quiz.id}", "assessment", attempt.label or quiz.title),
                attempt.submitted_at,
                {"score": _score(attempt.score, attempt.max_score,
                                 None if attempt.percent is None else attempt.percent / 100),
                 "success": bool(attempt.passed), "completion": True,
                 "duration": _duration(attempt.started_at, attempt.submitted_at)})))
    return out


def _runs(users: dict[int, User]) -> list[tuple[datetime, str, dict]]:
    out = []
    for ids in _chunks(list(users)):
        runs = db.session.scalars(
            sa.select(Run).where(Run.user_id.in_(ids), Run.context == "practice",
                                 Run.finished.is_(True), Run.finished_at.is_not(None)))
        for run in runs:
            scenario = run.version.scenario
            percents = {str(k): v for k, v in (run.scores or {}).items()}
            out.append((run.finished_at, "run", _statement(
                "run", run.id, users[run.user_id], "attempted",
                _activity(f"/scenarios/{scenario.slug}", "simulation", scenario.title),
                run.finished_at,
                {"success": run.outcome == "success", "completion": True,
                 "duration": _duration(run.started_at, run.finished_at),
                 "extensions": {extension("outcome"): run.outcome,
                                extension("competency-percents"): percents}})))
    return out


def _attendances(users: dict[int, User]) -> list[tuple[datetime, str, dict]]:
    out, now = [], utcnow()
    for ids in _chunks(list(users)):
        rows = db.session.execute(
            sa.select(Attendance, TrainingSession)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(Attendance.user_id.in_(ids), Attendance.status == "present",
                   TrainingSession.ends_at <= now))  # credited once the session ended
        for present, session in rows.unique():
            out.append((session.starts_at, "attendance", _statement(
                "attendance", present.id, users[present.user_id], "attended",
                _activity(f"/sessions/{session.id}", "meeting", session.title),
                session.starts_at,
                {"completion": True, "duration": _duration(session.starts_at, session.ends_at),
                 "extensions": {extension("hours"): present.hours_credited}})))
    return out


def _competitions(users: dict[int, User]) -> list[tuple[datetime, str, dict]]:
    out = []
    for ids in _chunks(list(users)):
        rows = db.session.execute(
            sa.select(Entry, Competition).join(Competition, Competition.id == Entry.competition_id)
            .where(Entry.user_id.in_(ids), Competition.status == "published"))
        for entry, comp in rows:
            rank = 1 + db.session.scalar(sa.select(sa.func.count()).select_from(Entry).where(
                Entry.competition_id == comp.id, Entry.rank_key < entry.rank_key))
            total = entry.total_centi / 100
            out.append((comp.ends_at, "competition", _statement(
                "competition", entry.id, users[entry.user_id], "completed",
                _activity(f"/competitions/{comp.id}", "assessment", comp.title),
                comp.ends_at,
                {"score": _score(total, 100, total / 100), "completion": True,
                 "extensions": {extension("rank"): rank}})))
    return out


BUILDERS = (_lessons, _courses, _attempts, _runs, _attendances, _competitions)


def statements_for(users: Iterable[User]) -> list[dict]:
    """Every statement of ``users`` (who must have their xapi_id: ensure_xapi_ids), oldest
    first."""
    by_id = {user.id: user for user in users}
    if not by_id:
        return []
    return [statement for _kind, statement in _built(by_id)]


def _built(by_id: dict[int, User]) -> list[tuple[str, dict]]:
    found = [item for build in BUILDERS for item in build(by_id)]
    found.sort(key=lambda item: (item[0], item[2]["id"]))
    return [(kind, statement) for _when, kind, statement in found]


def users_of_street(street_id: int) -> list[User]:
    from trainer.org.models import Unit

    return list(db.session.scalars(
        sa.select(User).join(Unit, Unit.id == User.unit_id)
        .where(Unit.street_id == street_id).order_by(User.id)))


# -- sending ------------------------------------------------------------------------------

class LrsError(Exception):
    """The LRS refused a batch for good (a 4xx other than a conflict) or stayed away."""


def statements_endpoint(url: str) -> str:
    """The statements resource of an LRS given by its base, ``.../xAPI`` or the resource."""
    url = url.rstrip("/")
    if url.lower().endswith("/statements"):
        return url
    if url.lower().endswith("/xapi"):
        return url + "/statements"
    return url + "/xAPI/statements"


def _request(method: str, url: str, body: object, timeout: float = 30) -> int:
    cfg = current_app.config
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json; charset=utf-8",
        "X-Experience-API-Version": XAPI_VERSION})
    if cfg.get("XAPI_LRS_USERNAME"):
        pair = f"{cfg['XAPI_LRS_USERNAME']}:{cfg.get('XAPI_LRS_PASSWORD', '')}"
        req.add_header("Authorization", "Basic " + base64.b64encode(pair.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - configured URL
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _send_batch(endpoint: str, batch: list[dict], tries: int, pause: float) -> None:
    """POST one batch, retrying a network error, a 5xx or a 429 ``tries`` times with a
    growing pause. A 409 (some id already held, with other content: a record changed since
    it was sent) falls back to one PUT per statement, where 204 and 409 both mean the LRS
    holds that id."""
    for attempt in range(tries):
        try:
            status = _request("POST", endpoint, batch)
        except (urllib.error.URLError, OSError) as exc:
            status, reason = None, str(exc)
        else:
            reason = f"HTTP {status}"
        if status is not None and status < 300:
            return
        if status == 409:
            for statement in batch:
                one = _request("PUT", f"{endpoint}?statementId={statement['id']}", statement)
                if one >= 300 and one != 409:
                    raise LrsError(f"PUT {statement['id']}: HTTP {one}")
            return
        if status is not None and 400 <= status < 500 and status != 429:
            raise LrsError(f"the LRS refused a batch: {reason}")
        log.warning("xapi_send_retry attempt=%s reason=%s", attempt + 1, reason)
        if attempt + 1 < tries:
            time.sleep(pause * (2 ** attempt))
    raise LrsError(f"the LRS did not accept a batch after {tries} tries")


def send_pending(*, batch_size: int = 100, users_per_round: int = 200, tries: int = 4,
                 pause: float = 1.0, commit=None, recorded=None) -> int:
    """Send every statement the LRS has not accepted yet (the outbox says which), batch by
    batch, recording each accepted batch in the outbox: ``recorded(rows)`` adds the
    outbox rows and makes them last (a job's batch), else they are added here and
    ``commit`` is called (the command commits there), so a failure later keeps what was
    sent. The number sent. LrsError when the LRS refuses or stays away (what was sent
    before stays sent)."""
    url = current_app.config.get("XAPI_LRS_URL")
    if not url:
        raise LrsError("XAPI_LRS_URL is not set")
    endpoint = statements_endpoint(url)
    sent, last_id = 0, 0
    while True:
        users = list(db.session.scalars(
            sa.select(User).where(User.id > last_id).order_by(User.id).limit(users_per_round)))
        if not users:
            return sent
        last_id = users[-1].id
        ensure_xapi_ids(users)
        built = _built({u.id: u for u in users})
        done: set[str] = set()
        for ids in _chunks([s["id"] for _kind, s in built]):
            done |= set(db.session.scalars(
                sa.select(XapiSent.statement_id).where(XapiSent.statement_id.in_(ids))))
        owners = {u.xapi_id: u.id for u in users}
        pending = [(kind, s) for kind, s in built if s["id"] not in done]
        for at in range(0, len(pending), batch_size):
            batch = pending[at:at + batch_size]
            _send_batch(endpoint, [s for _kind, s in batch], tries, pause)
            now = utcnow()
            rows = [XapiSent(statement_id=s["id"], kind=kind, sent_at=now,
                             user_id=owners[s["actor"]["account"]["name"]])
                    for kind, s in batch]
            sent += len(batch)
            if recorded is not None:
                recorded(rows)
                continue
            db.session.add_all(rows)
            db.session.flush()
            if commit is not None:
                commit()


# -- on the job queue ---------------------------------------------------------------------

def run_send_job(job) -> None:
    """The "xapi-send" job (jobs.tasks): send_pending, each accepted batch committed with
    the job's progress; LrsError fails the job (what went through stays sent, and the
    next run, by hand or periodic, sends the rest)."""
    from flask_babel import gettext as _

    from trainer.jobs.progress import JobFailed

    def recorded(rows):
        with job.batch():
            db.session.add_all(rows)
            job.step(len(rows))

    try:
        sent = send_pending(recorded=recorded)
    except LrsError as exc:
        raise JobFailed(_("The learning record store did not take the statements: %(why)s",
                          why=str(exc))) from exc
    job.report(_("%(n)s statements sent to the learning record store.", n=sent))


def send_periodically() -> int:
    """The periodic "xapi-send" (every 15 minutes while ``flask jobs work`` runs): send
    what is pending when an LRS is configured; a failure is logged and retried next time."""
    if not current_app.config.get("XAPI_LRS_URL"):
        return 0
    try:
        return send_pending(commit=db.session.commit)
    except LrsError as exc:
        db.session.commit()  # keep what went through
        log.warning("xapi_send_failed error=%s", exc)
        return 0
