"""Appeals: an entrant contests a closed round within the window (default two hours after
it closed, never after publishing); an organiser resolves each with a reason, optionally
correcting the round's percent. Both are audited; publishing waits for open appeals."""

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.competitions import audit, phases
from trainer.competitions.models import Appeal, Competition, Round
from trainer.competitions.rounds import entry_for_play
from trainer.competitions.standings import scoring
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db
from trainer.models import utcnow

DECISIONS = ("upheld", "rejected")


def file_appeal(user, comp: Competition, rnd: Round, text: str) -> Appeal:
    """The entrant's appeal against the round (one per round)."""
    entry = entry_for_play(user, comp)
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise Invalid(_("Say what the appeal is about (at most 2000 characters)."), field="text")
    if not phases.may_appeal(rnd, comp, utcnow()):
        raise Conflict(_("Appeals are possible only in the window after the round closes."),
                       code="appeal_window")
    appeal = Appeal(round_id=rnd.id, entry_id=entry.id, text=text)
    try:
        with db.session.begin_nested():
            db.session.add(appeal)
    except sa.exc.IntegrityError as exc:
        raise Conflict(_("You have already appealed this round."), code="appealed") from exc
    return appeal


def resolve_appeal(actor, appeal: Appeal, decision: str, reason: str,
                   percent: float | None = None) -> Appeal:
    """Uphold or reject an open appeal with a reason; an upheld one may correct the percent."""
    if appeal.status != "open":
        raise Conflict(_("This appeal has been resolved already."))
    if decision not in DECISIONS:
        raise Invalid(_("Choose to uphold or reject the appeal."), field="decision")
    if not (reason or "").strip():
        raise Invalid(_("Give the reason for the decision."), field="reason")
    if percent is not None and (decision != "upheld" or not 0 <= percent <= 100):
        raise Invalid(_("A corrected percent (0–100) goes with an upheld appeal only."),
                      field="percent")
    appeal.status, appeal.resolution = decision, reason.strip()
    appeal.resolved_at, appeal.resolved_by_id = utcnow(), actor.id
    detail = {"appeal": appeal.id, "round": appeal.round.n,
              "entrant": appeal.entry.number, "decision": decision}
    if percent is not None:
        result = scoring.result_for(appeal.round_id, appeal.entry_id, create=True)
        detail.update(before=result.counted_percent, after=percent)
        now = utcnow()
        result.adjusted_percent, result.adjusted_at = float(percent), now
        db.session.flush()
        scoring.refresh_entry(appeal.entry_id, at=now)
    db.session.flush()
    audit.record(appeal.round.competition_id, actor, "appeal.resolve", detail, reason)
    return appeal


def get_appeal(comp: Competition, appeal_id: int) -> Appeal:
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or appeal.round.competition_id != comp.id:
        raise NotFound(_("No such appeal."))
    return appeal


def appeals_of(comp: Competition) -> sa.Select:
    return (sa.select(Appeal).join(Round, Round.id == Appeal.round_id)
            .where(Round.competition_id == comp.id)
            .order_by(Appeal.status != "open", Appeal.created_at.desc()))


def open_count(comp: Competition) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Appeal)
                             .join(Round, Round.id == Appeal.round_id)
                             .where(Round.competition_id == comp.id,
                                    Appeal.status == "open")) or 0


def my_appeals(entry_id: int) -> dict[int, Appeal]:
    return {a.round_id: a for a in db.session.scalars(sa.select(Appeal).where(
        Appeal.entry_id == entry_id))}
