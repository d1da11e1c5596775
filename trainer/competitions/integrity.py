"""Integrity flags of a competition, gathered for the organiser's review page.

Signals only, for a human to look at: how often an entrant left the attempt page,
answers or choices made implausibly fast, and entrants who played from the same network
address with near-identical answers. Nothing here changes a score.
"""

import sqlalchemy as sa

from trainer.competitions.flags import Flag
from trainer.competitions.kinds.registry import kind_of
from trainer.competitions.models import Competition, Entry, Round, RoundResult
from trainer.extensions import db


def integrity_flags(comp: Competition) -> list[Flag]:
    found: list[Flag] = []
    for rnd in comp.rounds:
        if rnd.scored_by_judges:
            continue
        rows = db.session.execute(
            sa.select(RoundResult, Entry.number).join(Entry, Entry.id == RoundResult.entry_id)
            .where(RoundResult.round_id == rnd.id)).all()
        found += _leaves(rnd, rows)
        found += kind_of(rnd).integrity_flags(rnd, rows)
    return found


def _leaves(rnd: Round, rows) -> list[Flag]:
    return [Flag("page_leave", rnd.n, (number,), {"count": result.leave_count})
            for result, number in sorted(rows, key=lambda r: -r[0].leave_count)
            if result.leave_count > 0]
