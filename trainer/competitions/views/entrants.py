"""Competition pages for everyone: the list, a competition, entering, playing a round,
its review after it closes, and appeals. Organiser, judge and standings pages live in
manage.py, judge.py and board.py (routes on the same blueprint)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.forms import ConfirmForm
from trainer.competitions import appeals, pages, rounds
from trainer.competitions.forms import AppealForm
from trainer.competitions.kinds.registry import kind_of
from trainer.competitions.queries import get_competition, get_round
from trainer.competitions.services import enter as enter_service
from trainer.competitions.views.blueprint import bp
from trainer.security import client_address
from trainer.unit_of_work import refusal_redirects


def _round(comp_id: int, n: int):
    comp = get_competition(current_user, comp_id)
    return comp, get_round(comp, n)


@bp.route("/competitions")
@login_required
def index():
    return render_template("competitions/index.html", items=pages.index_items(current_user))


@bp.route("/competitions/<int:comp_id>")
@login_required
def detail(comp_id: int):
    comp = get_competition(current_user, comp_id)
    return render_template("competitions/detail.html", form=ConfirmForm(),
                           appeal_form=AppealForm(), **pages.detail(current_user, comp))


@bp.post("/competitions/<int:comp_id>/enter")
@login_required
@refusal_redirects(".detail", "comp_id")
def enter(comp_id: int):
    comp = get_competition(current_user, comp_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    enter_service(current_user, comp)
    flash(_("You have entered the competition."), "ok")
    return redirect(url_for(".detail", comp_id=comp.id))


@bp.post("/competitions/<int:comp_id>/rounds/<int:n>/start")
@login_required
@refusal_redirects(".detail", "comp_id")
def start(comp_id: int, n: int):
    comp, rnd = _round(comp_id, n)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    rounds.start_round(current_user, comp, rnd, client_address())
    return redirect(url_for(".play", comp_id=comp.id, n=n))


@bp.route("/competitions/<int:comp_id>/rounds/<int:n>/play")
@login_required
def play(comp_id: int, n: int):
    comp, rnd = _round(comp_id, n)
    attempt_or_run = rounds.played(rounds.my_result(current_user, comp, rnd))
    return kind_of(rnd).play_page(comp, rnd, attempt_or_run, ConfirmForm())


@bp.post("/competitions/<int:comp_id>/rounds/<int:n>/answers")
@login_required
def answers(comp_id: int, n: int):
    comp, rnd = _round(comp_id, n)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    # the page's button "review" saves and asks first (the round's one and only submit);
    # the confirmation page sends "submit"
    submit = action == "submit"
    outcome = rounds.save_answers(current_user, comp, rnd, request.form, submit)
    if action == "review" and not outcome["problems"] and not outcome["late"]:
        return redirect(url_for(".confirm", comp_id=comp.id, n=n))
    kind, _sep, number = (action or "").partition(":")
    if kind == "flag" and number.isdigit() and outcome["result"] is None \
            and not outcome["late"]:
        # the navigator's flag, as a plain form button (quiz.js posts it in the background)
        rounds.toggle_flag(current_user, comp, rnd, int(number))
        return redirect(url_for(".play", comp_id=comp.id, n=n, _anchor=f"q{number}"))
    if outcome["late"]:
        flash(_("Time was up: the answers saved before the deadline were graded."), "error")
    elif outcome["result"] is not None:
        flash(_("Submitted. Your result counts in the standings; the review opens when the "
                "round closes."), "ok")
    if outcome["result"] is not None:
        return redirect(url_for(".detail", comp_id=comp.id))
    for message in outcome["problems"].values():
        flash(message, "error")
    if not outcome["problems"]:
        flash(_("Your answers are saved."), "ok")
    return redirect(url_for(".play", comp_id=comp.id, n=n))


@bp.route("/competitions/<int:comp_id>/rounds/<int:n>/confirm")
@login_required
def confirm(comp_id: int, n: int):
    """Before a round's one and only submit: what is unanswered, and a confirmation."""
    comp, rnd = _round(comp_id, n)
    played = rounds.played(rounds.my_result(current_user, comp, rnd))
    page = getattr(kind_of(rnd), "confirm_page", None)
    if page is None:
        return redirect(url_for(".play", comp_id=comp.id, n=n))
    return page(comp, rnd, played, ConfirmForm())


@bp.post("/competitions/<int:comp_id>/rounds/<int:n>/choose")
@login_required
@refusal_redirects(".play", "comp_id", "n")
def choose(comp_id: int, n: int):
    comp, rnd = _round(comp_id, n)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    rounds.take_choice(current_user, comp, rnd, request.form.get("choice", "")[:80])
    return redirect(url_for(".play", comp_id=comp.id, n=n))


@bp.post("/competitions/<int:comp_id>/rounds/<int:n>/leave")
@login_required
def leave(comp_id: int, n: int):
    comp, rnd = _round(comp_id, n)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return {"count": rounds.note_page_leave(current_user, comp, rnd)}


@bp.route("/competitions/<int:comp_id>/rounds/<int:n>/review")
@login_required
def review(comp_id: int, n: int):
    comp, rnd = _round(comp_id, n)
    attempt_or_run = rounds.played(rounds.my_result(current_user, comp, rnd))
    return kind_of(rnd).review_page(comp, rnd, attempt_or_run)


@bp.post("/competitions/<int:comp_id>/rounds/<int:n>/appeal")
@login_required
@refusal_redirects(".detail", "comp_id")
def appeal(comp_id: int, n: int):
    comp, rnd = _round(comp_id, n)
    form = AppealForm()
    if not form.validate_on_submit():
        flash(_("Say what the appeal is about (at most 2000 characters)."), "error")
        return redirect(url_for(".detail", comp_id=comp.id))
    appeals.file_appeal(current_user, comp, rnd, form.text.data)
    flash(_("Your appeal has been sent to the organisers."), "ok")
    return redirect(url_for(".detail", comp_id=comp.id))
