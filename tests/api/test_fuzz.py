"""Schemathesis against the app in-process (WSGI), once per role, on a seeded database.

Every operation of the served OpenAPI document gets a bounded number of generated requests
(valid and invalid ones) per role; the run fails on any 5xx, any status code the document
does not list for the operation, any response whose body does not match its schema and any
wrong content type. Marked slow: CI runs it once.
"""

import os
import time
from collections import Counter

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import PASSWORD, TestConfig

pytestmark = pytest.mark.slow

ROLES = ("anonymous", "worker", "trainer", "organiser", "admin")
# generated requests per operation and role: valid ones, and ones that break the schema
EXAMPLES = {GenerationMode.POSITIVE: int(os.environ.get("FUZZ_EXAMPLES", "25")),
            GenerationMode.NEGATIVE: int(os.environ.get("FUZZ_NEGATIVE_EXAMPLES", "10"))}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# and valid ones on objects that exist
KNOWN_EXAMPLES = int(os.environ.get("FUZZ_KNOWN_EXAMPLES", "10"))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class SeededConfig(TestConfig):
    """The real course, scenario and guide content, and no second factor required."""

    COURSES_DIR = os.path.join(ROOT, "courses")
    SCENARIOS_DIR = os.path.join(ROOT, "scenarios")
    GUIDE_DIR = os.path.join(ROOT, "guide")
    REQUIRE_SECOND_FACTOR = ()


@pytest.fixture
def config():
    return SeededConfig


def _seed(runner) -> None:
    for args in (["content", "load"], ["demo", "seed", "--password", PASSWORD]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output


def _token(client, role: str) -> dict:
    if role == "anonymous":
        return {}
    # the fuzzer's wrong current passwords (POST /api/v1/me/password, throttled like a
    # login) count against the role's account: forget them before each fresh token
    from flask import current_app

    from trainer.auth import throttle
    from trainer.extensions import db

    with client.application.app_context():
        throttle.get_counter(current_app).clear(throttle.account_key(role))
        db.session.commit()  # the database counter only flushes; Redis ignores this
    # another address than the fuzzer's, whose failed logins the throttle counts
    resp = client.post("/api/v1/tokens", json={"username": role, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert resp.status_code == 201, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def _known_objects(app, client) -> dict[str, dict]:
    """Path parameters naming objects that exist (a competition, course, lesson, asset,
    plan, session, quiz, attempt with a question, scenario and run of the worker), by path
    prefix and name: random ids find nothing, and the views behind them would go untried."""
    from trainer.competitions.models import Competition
    from trainer.extensions import db
    from trainer.learning.models import Course, CourseAsset, Lesson
    from trainer.plans.models import Plan, TrainingSession
    from trainer.quizzes.models import Quiz
    from trainer.simulation.models import Scenario

    worker = _token(client, "worker")
    with app.app_context():
        first = lambda model, *where: db.session.scalar(  # noqa: E731
            sa.select(model).where(*where).order_by(model.id).limit(1))
        course = first(Course)
        asset = first(CourseAsset, CourseAsset.kind == "image")
        known = {"comp_id": first(Competition).id, "n": 1, "username": "worker",
                 "lesson_id": first(Lesson).id, "plan_id": first(Plan).id,
                 "session_id": first(TrainingSession).id}
        quiz_id = first(Quiz, Quiz.published.is_(True)).id
        course_slug = course.slug
        slugs = list(db.session.scalars(sa.select(Scenario.slug).order_by(Scenario.id)))
        asset_course = db.session.get(Course, asset.course_id).slug if asset else course_slug
        asset_name = asset.name if asset else "none.png"
    attempt = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=worker).get_json()
    for scenario_slug in slugs:  # the first the worker may practise (not in an open round)
        resp = client.post(f"/api/v1/scenarios/{scenario_slug}/runs", headers=worker)
        if resp.status_code == 201:
            run = resp.get_json()
            break
    known.update(quiz_id=quiz_id, attempt_id=attempt["attempt_id"], run_id=run["run_id"],
                 question_id=attempt["questions"][0]["id"])
    return {"/api/v1/courses/{slug}/assets": {"slug": asset_course, "name": asset_name},
            "/api/v1/courses": {**known, "slug": course_slug},
            "/api/v1/scenarios": {**known, "slug": scenario_slug},
            "": known}


def _path_parameters(operation, known: dict[str, dict]) -> dict:
    names = [p.name for p in operation.path_parameters]
    for prefix, values in known.items():
        if operation.path.startswith(prefix):
            return {name: values[name] for name in names if name in values}
    return {}


def _fuzz(operation, mode, role: str, headers: dict, failures: list[str],
          path_parameters: dict | None = None, statuses: Counter | None = None) -> int:
    """Run the operation's examples for one role; record each distinct failure once."""
    seen: set[str] = set()
    count = [0]
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    examples = KNOWN_EXAMPLES if path_parameters else EXAMPLES[mode]

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def fuzz(case):
        count[0] += 1
        response = case.call(headers=headers)
        if statuses is not None:
            statuses[(operation.label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as exc:  # a FailureGroup of the checks
            for failure in getattr(exc, "exceptions", [exc]):
                lines = [line.strip() for line in str(failure).splitlines() if line.strip()]
                key = " / ".join(lines[:3])[:240]
                if key not in seen:
                    seen.add(key)
                    kind = "known" if path_parameters else mode.value
                    failures.append(f"{role} {kind} {operation.label}: {key}\n"
                                    f"    {case.method} {case.formatted_path} "
                                    f"query={case.query} body={case.body!r:.200} -> "
                                    f"{response.status_code} {response.text[:300]}")

    fuzz()
    return count[0]


def test_every_operation_for_every_role_conforms(app, client, runner):
    _seed(runner)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    known = _known_objects(app, client)
    statuses: Counter = Counter()  # (operation, status) of the requests on known objects
    failures: list[str] = []
    examples = 0
    started = time.monotonic()
    for role in ROLES:
        for operation in operations:
            # a fresh token for each: DELETE /tokens revokes the one it is given
            for mode in EXAMPLES:
                examples += _fuzz(operation, mode, role, _token(client, role), failures)
            fixed = _path_parameters(operation, known)
            if fixed:
                examples += _fuzz(operation, GenerationMode.POSITIVE, role,
                                  _token(client, role), failures, fixed, statuses)
    elapsed = time.monotonic() - started
    print(f"fuzz: {len(operations)} operations x {len(ROLES)} roles, {examples} requests, "
          f"{elapsed:.0f} s, {len(failures)} distinct failures")
    assert not failures, "\n".join(failures)
    # the known objects were found: the views behind their 404s answered too
    answered = {label for (label, status), _ in statuses.items() if status < 300}
    assert len(answered) >= 10, sorted(statuses.items())
