"""Results as .xlsx: per entrant rank, name, community, street, each round's percent,
total, time and honour. Every text cell is neutralised (no cell starts a formula)."""

from io import BytesIO

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from trainer.competitions import board
from trainer.competitions.models import Competition, Entry, RoundResult
from trainer.competitions.records_models import Honour
from trainer.extensions import db

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet shows as text, never runs (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


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
    book = Workbook()
    sheet = book.active
    sheet.title = _("Results")[:31]
    sheet.append([neutralise(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # stored as text, never as a formula
    out = BytesIO()
    book.save(out)
    return out.getvalue()
