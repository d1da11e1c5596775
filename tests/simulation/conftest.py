"""Factories for the simulation tests that use the app (the pure tests need none)."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx, csrf_from
from trainer.extensions import db

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"
NOISE = (FIXTURES / "noise.yml").read_text(encoding="utf-8")


def known_departments() -> set[str]:
    from trainer.org.models import Department

    return set(db.session.scalars(sa.select(Department.code)))


@pytest.fixture
def make_scenario(app, org):
    """Create a scenario from YAML text; returns its id."""
    from trainer.org.services import unit_by_code
    from trainer.simulation.loader import upsert_scenario
    from trainer.simulation.models import Scenario
    from trainer.simulation.validate import parse_yaml

    def make(slug="noise", text=NOISE, status="published", street=None, department=None):
        if department:
            text = text.replace("department: civil-affairs", f"department: {department}")
        with app_ctx(app):
            graph, problems = parse_yaml(text, f"{slug}.yml", slug, known_departments())
            assert problems == []
            upsert_scenario(graph)
            scenario = db.session.scalar(sa.select(Scenario).where(Scenario.slug == slug))
            scenario.status = status
            scenario.street_id = unit_by_code(street).id if street else None
            db.session.commit()
            return scenario.id

    return make


@pytest.fixture
def load_folder(app, org):
    """Run the loader on a folder inside the app; returns the LoadReport."""
    from trainer.simulation.loader import load_scenarios

    def load(folder: Path, dry_run: bool = False):
        with app_ctx(app):
            report = load_scenarios(folder, dry_run=dry_run,
                                    known_departments=known_departments())
            db.session.commit()
            return report

    return load


@pytest.fixture
def db_count(app):
    """Rows in a model's table (read in a fresh app context)."""

    def count(model, *where) -> int:
        with app_ctx(app):
            return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    return count


@pytest.fixture
def run_paths(app):
    """Every run's path, compared in Python (JSON has no portable SQL equality)."""

    def paths(model) -> list:
        with app_ctx(app):
            return [run.path for run in db.session.scalars(sa.select(model))]

    return paths


@pytest.fixture
def worker(client, auth, users, make_scenario):
    """The worker logged in (English pages), with the noise scenario published."""
    make_scenario()
    auth.login("worker")
    client.set_cookie("lang", "en")
    return client


def start(client, slug="noise"):
    """Start a run of ``slug`` through its page's form; the run's URL."""
    page = client.get(f"/scenarios/{slug}").get_data(as_text=True)
    resp = client.post(f"/scenarios/{slug}/runs", data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    return resp.headers["Location"]


def choose(client, run_url, key):
    token = csrf_from(client.get(run_url).get_data(as_text=True))
    return client.post(f"{run_url}/choices", data={"choice": key, "csrf_token": token})
