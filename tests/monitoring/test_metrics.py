"""/metrics: Prometheus exposition, refused without the token and from other addresses."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import TestConfig


class TokenConfig(TestConfig):
    METRICS_TOKEN = "t" * 40
    METRICS_ALLOW = "127.0.0.1, 10.1.0.0/16"


def samples(text: str) -> dict:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def far(addr="203.0.113.9"):
    return {"REMOTE_ADDR": addr}


def test_loopback_reads_requests_by_route_and_status(client, users, auth):
    client.get("/login")
    client.get("/courses/no-such-course")
    auth.login("worker")
    client.get("/no/such/page")
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    found = samples(resp.get_data(as_text=True))
    logins = found[("gt_http_requests_total", (("endpoint", "/login"), ("method", "GET"),
                                                ("status", "200")))]
    assert logins >= 1
    assert found[("gt_http_requests_total", (("endpoint", "(unmatched)"), ("method", "GET"),
                                              ("status", "404")))] >= 1
    assert any(name == "gt_http_request_duration_seconds_bucket" and
               dict(labels).get("endpoint") == "/login" for name, labels in found)
    assert ("gt_db_pool_checked_out", ()) in found and ("gt_db_pool_size", ()) in found
    assert found[("gt_competition_rounds_active", ())] == 0
    assert ("gt_competition_entrants_active", ()) in found
    assert found[("gt_jobs_queued", ())] == 0 and ("gt_jobs_failed_last_hour", ()) in found


def test_other_addresses_are_refused(client):
    assert client.get("/metrics", environ_base=far()).status_code == 404
    assert client.get("/metrics", environ_base=far("::2")).status_code == 404


def test_a_proxied_request_is_not_local(client):
    """Behind a proxy this app does not trust, every caller would look like 127.0.0.1."""
    resp = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert resp.status_code == 404


@pytest.mark.parametrize("config", [TokenConfig])
def test_the_token_opens_it_from_anywhere_and_a_wrong_one_does_not(client):
    good = {"Authorization": "Bearer " + "t" * 40}
    assert client.get("/metrics", environ_base=far(), headers=good).status_code == 200
    for bad in ("Bearer " + "u" * 40, "Bearer ", "t" * 40, "Basic " + "t" * 40):
        resp = client.get("/metrics", environ_base=far(), headers={"Authorization": bad})
        assert resp.status_code == 404, bad
    assert client.get("/metrics", environ_base=far("10.1.2.3")).status_code == 200
    assert client.get("/metrics", environ_base=far("10.2.0.1")).status_code == 404


def test_no_token_configured_means_no_token_opens_it(client):
    resp = client.get("/metrics", environ_base=far(), headers={"Authorization": "Bearer "})
    assert resp.status_code == 404


def test_a_bad_allow_list_fails_at_start():
    from trainer import create_app

    class Bad(TestConfig):
        METRICS_ALLOW = "127.0.0.1, not-an-address"

    with pytest.raises(ValueError):
        create_app(Bad)


def test_active_rounds_and_entrants(app, client, auth, users, make_user):
    from tests.competitions.conftest import body
    from tests.conftest import app_ctx, bearer
    from trainer.auth.models import User
    from trainer.competitions.services import create_competition
    from trainer.competitions.spec import parse_competition
    from trainer.extensions import db

    make_user("w1", name="张一")
    with app_ctx(app):
        organiser = db.session.scalar(db.select(User).where(User.username == "organiser"))
        comp = create_competition(organiser, parse_competition(body()))
        db.session.commit()
        assert comp.status == "open"
        comp_id = comp.id
    resp = client.post(f"/api/v1/competitions/{comp_id}/entries",
                       headers=bearer(auth.token("w1")))
    assert resp.status_code == 201
    found = samples(client.get("/metrics").get_data(as_text=True))
    assert found[("gt_competition_rounds_active", ())] == 1
    assert found[("gt_competition_entrants_active", ())] == 1
