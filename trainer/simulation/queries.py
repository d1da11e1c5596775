"""Who may play, edit and read what: Select builders and checks for scenarios and runs."""

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, selectinload

from trainer.auth.models import User
from trainer.org.models import Unit
from trainer.org.scope import (
    authorable_clause,
    can_author,
    district_clause,
    in_scope,
    is_district_wide,
    street_id_of,
)
from trainer.simulation.models import Run, Scenario, ScenarioVersion


def _street_clause(user):
    """The library's scenarios, the user's districts' (and street's, when limited)."""
    in_district = district_clause(user, Scenario.district_id, library=True)
    if is_district_wide(user):
        return in_district
    return in_district & sa.or_(Scenario.street_id.is_(None),
                                Scenario.street_id == street_id_of(user))


# Lists show a version's number and step count, never its graph: leave the JSON unread.
_LIGHT = (ScenarioVersion.id, ScenarioVersion.number, ScenarioVersion.steps,
          ScenarioVersion.scenario_id)


def playable_scenarios(user) -> sa.Select:
    """Published scenarios in the caller's street scope that have a version to play."""
    return (sa.select(Scenario)
            .where(Scenario.status == "published", Scenario.current_version_id.is_not(None),
                   _street_clause(user))
            .options(selectinload(Scenario.current_version).load_only(*_LIGHT))
            .order_by(Scenario.title, Scenario.id))


def editable_clause(user):
    """SQL condition: scenarios ``user`` may edit (the rule of ``org.scope.can_author``)."""
    return authorable_clause(user, Scenario)


def editable_scenarios(user) -> sa.Select:
    return (sa.select(Scenario).where(editable_clause(user))
            .options(selectinload(Scenario.current_version).load_only(*_LIGHT))
            .order_by(Scenario.title, Scenario.id))


def _runs_listed(stmt: sa.Select) -> sa.Select:
    return stmt.options(joinedload(Run.version).options(defer(ScenarioVersion.data),
                                                        defer(ScenarioVersion.html)))


def can_edit(user, scenario: Scenario) -> bool:
    return can_author(user, scenario)


def can_read_run(user, run: Run) -> bool:
    """The player; admins; organisers with the player in scope; trainers of the scenario's
    department with the player in scope."""
    if run.user_id == user.id or user.role == "admin":
        return True
    if user.role == "organiser":
        return in_scope(user, run.user.unit)
    if user.role == "trainer":
        scenario = run.version.scenario
        return (scenario.department_id is not None
                and scenario.department_id == user.department_id
                and in_scope(user, run.user.unit))
    return False


def can_see_results(user, scenario: Scenario) -> bool:
    """May list other people's runs of this scenario (within their own scope)."""
    if user.role in ("admin", "organiser"):
        return True
    return user.role == "trainer" and scenario.department_id is not None \
        and scenario.department_id == user.department_id


def runs_of_scenario(user, scenario: Scenario) -> sa.Select:
    """Runs of ``scenario`` by the people in the caller's scope, newest first."""
    stmt = _runs_listed(
        sa.select(Run).join(ScenarioVersion, Run.scenario_version_id == ScenarioVersion.id)
        .where(ScenarioVersion.scenario_id == scenario.id)
        .order_by(Run.started_at.desc(), Run.id.desc()))
    if user.role == "admin":
        return stmt
    stmt = stmt.join(User, Run.user_id == User.id).join(Unit, User.unit_id == Unit.id)
    if not is_district_wide(user):
        return stmt.where(Unit.street_id == street_id_of(user))
    return stmt.where(district_clause(user, Unit.district_id))


def my_runs(user) -> sa.Select:
    return _runs_listed(sa.select(Run).where(Run.user_id == user.id)
                        .order_by(Run.started_at.desc(), Run.id.desc()))


def finished_clause(scenario_id, user_id):
    """SQL condition: the user (an id or a column) finished a run of the scenario, any
    outcome, in practice or a competition (previews and runs closed as abandoned after a
    week do not count)."""
    return sa.exists().where(Run.user_id == user_id, Run.finished.is_(True),
                             Run.context != "preview", Run.outcome != "abandoned",
                             Run.scenario_version_id == ScenarioVersion.id,
                             ScenarioVersion.scenario_id == scenario_id)


def succeeded_clause(scenario_id, user_id):
    """SQL condition: as ``finished_clause``, with a successful ending."""
    return sa.exists().where(Run.user_id == user_id, Run.outcome == "success",
                             Run.context != "preview",
                             Run.scenario_version_id == ScenarioVersion.id,
                             ScenarioVersion.scenario_id == scenario_id)
