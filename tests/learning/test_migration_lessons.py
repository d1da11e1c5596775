"""The migration that names web lessons: folders exported before it load back onto them."""

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import unmigrated_app
from trainer.extensions import db

NOW = "2026-01-01 00:00:00"


def test_upgrade_names_web_lessons_like_the_old_export_and_translates_load_history():
    app = unmigrated_app()
    with app.app_context():
        upgrade(revision="a1d3e5f7b9c2")
        run = db.session.execute
        run(sa.text("INSERT INTO courses (id, slug, title, department_id, lecturer, summary, "
                    "competencies, hours, status, source, content_hash, created_at, "
                    "updated_at) VALUES (1, 'c', 'c', 1, '', '', '[]', 1, 'draft', 'web', '', "
                    ":now, :now)"), {"now": NOW})
        for lesson_id, position, name in ((7, 1, "01-a.md"), (8, 2, ""), (9, 3, "")):
            run(sa.text("INSERT INTO lessons (id, course_id, position, title, filename, "
                        "body_md, body_html, updated_at) VALUES (:id, 1, :p, 't', :f, '', '', "
                        ":now)"), {"id": lesson_id, "p": position, "f": name, "now": NOW})
        run(sa.text("INSERT INTO course_revisions (course_id, at, action, detail) VALUES "
                    "(1, :now, 'loaded', 'updated from courses/c')"), {"now": NOW})
        db.session.commit()
        upgrade()
        names = run(sa.text("SELECT filename, retired FROM lessons ORDER BY id")).all()
        revision = run(sa.text("SELECT action, detail FROM course_revisions")).one()
        db.session.remove()
        db.engine.dispose()
    assert names == [("01-a.md", 0), ("02-lesson-8.md", 0), ("03-lesson-9.md", 0)]
    assert tuple(revision) == ("reloaded", "courses/c")
