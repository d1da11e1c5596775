"""Competition endpoints of /api/v1 (DESIGN.md "Public contract")."""

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api.core import api_auth, bp, field, json_body, paginated
from trainer.auth.services import bearer_digest
from trainer.competitions import eligibility, judging, phases, publishing, rounds
from trainer.competitions.kinds.registry import kind_of
from trainer.competitions.models import Competition
from trainer.competitions.queries import (
    entered_ids,
    entry_of,
    get_competition,
    get_managed,
    get_round,
    visible_competitions,
)
from trainer.competitions.services import create_competition, enter
from trainer.competitions.spec import parse_competition
from trainer.competitions.standings import board, fastsql
from trainer.errors import DomainError, Invalid, NotFound
from trainer.models import utcnow
from trainer.org.scope import street_by_code
from trainer.security import client_address


def _eligible(comp: Competition) -> bool:
    if current_user.role != "worker":
        return False
    return all(s.met for s in eligibility.check_rules(current_user, comp.eligibility))


def list_item(comp: Competition, entered: bool) -> dict:
    return {"id": comp.id, "title": comp.title, "kind": comp.kind,
            "status": phases.competition_status(comp, utcnow()),
            "starts_at": comp.starts_at.isoformat(), "ends_at": comp.ends_at.isoformat(),
            "street": comp.street.code if comp.street else None,
            "eligible": _eligible(comp), "entered": entered}


def detail_json(comp: Competition) -> dict:
    checks = eligibility.check_rules(current_user, comp.eligibility) \
        if current_user.role == "worker" else []
    body = list_item(comp, entry_of(comp.id, current_user.id) is not None)
    body.update(
        description=comp.description,
        freeze_at=comp.freeze_at.isoformat() if comp.freeze_at else None,
        team_by=comp.team_by, team_size=comp.team_size, visibility=comp.visibility,
        rounds=[{"n": r.n, "title": r.title, "kind": r.kind, "weight": r.weight,
                 "opens_at": r.opens_at.isoformat(), "closes_at": r.closes_at.isoformat(),
                 "time_limit": r.time_limit,
                 "status": phases.round_status(r, comp, utcnow())} for r in comp.rounds],
        eligibility=[c.as_json() for c in checks], honours=comp.honours or [])
    return body


@bp.get("/competitions")
@api_auth()
def competitions_list():
    stmt = visible_competitions(current_user).order_by(Competition.starts_at.desc(),
                                                       Competition.id)
    items, status, headers = paginated(stmt, lambda c: c)
    mine = entered_ids(current_user.id, [c.id for c in items])
    return [list_item(c, c.id in mine) for c in items], status, headers


@bp.post("/competitions")
@api_auth("organiser", "admin")
def competitions_create():
    comp = create_competition(current_user, parse_competition(json_body()))
    return detail_json(comp), 201


@bp.get("/competitions/<int:comp_id>")
@api_auth()
def competitions_detail(comp_id: int):
    return detail_json(get_competition(current_user, comp_id))


@bp.post("/competitions/<int:comp_id>/entries")
@api_auth()
def competitions_enter(comp_id: int):
    entry, created = enter(current_user, get_competition(current_user, comp_id))
    return {"entry_id": entry.id, "number": entry.number}, 201 if created else 200


@bp.post("/competitions/<int:comp_id>/rounds/<int:n>/start")
@api_auth()
def competitions_start_round(comp_id: int, n: int):
    comp = get_competition(current_user, comp_id)
    rnd = get_round(comp, n)
    attempt_or_run, created = rounds.start_round(current_user, comp, rnd, client_address())
    return kind_of(rnd).api_state(attempt_or_run, fresh=created), 201 if created else 200


@bp.put("/competitions/<int:comp_id>/rounds/<int:n>/scores/<username>")
@api_auth()
def competitions_score(comp_id: int, n: int, username: str):
    comp = get_competition(current_user, comp_id)
    rnd = get_round(comp, n)
    judging.require_judge(current_user, rnd)
    data = json_body()
    criteria = field(data, "criteria", dict)
    reason = field(data, "reason", str, required=False) or ""
    entry = judging.entry_by_username(comp, username[:40])
    sheet = judging.score_entry(current_user, rnd, entry, criteria, reason)
    return {"entrant": entry.number, "criteria": sheet.points, "total": sheet.total}


@bp.post("/competitions/<int:comp_id>/publish")
@api_auth("organiser", "admin")
def competitions_publish(comp_id: int):
    comp = get_managed(current_user, comp_id)
    reason, confirm = _publish_body()
    answer = publishing.publish(current_user, comp, reason, confirm=confirm)
    return answer


def _publish_body() -> tuple[str, bool]:
    """The optional ``reason`` and ``confirm`` of a publish (the body may be empty or an
    object)."""
    if not request.get_data():
        return "", False
    data = json_body()
    reason = field(data, "reason", str, required=False) or ""
    if len(reason) > 500:
        raise Invalid(_("Field “%(name)s” is not valid.", name="reason"), field="reason")
    confirm = field(data, "confirm", bool, required=False) or False
    return reason.strip(), confirm


def _row_json(row: board.Row) -> dict:
    return {"rank": row.rank, "name": row.name, "community": row.community,
            "street": row.street, "score": row.score, "seconds": row.seconds}


@bp.get("/competitions/<int:comp_id>/leaderboard")
def competitions_leaderboard(comp_id: int):
    viewer, comp = _board_caller(comp_id)
    limit, offset = _int_arg("limit", 50, 1, board.MAX_LIMIT), _int_arg("offset", 0, 0, 10**7)
    if request.args.get("by") == "team":
        teams = board.team_table(comp, viewer)
        return {"entries": [{"rank": t["rank"], "team": t["team"], "score": t["score"]}
                            for t in teams[offset:offset + limit]],
                "me": None, "frozen": board.frozen_for(comp, viewer)}
    street_id = _street_arg(comp)
    table = board.leaderboard(comp, viewer, limit=limit, offset=offset, street_id=street_id)
    me = table.me
    return {"entries": [_row_json(r) for r in table.rows], "frozen": table.frozen,
            "me": {"rank": me["rank"], "score": me["score"], "seconds": me["seconds"]}
            if me else None}


def _board_caller(comp_id: int):
    """(viewer, the competition's lean row) for the leaderboard, which every entrant's
    phone polls: a worker's token is checked in the statement that reads the competition
    and their own entry (fastsql.for_token), so no account is loaded; anyone else, or a
    token that is not valid, takes the usual way (401, and the scope rule of their role).
    The request only reads: on PostgreSQL it reads in autocommit."""
    fastsql.read_without_transaction()
    digest = bearer_digest(request.headers.get("Authorization", ""))
    if digest:
        row = fastsql.for_token(digest, comp_id)
        if row is not None and row.viewer_role == "worker":
            if row.id is None:
                raise NotFound(_("No such competition."))
            return fastsql.Viewer(row.viewer_id, row.viewer_role), row
    if not current_user.is_authenticated:
        abort(401)
    return current_user, board.lean_competition(current_user, comp_id)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(_("Field “%(name)s” has the wrong type.", name=name), field=name) from None
    return max(low, min(high, value))


def _street_arg(comp: Competition) -> int | None:
    code = request.args.get("street")
    if not code:
        return None

    street = street_by_code(code)
    if street is None or street.district_id != comp.district_id or (
            comp.street_id is not None and comp.street_id != street.id):
        raise DomainError(_("Unknown street."), code="not_found", status=404)
    return street.id
