"""Judges' pages: the entrants of a judged round by number, and a phone-friendly score sheet."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.access import staff_required
from trainer.competitions import judging
from trainer.competitions.forms import ScoreForm
from trainer.competitions.models import Entry
from trainer.competitions.queries import get_competition, get_round
from trainer.competitions.views.blueprint import bp
from trainer.competitions.views.common import page_arg
from trainer.extensions import db
from trainer.numbers import plain_decimal  # the one rule for typed numbers
from trainer.unit_of_work import refusal_on


def _judged(comp_id: int, n: int):
    comp = get_competition(current_user, comp_id)
    rnd = get_round(comp, n)
    judging.require_judge(current_user, rnd)
    return comp, rnd


@bp.route("/competitions/<int:comp_id>/rounds/<int:n>/judge")
@staff_required
def judge_list(comp_id: int, n: int):
    comp, rnd = _judged(comp_id, n)
    stmt = sa.select(Entry).where(Entry.competition_id == comp.id).order_by(Entry.number)
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    return render_template("competitions/judge_list.html", comp=comp, rnd=rnd, page=page,
                           sheets=judging.my_sheets(current_user, rnd))


def _points(rnd) -> dict:
    """The sheet's fields c0, c1… as {criterion: number}; a blank or bad field stays text
    so that the check names it."""

    points = {}
    for i, criterion in enumerate(rnd.criteria):
        raw = request.form.get(f"c{i}", "").strip()
        number = plain_decimal(raw)
        points[criterion["name"]] = float(number) if number is not None else (raw or None)
    return points


@bp.route("/competitions/<int:comp_id>/rounds/<int:n>/judge/<int:number>",
          methods=["GET", "POST"])
@staff_required
def score_sheet(comp_id: int, n: int, number: int):
    comp, rnd = _judged(comp_id, n)
    entry = judging.entry_by_number(comp, number)
    form = ScoreForm()
    conflict = judging.conflict_reason(current_user, rnd, entry)
    if request.method == "POST" and form.validate_on_submit():
        with refusal_on(form):
            judging.score_entry(current_user, rnd, entry, _points(rnd), form.reason.data or "")
            flash(_("Score saved for entrant %(n)s.", n=entry.number), "ok")
            return redirect(url_for(".judge_list", comp_id=comp.id, n=rnd.n))
    sheet = judging.sheet_of(current_user, rnd, entry)
    status = 422 if request.method == "POST" else (403 if conflict else 200)
    return render_template("competitions/score_sheet.html", comp=comp, rnd=rnd, entry=entry,
                           sheet=sheet, form=form, conflict=conflict,
                           posted=request.form if request.method == "POST" else None), status
