"""Records at district scale: the organiser's dashboard and the annual export with 2,000
workers (time and SQL statements per request), in process (Flask's test client), on a
scratch database built as `make run` builds one (migrations, content, demo seed with
`--workers N`) plus a year of records for every worker: sessions attended, courses
completed, quiz attempts, scenario runs.

Run: .venv/bin/python bench/records_dashboard.py [--workers 2000] [--repeat 5]
     DATABASE_URL=postgresql+psycopg://.../gt_bench .venv/bin/python bench/records_dashboard.py
(the PostgreSQL database must exist and be empty.)
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Bench-pass-2026"


def prepare(workers: int) -> dict:
    url = os.environ.get("DATABASE_URL") or \
        f"sqlite:///{tempfile.mkdtemp(prefix='gt-bench-')}/bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": url, "TRAINER_ENV": "development",
           "REQUIRE_SECOND_FACTOR": "", "FLASK_APP": "wsgi"}
    for args in (["db", "upgrade"], ["content", "load"],
                 ["demo", "seed", "--password", PASSWORD, "--workers", str(workers)]):
        subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    os.environ.update(env)
    return env


def seed_records(app, year: int) -> int:
    """A year of records for every worker, written in bulk; answers the number of rows."""
    import sqlalchemy as sa

    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.learning.models import Course, Enrollment
    from trainer.org.models import Unit
    from trainer.plans.models import Attendance, Plan, TrainingSession
    from trainer.quizzes.models import Attempt
    from trainer.simulation.models import Run, ScenarioVersion

    with app.app_context():
        workers = db.session.execute(
            sa.select(User.id, Unit.street_id).join(Unit, Unit.id == User.unit_id)
            .where(User.role == "worker")).all()
        sessions = db.session.execute(
            sa.select(TrainingSession.id, Plan.street_id, TrainingSession.hours)
            .join(Plan, Plan.id == TrainingSession.plan_id)
            .where(Plan.year == year)).all()
        courses = db.session.execute(sa.select(Course.id, Course.hours).limit(4)).all()
        versions = list(db.session.scalars(sa.select(ScenarioVersion.id).limit(3)))
        done = set(db.session.execute(sa.select(Attendance.session_id, Attendance.user_id)))
        enrolled = set(db.session.execute(sa.select(Enrollment.user_id, Enrollment.course_id)))
        rows = {Attendance: [], Enrollment: [], Attempt: [], Run: []}
        for i, (uid, street) in enumerate(workers):
            for k, (sid, sstreet, hours) in enumerate(sessions):
                if sstreet == street and (i + k) % 3 and (sid, uid) not in done:
                    rows[Attendance].append({"session_id": sid, "user_id": uid,
                                             "status": "present", "method": "manual",
                                             "hours_credited": hours})
            for k, (cid, hours) in enumerate(courses):
                if (i + k) % 2 == 0 and (uid, cid) not in enrolled:
                    rows[Enrollment].append({
                        "user_id": uid, "course_id": cid, "hours_credited": hours,
                        "completed_at": datetime(year, 3 + k, 1, tzinfo=UTC)})
            for k in range(i % 4):
                percent = float(40 + (i * 7 + k * 13) % 60)
                rows[Attempt].append({
                    "user_id": uid, "context": "quiz", "label": f"测验{k % 2}",
                    "series": f"bench-{k}", "attempt_no": 1, "questions": [],
                    "pass_percent": 60, "started_at": datetime(year, 5, 1, tzinfo=UTC),
                    "submitted_at": datetime(year, 5, 1, 1 + k, tzinfo=UTC),
                    "score": percent / 10, "max_score": 10.0, "percent": percent,
                    "passed": percent >= 60})
            for k, version in enumerate(versions[: i % 3]):
                rows[Run].append({
                    "user_id": uid, "scenario_version_id": version, "path": [],
                    "finished": True, "outcome": "success" if (i + k) % 2 else "partial",
                    "scores": {"mediation": 30 + (i + k) % 70, "communication": 50 + i % 50},
                    "context": "practice", "started_at": datetime(year, 8, 1, tzinfo=UTC),
                    "finished_at": datetime(year, 8, 1, 1, tzinfo=UTC)})
        for model, items in rows.items():
            for start in range(0, len(items), 5000):
                db.session.execute(sa.insert(model), items[start:start + 5000])
        db.session.commit()
        return sum(len(items) for items in rows.values()), len(workers)


def login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    resp = client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token})
    assert resp.status_code == 302, resp.status_code


def measure(app, client, path: str, repeat: int) -> dict:
    import sqlalchemy as sa

    from trainer.extensions import db

    with app.app_context():
        engine = db.engine
    counts, times, size = [], [], 0

    def count(*_args, **_kw):
        counts[-1] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(repeat + 1):  # the first run warms caches and is dropped
            counts.append(0)
            started = time.perf_counter()
            resp = client.get(path)
            times.append(time.perf_counter() - started)
            assert resp.status_code == 200, (path, resp.status_code)
            size = len(resp.data)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return {"ms": round(median(times[1:]) * 1000), "worst": round(max(times[1:]) * 1000),
            "statements": max(counts[1:]), "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    env = prepare(args.workers)
    sys.path.insert(0, str(ROOT))
    from trainer import create_app
    from trainer.models import utcnow
    from trainer.plans.halves import half_of

    app = create_app()
    year = half_of(utcnow()).year
    rows, workers = seed_records(app, year)
    print(f"database: {env['DATABASE_URL'].split(':')[0]}; {workers} workers, {rows} record "
          f"rows added; prepared in {time.perf_counter() - started:.0f} s")
    client = app.test_client()
    login(client, "organiser")
    paths = [("dashboard, district (organiser)", f"/records/dashboard?year={year}"),
             ("dashboard, by grid, half-year, one department",
              f"/records/dashboard?year={year}&by=grid&half=2&department=civil-affairs"),
             ("dashboard table .xlsx (workers)",
              f"/records/dashboard.xlsx?table=workers&year={year}"),
             ("ratings page (district)", f"/records/ratings?year={year}"),
             ("district export .xlsx (web)", f"/records/export?year={year}"),
             ("district export .csv (web)", f"/records/export?year={year}&format=csv")]
    for name, path in paths:
        m = measure(app, client, path, args.repeat)
        print(f"{name:48s} median {m['ms']:5d} ms (worst {m['worst']:5d})  "
              f"statements {m['statements']:3d}  {m['bytes'] // 1024} KiB")
    street = app.test_client()
    login(street, "org_s01")
    m = measure(app, street, f"/records/dashboard?year={year}", args.repeat)
    print(f"{'dashboard, one street (street organiser)':48s} median {m['ms']:5d} ms "
          f"(worst {m['worst']:5d})  statements {m['statements']:3d}")
    out = Path(tempfile.mkdtemp(prefix="gt-bench-")) / "records.xlsx"
    cli_started = time.perf_counter()
    subprocess.run([str(BIN / "flask"), "records", "export", "--year", str(year), "--format",
                    "xlsx", "-o", str(out)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    seconds = time.perf_counter() - cli_started
    print(f"{'flask records export (xlsx, whole district)':48s} {seconds:.1f} s"
          " (process start included)")


if __name__ == "__main__":
    main()
