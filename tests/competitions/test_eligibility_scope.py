"""A competition's eligibility names only courses and quizzes in the organiser's scope:
another street's private course or quiz gets the same answer as a made-up one, so other
streets' slugs cannot be probed, and their titles never reach our workers."""

import pytest
import sqlalchemy as sa

from tests.competitions.conftest import body
from tests.conftest import bearer
from trainer.extensions import db


@pytest.fixture
def s2_content(app, org, make_quiz):
    """A published course and a published quiz private to street S2, and a module quiz of
    the S2 course that is not itself limited to a street."""
    from trainer.learning.models import Course
    from trainer.org.services import department_by_code, unit_by_code
    from trainer.quizzes.models import Quiz

    quiz_id, _ids = make_quiz(published=True, street="S2", title="S2私有测验")
    module_id, _ids = make_quiz(published=True, title="S2课程测验")
    with app.app_context():
        course = Course(slug="s2-private", title="S2私有课程", status="published",
                        department=department_by_code("fire"),
                        street_id=unit_by_code("S2").id)
        db.session.add(course)
        db.session.flush()
        db.session.get(Quiz, module_id).course_id = course.id
        db.session.commit()
    return {"course": "s2-private", "quiz": quiz_id, "module": module_id}


def _post(client, auth, username, rule):
    return client.post("/api/v1/competitions", json=body(street="S1", eligibility=[rule]),
                       headers=bearer(auth.token(username)))


@pytest.mark.parametrize(("rule", "missing"), [
    (lambda c: {"rule": "course", "course": c["course"]},
     {"rule": "course", "course": "made-up"}),
    (lambda c: {"rule": "quiz_passed", "quiz": c["quiz"]},
     {"rule": "quiz_passed", "quiz": 999999}),
    (lambda c: {"rule": "quiz_passed", "quiz": c["module"]},
     {"rule": "quiz_passed", "quiz": 999999}),
], ids=["course", "quiz", "module-quiz"])
def test_another_streets_content_answers_like_a_missing_one(app, client, auth, make_user,
                                                            s2_content, rule, missing):
    from trainer.competitions.models import Competition

    make_user("s1org", role="organiser", unit="S1")
    refused = _post(client, auth, "s1org", rule(s2_content))
    unknown = _post(client, auth, "s1org", missing)
    assert refused.status_code == unknown.status_code == 422
    error, expected = refused.get_json()["error"], unknown.get_json()["error"]
    if rule(s2_content)["rule"] == "course":  # the message repeats the slug asked for
        expected["message"] = expected["message"].replace("made-up", "s2-private")
    assert error == expected
    assert "S2" not in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Competition)) == 0


def test_a_district_organiser_may_not_hand_a_street_course_to_another_street(
        client, auth, users, s2_content):
    resp = _post(client, auth, "organiser", {"rule": "course", "course": "s2-private"})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["field"] == "eligibility[0].course"


def test_a_course_open_to_the_entrants_is_accepted(app, client, auth, users, make_user,
                                                   s2_content):
    from trainer.learning.models import Course
    from trainer.org.services import department_by_code

    with app.app_context():
        db.session.add(Course(slug="shared", title="共享课程", status="published",
                              department=department_by_code("fire")))
        db.session.commit()
    make_user("s1org", role="organiser", unit="S1")
    resp = _post(client, auth, "s1org", {"rule": "course", "course": "shared"})
    assert resp.status_code == 201, resp.get_json()
