"""The organiser's dashboard: participation per street and community, the distribution of
totals, and the item analysis of every quiz round (itemstats.py does the arithmetic)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.competitions import itemstats
from trainer.competitions.models import Competition, Entry, Round, RoundResult
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.quizzes.models import Attempt, AttemptAnswer, Question


def participation(comp: Competition) -> list[dict]:
    """Per street and community: entrants, and how many finished every timed round."""
    timed = [r.id for r in comp.rounds if not r.scored_by_judges]
    finished = (sa.select(RoundResult.entry_id, sa.func.count().label("done"))
                .where(RoundResult.round_id.in_(timed), RoundResult.finished_at.is_not(None))
                .group_by(RoundResult.entry_id).subquery())
    complete = sa.func.sum(sa.case((finished.c.done >= len(timed), 1), else_=0))
    street, community = sa.orm.aliased(Unit), sa.orm.aliased(Unit)
    stmt = (sa.select(street.name, community.name, sa.func.count(Entry.id), complete)
            .select_from(Entry)
            .outerjoin(finished, finished.c.entry_id == Entry.id)
            .outerjoin(street, street.id == Entry.street_id)
            .outerjoin(community, community.id == Entry.community_id)
            .where(Entry.competition_id == comp.id)
            .group_by(street.name, community.name).order_by(street.name, community.name))
    rows = []
    for street_name, community_name, entrants, done in db.session.execute(stmt):
        done = int(done or 0) if timed else 0
        rows.append({"street": street_name or "—", "community": community_name or "—",
                     "entrants": entrants, "complete": done,
                     "percent": round(100 * done / entrants) if entrants and timed else 0})
    return rows


def distribution_svg(comp: Competition) -> tuple[str, list[int]]:
    """The live totals in ten bins, as a server-rendered SVG bar chart."""
    bucket = Entry.total_centi // 1000  # floor division on SQLite and PostgreSQL alike
    counts = [0] * 10
    for index, count in db.session.execute(
            sa.select(bucket, sa.func.count()).where(Entry.competition_id == comp.id)
            .group_by(bucket)):
        counts[min(9, int(index))] += count
    svg = itemstats.histogram_svg(counts, _("Distribution of totals"), _("Total (0–100)"),
                                  _("Entrants"))
    return svg, counts


def round_items(rnd: Round) -> dict:
    """Item analysis of a quiz round from its graded competition attempts."""

    attempts = dict(db.session.execute(
        sa.select(Attempt.id, Attempt.percent).join(RoundResult,
                                                    RoundResult.attempt_id == Attempt.id)
        .where(RoundResult.round_id == rnd.id, Attempt.submitted_at.is_not(None))).all())
    given: dict[int, dict[int, float]] = {}
    for attempt_id, questions in db.session.execute(
            sa.select(Attempt.id, Attempt.questions).where(Attempt.id.in_(list(attempts)))):
        for entry in questions or []:
            given.setdefault(entry["id"], {})[attempt_id] = 0.0
    for attempt_id, question_id, credit in db.session.execute(
            sa.select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.credit)
            .where(AttemptAnswer.attempt_id.in_(list(attempts)))):
        if question_id in given:
            given[question_id][attempt_id] = float(credit or 0)
    stats = itemstats.item_analysis({a: float(p or 0) for a, p in attempts.items()}, given)
    found = db.session.execute(sa.select(Question.id, Question.title, Question.stem).where(
        Question.id.in_(list(given)))).all() if given else []
    label = {qid: title or (stem or "")[:40] for qid, title, stem in found}
    return {"round": rnd, "attempts": len(attempts), "items": stats,
            "missed": itemstats.most_missed(stats), "labels": label}
