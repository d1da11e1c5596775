"""The worker's catalogue statement, built once per district and street (issue 19)."""

import sqlalchemy as sa

from tests.conftest import bearer
from trainer.extensions import db


def test_a_workers_kept_catalogue_statement_scopes_as_the_full_query(app, client, load,
                                                                     shipped_copy, auth,
                                                                     users):
    """The worker's catalogue statement (built once per district and street) lists what
    catalogue_query lists, with courses of another street and drafts left out, and one
    of the worker's own street in."""
    from trainer.auth.models import User
    from trainer.learning.models import Course
    from trainer.learning.queries import catalogue_query, listed_catalogue
    from trainer.org.models import Unit

    load(shipped_copy)
    with app.app_context():
        worker = db.session.scalar(sa.select(User).where(User.username == "worker"))
        mine = worker.unit.street_id
        other_street = db.session.scalar(sa.select(Unit.id).where(
            Unit.level == "street", Unit.id != mine))
        courses = db.session.scalars(sa.select(Course).order_by(Course.id)).all()
        courses[0].street_id, courses[0].district_id = mine, worker.unit.district_id
        courses[1].street_id = other_street
        courses[2].status = "draft"
        db.session.commit()
        expected = [c.slug for c in db.session.scalars(catalogue_query(worker, "", "", ""))]
        listed = [row.slug for row in db.session.execute(listed_catalogue(worker, "", "", ""))]
        assert listed == expected
        assert courses[0].slug in listed
        assert not {courses[1].slug, courses[2].slug} & set(listed)
    token = auth.token("worker")
    got = [c["slug"] for c in client.get("/api/v1/courses", headers=bearer(token)).get_json()]
    assert got == expected


def test_the_hot_reads_take_few_statements(app, client, auth, users, load, course_dir):
    """/me: the caller (one statement); the worker's catalogue: the caller and one more
    (courses, progress and pending grading); no BEGIN: they need no transaction."""
    from sqlalchemy import event

    load(course_dir)
    token = auth.token("worker")
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        counts = {}
        for path in ("/api/v1/courses", "/api/v1/me"):
            seen.clear()
            assert client.get(path, headers=bearer(token)).status_code == 200
            counts[path] = len(seen)  # BEGIN included: these reads begin none
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert counts == {"/api/v1/courses": 2, "/api/v1/me": 1}


def test_staff_and_filtered_catalogues_still_answer(app, client, auth, users, load,
                                                   course_dir):
    load(course_dir)
    worker = bearer(auth.token("worker"))
    whole = client.get("/api/v1/courses", headers=worker).get_json()
    assert [c["slug"] for c in whole] == ["demo-course"]
    filtered = client.get("/api/v1/courses?department=fire", headers=worker).get_json()
    assert filtered == whole
    trainer = client.get("/api/v1/courses", headers=bearer(auth.token("trainer"))).get_json()
    assert "demo-course" in [c["slug"] for c in trainer]
