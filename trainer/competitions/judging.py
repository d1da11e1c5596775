"""Judged rounds: the assigned judges' score sheets on a rubric.

A judge sees entrant numbers, never names; may not score an entrant of their own
community (conflict of interest, refused with the reason); a changed score needs a reason
and goes to the audit log. With five or more sheets the highest and lowest totals are
dropped before averaging (standings.ranking.judged_percent).
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.auth.models import User
from trainer.competitions import audit, phases
from trainer.competitions.models import Competition, Entry, Round, ScoreRevision, ScoreSheet
from trainer.competitions.queries import community_of
from trainer.competitions.standings import scoring
from trainer.errors import Conflict, Forbidden, Invalid, NotFound
from trainer.extensions import db
from trainer.models import utcnow


def is_judge(user, rnd: Round) -> bool:
    return rnd.scored_by_judges and any(j.user_id == user.id for j in rnd.judges)


def require_judge(user, rnd: Round) -> None:
    if not is_judge(user, rnd):
        raise Forbidden(_("You are not a judge of this round."), code="not_judge")


def conflict_reason(judge, rnd: Round, entry: Entry) -> str | None:
    """Why ``judge`` may not score ``entry``: the entrant belongs to the judge's own
    community (by the judge's unit, or as declared when they were assigned), or None."""
    own = {j.community_id for j in rnd.judges if j.user_id == judge.id} - {None}
    unit_community = community_of(judge.unit)
    if unit_community is not None:
        own.add(unit_community.id)
    if entry.community_id is not None and entry.community_id in own:
        return _("Conflict of interest: this entrant belongs to your own community (%(name)s).",
                 name=entry.community.name)
    return None


def entry_by_number(comp: Competition, number: int) -> Entry:
    entry = db.session.scalar(sa.select(Entry).where(Entry.competition_id == comp.id,
                                                     Entry.number == number))
    if entry is None:
        raise NotFound(_("No entrant with this number."))
    return entry


def entry_by_username(comp: Competition, username: str) -> Entry:
    entry = db.session.scalar(sa.select(Entry).join(User, User.id == Entry.user_id).where(
        Entry.competition_id == comp.id, User.username == username))
    if entry is None:
        raise NotFound(_("No such entrant."))
    return entry


def check_points(rnd: Round, criteria: dict) -> dict[str, float]:
    """Points per criterion, every criterion given and within 0..max (422 naming it)."""
    if not isinstance(criteria, dict):
        raise Invalid(_("Field “%(name)s” has the wrong type.", name="criteria"),
                      field="criteria")
    names = {c["name"]: c["max"] for c in rnd.criteria}
    unknown = set(criteria) - set(names)
    if unknown:
        raise Invalid(_("Unknown criterion “%(name)s”.", name=sorted(unknown)[0]),
                      field="criteria")
    points = {}
    for name, most in names.items():
        value = criteria.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(_("Give points for “%(name)s”.", name=name),
                          field=f"criteria.{name}")
        if not 0 <= value <= most:
            raise Invalid(_("Points for “%(name)s” must be between 0 and %(max)s.",
                            name=name, max=most), field=f"criteria.{name}")
        points[name] = float(value)
    return points


def score_entry(judge, rnd: Round, entry: Entry, criteria: dict, reason: str = "") -> ScoreSheet:
    """Save the judge's sheet for the entrant; changing a saved score needs a reason."""
    require_judge(judge, rnd)
    comp = rnd.competition
    if comp.status == "published":
        raise Conflict(_("Results are published; scores can no longer change."),
                       code="published")
    if phases.round_status(rnd, comp, utcnow()) == "scheduled":
        raise Conflict(_("This round has not started yet."), code="round_scheduled")
    why = conflict_reason(judge, rnd, entry)
    if why:
        raise Forbidden(why, code="conflict_of_interest")
    points = check_points(rnd, criteria)
    sheet = db.session.scalar(sa.select(ScoreSheet).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry.id,
        ScoreSheet.judge_id == judge.id).with_for_update(of=ScoreSheet))
    total = round(sum(points.values()), 2)
    if sheet is not None and sheet.points != points:
        if not (reason or "").strip():
            raise Invalid(_("Give a reason for changing a score."), field="reason")
        audit.record(comp.id, judge, "score.change",
                     {"round": rnd.n, "entrant": entry.number, "before": sheet.points,
                      "after": points}, reason)
    changed, now = sheet is None or sheet.points != points, utcnow()
    if sheet is None:
        sheet = _new_sheet(judge, rnd, entry, points, total)
    sheet.points, sheet.total = points, total
    if changed:  # the history the frozen table is rebuilt from
        db.session.add(ScoreRevision(round_id=rnd.id, entry_id=entry.id, judge_id=judge.id,
                                     points=points, total=total, at=now))
    db.session.flush()
    scoring.sync_judged(rnd, entry.id, at=now)
    return sheet


def _new_sheet(judge, rnd: Round, entry: Entry, points: dict, total: float) -> ScoreSheet:
    sheet = ScoreSheet(round_id=rnd.id, entry_id=entry.id, judge_id=judge.id, points=points,
                       total=total)
    try:
        with db.session.begin_nested():
            db.session.add(sheet)
    except sa.exc.IntegrityError as exc:
        raise Conflict(_("This sheet was saved at the same moment elsewhere; reload it."),
                       code="busy") from exc
    return sheet


def my_sheets(judge, rnd: Round) -> dict[int, ScoreSheet]:
    """Entry id -> the judge's sheet, for the round's list of entrants."""
    return {s.entry_id: s for s in db.session.scalars(sa.select(ScoreSheet).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.judge_id == judge.id))}


def sheet_of(judge, rnd: Round, entry: Entry) -> ScoreSheet | None:
    return db.session.scalar(sa.select(ScoreSheet).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry.id,
        ScoreSheet.judge_id == judge.id))
