"""The demo seed assigns required training to the demo worker's street, once."""

import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.assignments import demo
from trainer.assignments.models import Assignment
from trainer.assignments.queries import my_assignments
from trainer.extensions import db


def test_demo_assignments_are_seeded_once_with_one_overdue(app):
    from trainer.demo import seed_accounts, seed_organisation
    from trainer.learning.models import Course
    from trainer.org.services import department_by_code, ensure_departments

    with app_ctx(app):
        ensure_departments()
        dept = department_by_code("civil-affairs")
        db.session.add_all([Course(slug=slug, title=title, status="published", department=dept)
                            for slug, title in (("a", "甲课程"), ("b", "乙课程"))])
        district, grids = seed_organisation()
        users = seed_accounts("Demo-pass-2026", district, grids, extra_workers=0)
        demo.seed(users)
        demo.seed(users)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 2
        mine = my_assignments(users[3])
        assert [(m.assignment.title, m.overdue) for m in mine] == [("甲课程", True),
                                                                  ("乙课程", False)]
