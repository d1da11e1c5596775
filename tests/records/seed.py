"""A seeded population for the dashboard, assessment and export tests: ``n`` workers over
the four test grids (two streets), with sessions attended (ended and not yet ended),
courses completed, quiz attempts and scenario runs, written as rows in bulk so that 2,000
workers take seconds. Deterministic: worker i's figures follow from i."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.plans import factories
from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.services import unit_by_code

GRIDS = ("S1-C1-G1", "S1-C1-G2", "S2-C1-G1", "S2-C1-G2")
YEAR = 2026


def seed(app, n: int, *, prefix: str = "s") -> None:
    from tests.records.test_record import _noise_scenario
    from trainer.learning.models import Course, Enrollment
    from trainer.org.models import Department
    from trainer.plans.models import Attendance
    from trainer.quizzes.models import Attempt
    from trainer.simulation.models import Run, ScenarioVersion

    plans = {s: factories.plan_for(app, datetime(YEAR, 3, 1, tzinfo=UTC), street=s)
             for s in ("S1", "S2")}
    sessions = {}
    for street, plan in plans.items():
        sessions[street] = [
            factories.make_session(app, plan, datetime(YEAR, 4, 8, 1, tzinfo=UTC), hours=3,
                                   audience={"street": street}),
            factories.make_session(app, plan, datetime(YEAR, 9, 8, 1, tzinfo=UTC), hours=4,
                                   audience={"street": street}, department="public-security"),
            # not yet ended: present, but credits nothing yet
            factories.make_session(app, plan, datetime.now(UTC) + timedelta(days=2), hours=5,
                                   audience={"street": street}),
        ]
    _noise_scenario(app)
    with app_ctx(app):
        pw = db.session.scalar(sa.select(User.password_hash).where(User.username == "worker"))
        grids = [unit_by_code(code) for code in GRIDS]
        db.session.execute(sa.insert(User), [
            {"username": f"{prefix}{i:04d}", "name": f"网格员{i}", "role": "worker",
             "unit_id": grids[i % 4].id, "password_hash": pw, "active": True,
             "session_version": 1} for i in range(n)])
        ids = dict(db.session.execute(sa.select(User.username, User.id).where(
            User.username.like(f"{prefix}%"))).all())
        dept = db.session.scalar(sa.select(Department).where(Department.code == "civil-affairs"))
        courses = [Course(slug=f"{prefix}-c{k}", title=f"课程{k}", department=dept,
                          status="published", hours=h, competencies=[])
                   for k, h in ((1, 6), (2, 10))]
        db.session.add_all(courses)
        version = db.session.scalar(sa.select(ScenarioVersion.id))
        db.session.flush()
        attendance, enrolments, attempts, runs = [], [], [], []
        for i in range(n):
            uid = ids[f"{prefix}{i:04d}"]
            street = "S1" if i % 4 < 2 else "S2"
            for k, sid in enumerate(sessions[street]):
                if (i + k) % 3:
                    attendance.append({"session_id": sid, "user_id": uid, "status": "present",
                                       "method": "manual", "hours_credited": (3, 4, 5)[k]})
            for k, course in enumerate(courses):
                if (i + k) % 2 == 0:
                    enrolments.append({"user_id": uid, "course_id": course.id,
                                       "completed_at": datetime(YEAR, 5, 1 + k, tzinfo=UTC),
                                       "hours_credited": course.hours})
            for k in range(i % 3):
                percent = float(50 + (i * 7 + k * 11) % 50)
                attempts.append({"user_id": uid, "context": "quiz", "label": f"测验{k % 2}",
                                 "series": f"quiz-{k % 2}", "attempt_no": 1 + k // 2,
                                 "questions": [], "pass_percent": 60,
                                 "started_at": datetime(YEAR, 6, 1, tzinfo=UTC),
                                 "submitted_at": datetime(YEAR, 6, 1, 1 + k, tzinfo=UTC),
                                 "score": percent / 10, "max_score": 10.0,
                                 "percent": percent, "passed": percent >= 60})
            if i % 2:
                runs.append({"user_id": uid, "scenario_version_id": version, "path": [],
                             "finished": True, "outcome": ("success", "partial")[i % 4 // 2],
                             "scores": {"mediation": 40 + i % 60,
                                        "communication": 30 + i % 70},
                             "context": "practice",
                             "started_at": datetime(YEAR, 7, 1, tzinfo=UTC),
                             "finished_at": datetime(YEAR, 7, 1, 1, tzinfo=UTC)})
        for model, rows in ((Attendance, attendance), (Enrollment, enrolments),
                            (Attempt, attempts), (Run, runs)):
            if rows:
                db.session.execute(sa.insert(model), rows)
        db.session.commit()
