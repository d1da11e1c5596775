"""Scenario endpoints of /api/v1: the catalogue, starting a run, choices, the debrief."""

from flask_login import current_user

from trainer.api.core import api_auth, bp, field, json_body, paginated
from trainer.simulation import services
from trainer.simulation.queries import playable_scenarios


def scenario_json(scenario) -> dict:
    dept = scenario.department
    return {
        "slug": scenario.slug,
        "title": scenario.title,
        "department": {"code": dept.code, "name": dept.name} if dept else None,
        "summary": scenario.summary,
        "competencies": list(scenario.competencies or []),
        "steps": scenario.current_version.steps,
    }


def _run_answer(run, state: dict) -> dict:
    answer = {"run_id": run.id, "node": state["node"], "finished": state["finished"]}
    if state["finished"]:
        answer.update(outcome=state["outcome"], scores=state["scores"])
    return answer


@bp.get("/scenarios")
@api_auth()
def list_scenarios():
    return paginated(playable_scenarios(current_user), scenario_json)


@bp.post("/scenarios/<slug>/runs")
@api_auth()
def start_run(slug: str):
    scenario = services.playable_scenario(current_user, slug)
    run = services.start_run(current_user, scenario)
    return _run_answer(run, services.run_state(run)), 201


@bp.post("/runs/<int:run_id>/choices")
@api_auth()
def choose(run_id: int):
    run = services.run_to_play(current_user, run_id)
    key = field(json_body(), "choice")
    services.choose(run, key)
    state = services.run_state(run)
    last = state["last"]
    return {**_run_answer(run, state), "feedback": last["feedback"],
            "choice": last["choice"]}


@bp.get("/runs/<int:run_id>")
@api_auth()
def get_run(run_id: int):
    run = services.run_to_read(current_user, run_id)
    state = services.run_state(run)
    state.pop("last")
    return {**state, "user": run.user.username}
