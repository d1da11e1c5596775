"""Schemathesis against the app in-process (WSGI), once per role, on a seeded database.

Every operation of the served OpenAPI document gets a bounded number of generated requests
(valid and invalid ones) per role; the run fails on any 5xx, any status code the document
does not list for the operation, any response whose body does not match its schema and any
wrong content type. Marked slow: CI runs it once.
"""

import os
import time

import pytest
import schemathesis
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
    # another address than the fuzzer's, whose failed logins the throttle counts
    resp = client.post("/api/v1/tokens", json={"username": role, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert resp.status_code == 201, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def _fuzz(operation, mode, role: str, headers: dict, failures: list[str]) -> int:
    """Run the operation's examples for one role; record each distinct failure once."""
    seen: set[str] = set()
    count = [0]

    @settings(max_examples=EXAMPLES[mode], deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case):
        count[0] += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as exc:  # a FailureGroup of the checks
            for failure in getattr(exc, "exceptions", [exc]):
                lines = [line.strip() for line in str(failure).splitlines() if line.strip()]
                key = " / ".join(lines[:3])[:240]
                if key not in seen:
                    seen.add(key)
                    failures.append(f"{role} {mode.value} {operation.label}: {key}\n"
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
    failures: list[str] = []
    examples = 0
    started = time.monotonic()
    for role in ROLES:
        for operation in operations:
            for mode in EXAMPLES:
                # a fresh token for each: DELETE /tokens revokes the one it is given
                examples += _fuzz(operation, mode, role, _token(client, role), failures)
    elapsed = time.monotonic() - started
    print(f"fuzz: {len(operations)} operations x {len(ROLES)} roles, {examples} requests, "
          f"{elapsed:.0f} s, {len(failures)} distinct failures")
    assert not failures, "\n".join(failures)
