"""Results as .xlsx: per entrant rank, name, community, street, each round's percent,
total, time and honour. Every text is a text cell, never a formula (spreadsheets.py)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.competitions.models import Competition, Entry, Honour, RoundResult
from trainer.competitions.standings import board
from trainer.extensions import db
from trainer.spreadsheets import workbook_bytes


def result_rows(comp: Competition) -> tuple[list[str], list[list]]:
    header = [_("Rank"), _("Entrant number"), _("Name"), _("Community"), _("Street")]
    header += [f"{r.n}. {r.title} (%)" for r in comp.rounds]
    header += [_("Total"), _("Time (seconds)"), _("Honour")]
    entries = {e.id: e for e in db.session.scalars(
        sa.select(Entry).where(Entry.competition_id == comp.id))}
    percents: dict[int, dict[int, float | None]] = {}
    for result in db.session.scalars(sa.select(RoundResult).join(
            Entry, Entry.id == RoundResult.entry_id).where(Entry.competition_id == comp.id)):
        percents.setdefault(result.entry_id, {})[result.round_id] = result.counted_percent
    honours: dict[int, list[str]] = {}
    for entry_id, title in db.session.execute(sa.select(Honour.entry_id, Honour.title).where(
            Honour.competition_id == comp.id, Honour.entry_id.is_not(None))):
        honours.setdefault(entry_id, []).append(title)
    rows = []
    for rank, entry_id, _key in board.full_ranking(comp.id):
        entry = entries[entry_id]
        mine = percents.get(entry_id, {})
        row = [rank, entry.number, entry.user.name,
               entry.community.name if entry.community else "",
               entry.street.name if entry.street else ""]
        row += [_round(mine.get(r.id)) for r in comp.rounds]
        row += [entry.total_centi / 100, entry.seconds, "、".join(honours.get(entry_id, []))]
        rows.append(row)
    return header, rows


def _round(value):
    return None if value is None else round(value, 2)


def results_workbook(comp: Competition) -> bytes:
    header, rows = result_rows(comp)
    return workbook_bytes([(_("Results"), header, rows)])
