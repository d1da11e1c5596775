"""The migration that makes districts tenants keeps every row and places them in the
existing district (SQLite rebuilds ``units`` and the content tables: nothing cascades)."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import unmigrated_app
from trainer.extensions import db

NOW = "2026-01-01 00:00:00"
BEFORE = "a7c9e1f3b5d2"


def test_upgrade_places_units_content_and_district_trainers_in_the_district():
    app = unmigrated_app()
    with app.app_context():
        upgrade(revision=BEFORE)
        run = db.session.execute
        for uid, code, level, parent, path, street in (
                (1, "D", "district", None, "/1/", None), (2, "S1", "street", 1, "/1/2/", 2),
                (3, "G1", "grid", 2, "/1/2/3/", 2)):
            run(sa.text("INSERT INTO units (id, code, name, level, parent_id, path, street_id,"
                        " active, created_at) VALUES (:id, :c, :c, :l, :p, :path, :s, 1, :now)"),
                {"id": uid, "c": code, "l": level, "p": parent, "path": path, "s": street,
                 "now": NOW})
        for uid, name, role, unit in ((1, "t", "trainer", None), (2, "w", "worker", 3),
                                      (3, "a", "admin", None)):
            run(sa.text("INSERT INTO users (id, username, name, role, unit_id, password_hash, "
                        "active, session_version, created_at) VALUES "
                        "(:id, :n, :n, :r, :u, 'x', 1, 1, :now)"),
                {"id": uid, "n": name, "r": role, "u": unit, "now": NOW})
        for cid, slug, street in ((1, "library", None), (2, "street", 2)):
            run(sa.text("INSERT INTO courses (id, slug, title, department_id, lecturer, summary,"
                        " competencies, hours, status, source, content_hash, created_at, "
                        "updated_at, street_id) VALUES (:id, :s, :s, 1, '', '', '[]', 1, "
                        "'draft', 'web', '', :now, :now, :st)"),
                {"id": cid, "s": slug, "st": street, "now": NOW})
        run(sa.text("INSERT INTO course_revisions (course_id, at, action, detail) VALUES "
                    "(2, :now, 'created', '')"), {"now": NOW})
        db.session.commit()
        upgrade()
        units = run(sa.text("SELECT code, district_id FROM units ORDER BY id")).all()
        users = run(sa.text("SELECT username, unit_id FROM users ORDER BY id")).all()
        courses = run(sa.text("SELECT slug, district_id FROM courses ORDER BY id")).all()
        revisions = run(sa.text("SELECT count(*) FROM course_revisions")).scalar()
        fk_on = run(sa.text("PRAGMA foreign_keys")).scalar()
        db.session.remove()
        downgrade(revision=BEFORE)
        after = run(sa.text("SELECT username, unit_id FROM users ORDER BY id")).all()
        db.session.remove()
        db.engine.dispose()
    assert units == [("D", 1), ("S1", 1), ("G1", 1)]
    assert users == [("t", 1), ("w", 3), ("a", None)]
    assert courses == [("library", None), ("street", 1)]
    assert revisions == 1 and fk_on == 1
    assert after == [("t", None), ("w", 3), ("a", None)]
