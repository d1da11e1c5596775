"""The assignments rows of the API: GET/POST /api/v1/assignments, GET /api/v1/me/assignments."""

from flask import request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from trainer.api.core import api_auth, bp, field, json_body
from trainer.assignments import queries, services
from trainer.assignments.audience import audience_json
from trainer.assignments.models import Assignment
from trainer.extensions import db


def assignment_json(a: Assignment, counts: dict) -> dict:
    total, done = counts.get(a.id, (0, 0))
    return {"id": a.id, "kind": a.kind, "target": a.target, "title": a.title,
            "due": a.due.isoformat(), "closed": a.closed_at is not None,
            "overdue": a.due < queries.today(), "plan": a.plan_id, "half": a.half,
            "street": a.street.code if a.street else None, "audience": audience_json(a),
            "members": total, "done": done}


@bp.get("/assignments")
@api_auth()
def list_assignments():
    if not queries.can_manage(current_user):
        return [m.as_json() for m in queries.my_assignments(current_user)]
    stmt = (queries.scoped_assignments(current_user)
            .options(selectinload(Assignment.audience))  # the audiences in one more query
            .order_by(Assignment.due.desc(), Assignment.id.desc()))
    page = request.args.get("page", type=int)
    headers = {}
    if page is None:
        items = list(db.session.scalars(stmt).unique())
    else:
        per_page = max(1, min(request.args.get("per_page", 20, type=int), 100))
        result = db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False)
        items = list(result.items)
        if result.has_next:
            nxt = url_for(request.endpoint, page=result.next_num, per_page=per_page)
            headers["Link"] = f'<{nxt}>; rel="next"'
    counts = queries.completion_counts([a.id for a in items])
    return [assignment_json(a, counts) for a in items], 200, headers


@bp.post("/assignments")
@api_auth("organiser")
def create_assignment():
    data = json_body()
    assignment = services.create_assignment(
        current_user, field(data, "kind"), data.get("target"), data.get("audience"),
        data.get("due"), data.get("plan"))
    return {"id": assignment.id}, 201


@bp.get("/me/assignments")
@api_auth()
def my_assignments():
    return [m.as_json() for m in queries.my_assignments(current_user)]
