"""Annual assessment: the district's rule (hours target and thresholds) for a year, the
rating it suggests from a worker's figures, and the organisers' decisions (confirm the
suggestions of many workers at once, or override one with a reason), every change
audited. Until a district organiser sets a rule, DESIGN.md's default applies: target 24
hours; 优秀 hours ≥ target + 8, every assignment done, average best quiz score ≥ 85; 良好
hours ≥ target, ≥ 90 % of assignments, ≥ 75; 合格 hours ≥ target − 8, ≥ 60 %, ≥ 60; else
不合格. A worker with no quiz in the year has an average of 0; with no assignment, 100 %."""

from dataclasses import asdict, dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.errors import Forbidden, Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.scope import district_ids_of, is_district_wide
from trainer.records.models import RATINGS, AssessmentAudit, AssessmentRule, Rating

RATING_NAMES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}


def RATING_LABELS():  # noqa: N802 - a constant-like table, built lazily for translation
    return {"excellent": _l("Excellent"), "good": _l("Good"), "pass": _l("Pass"),
            "fail": _l("Fail")}


@dataclass(frozen=True)
class Rule:
    """Hours target and, per rating, (hours over the target, assignments %, quiz average)."""

    target_hours: float = 24
    excellent_hours: float = 8
    excellent_assignments: float = 100
    excellent_quiz: float = 85
    good_hours: float = 0
    good_assignments: float = 90
    good_quiz: float = 75
    pass_hours: float = -8
    pass_assignments: float = 60
    pass_quiz: float = 60
    is_default: bool = True

    def thresholds(self) -> list[tuple[str, float, float, float]]:
        """(rating, minimum hours, minimum assignments %, minimum quiz average), best first."""
        return [(r, self.target_hours + getattr(self, f"{r}_hours"),
                 getattr(self, f"{r}_assignments"), getattr(self, f"{r}_quiz"))
                for r in ("excellent", "good", "pass")]

    def values(self) -> dict:
        data = asdict(self)
        data.pop("is_default")
        return data


DEFAULT_RULE = Rule()
FIELDS = tuple(DEFAULT_RULE.values())


def _from_row(row: AssessmentRule) -> Rule:
    return Rule(**{f: float(getattr(row, f)) for f in FIELDS}, is_default=False)


def rules_for(district_ids, year: int) -> dict[int, Rule]:
    """The rule of each district for ``year`` (the default where none is set): one
    statement."""
    ids = list(district_ids)
    found = {d: DEFAULT_RULE for d in ids}
    if ids:
        for row in db.session.scalars(sa.select(AssessmentRule).where(
                AssessmentRule.district_id.in_(ids), AssessmentRule.year == year)):
            found[row.district_id] = _from_row(row)
    return found


def rule_for(district_id: int | None, year: int) -> Rule:
    if district_id is None:
        return DEFAULT_RULE
    return rules_for([district_id], year)[district_id]


def suggest(rule: Rule, hours: float, assignment_percent: float,
            quiz_average: float | None) -> str:
    """The rating the rule suggests for these figures."""
    average = quiz_average or 0.0
    for rating, min_hours, min_assign, min_quiz in rule.thresholds():
        if hours >= min_hours and assignment_percent >= min_assign and average >= min_quiz:
            return rating
    return "fail"


def evidence(figures: dict) -> dict:
    """The figures a rating rests on (kept with a decision)."""
    return {k: figures.get(k) for k in ("hours", "assignments_done", "assignments_total",
                                        "assignment_percent", "quiz_average", "quizzes",
                                        "sessions", "courses", "runs")}


# --- who may do what -------------------------------------------------------------------

def may_read(viewer) -> bool:
    return viewer.role in ("organiser", "admin")


def may_set_rule(viewer, district_id: int) -> bool:
    """A district organiser of that district (or a city organiser above it), or an admin."""
    if viewer.role == "admin":
        return True
    return (viewer.role == "organiser" and is_district_wide(viewer)
            and district_id in (district_ids_of(viewer) or []))


def set_rule(actor, district_id: int, year: int, values: dict) -> AssessmentRule:
    if not may_set_rule(actor, district_id):
        raise Forbidden(_("Only the district's organisers set its assessment rule."))
    clean = {}
    for name in FIELDS:
        try:
            value = float(values[name])
        except (KeyError, TypeError, ValueError):
            raise Invalid(_("Enter a number."), field=name) from None
        if not -1000 <= value <= 1000:
            raise Invalid(_("Enter a number between -1000 and 1000."), field=name)
        clean[name] = value
    if clean["target_hours"] < 0:
        raise Invalid(_("The hours target cannot be negative."), field="target_hours")
    for name in ("excellent", "good", "pass"):
        for part in ("assignments", "quiz"):
            if not 0 <= clean[f"{name}_{part}"] <= 100:
                raise Invalid(_("Enter a percentage from 0 to 100."), field=f"{name}_{part}")
    row = db.session.scalar(sa.select(AssessmentRule).where(
        AssessmentRule.district_id == district_id, AssessmentRule.year == year))
    before = _from_row(row).values() if row is not None else None
    if row is None:
        row = AssessmentRule(district_id=district_id, year=year)
        db.session.add(row)
    for name, value in clean.items():
        setattr(row, name, value)
    row.set_by_id, row.set_at = actor.id, utcnow()
    db.session.add(AssessmentAudit(district_id=district_id, year=year, action="rule",
                                   actor_id=actor.id, before=before, after=clean))
    db.session.flush()
    return row


def decided(who, year: int) -> dict[int, Rating]:
    """The decided ratings of ``who`` (ids or a select of them) for ``year``: one statement."""
    return {r.user_id: r for r in db.session.scalars(sa.select(Rating).where(
        Rating.user_id.in_(who), Rating.year == year))}


def confirm(actor, year: int, suggestions: dict[int, tuple[str, dict, int | None]]) -> int:
    """Take the suggestion of each worker (user id -> (rating, figures, district)) not yet
    decided; decided ones stay as they are. Answers how many were confirmed."""
    if not may_read(actor):
        raise Forbidden(_("Only organisers rate workers."))
    already = decided(list(suggestions), year)
    count = 0
    for user_id, (rating, figures, district) in suggestions.items():
        if user_id in already:
            continue
        db.session.add(Rating(user_id=user_id, year=year, suggested=rating, final=rating,
                              status="confirmed", evidence=evidence(figures),
                              decided_by_id=actor.id))
        db.session.add(AssessmentAudit(district_id=district, year=year, action="confirm",
                                       user_id=user_id, actor_id=actor.id,
                                       after={"final": rating}))
        count += 1
    db.session.flush()
    return count


def override(actor, user_id: int, year: int, suggested: str, final: str, reason: str,
             figures: dict, district: int | None) -> Rating:
    if not may_read(actor):
        raise Forbidden(_("Only organisers rate workers."))
    if final not in RATINGS:
        raise Invalid(_("Choose a rating."), field="final")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reason for this rating."), field="reason")
    if len(reason) > 500:
        raise Invalid(_("At most 500 characters."), field="reason")
    row = db.session.scalar(sa.select(Rating).where(Rating.user_id == user_id,
                                                    Rating.year == year))
    before = {"final": row.final, "status": row.status} if row is not None else None
    if row is None:
        row = Rating(user_id=user_id, year=year)
        db.session.add(row)
    row.suggested, row.final, row.reason = suggested, final, reason
    row.status = "confirmed" if final == suggested else "overridden"
    row.evidence, row.decided_by_id, row.decided_at = evidence(figures), actor.id, utcnow()
    db.session.add(AssessmentAudit(district_id=district, year=year, action="override",
                                   user_id=user_id, actor_id=actor.id, before=before,
                                   after={"final": final}, reason=reason))
    db.session.flush()
    return row


def rule_trail(district_id: int, year: int, limit: int = 20) -> list[tuple]:
    """The changes of a district's rule for a year, newest first: (audit row, who)."""
    from trainer.auth.models import User

    return list(db.session.execute(
        sa.select(AssessmentAudit, User.name).outerjoin(User, User.id == AssessmentAudit.actor_id)
        .where(AssessmentAudit.district_id == district_id, AssessmentAudit.year == year,
               AssessmentAudit.action == "rule")
        .order_by(AssessmentAudit.at.desc(), AssessmentAudit.id.desc()).limit(limit)))


def worker_trail(user_id: int, year: int, limit: int = 20) -> list[tuple]:
    """The decisions on a worker's rating for a year, newest first: (audit row, who)."""
    from trainer.auth.models import User

    return list(db.session.execute(
        sa.select(AssessmentAudit, User.name).outerjoin(User, User.id == AssessmentAudit.actor_id)
        .where(AssessmentAudit.user_id == user_id, AssessmentAudit.year == year)
        .order_by(AssessmentAudit.at.desc(), AssessmentAudit.id.desc()).limit(limit)))
