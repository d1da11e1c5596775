"""QR sign-in: the trainer's screen, the worker's check-in page, roll call and feedback."""

from datetime import datetime

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.access import roles_required
from trainer.auth.models import User
from trainer.errors import DomainError, Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.numbers import plain_int
from trainer.org.naming import distinguish
from trainer.plans import attendance, scheduling
from trainer.plans import signin as qr_signin
from trainer.plans.audience import is_in_audience, members_query
from trainer.plans.forms import (
    CheckinForm,
    FeedbackForm,
    MarkForm,
    RollCallForm,
    TypedCodeForm,
)
from trainer.plans.models import ATTENDANCE_STATUSES, TrainingSession
from trainer.plans.qr import qr_svg
from trainer.plans.queries import can_run_signin, visible_sessions
from trainer.plans.views.blueprint import bp
from trainer.security import client_address
from trainer.unit_of_work import refusal_kept, refusal_on


def _runnable(session_id: int) -> TrainingSession:
    session = scheduling.get_session(current_user, session_id, visible_sessions)
    if not can_run_signin(current_user, session):
        abort(403)
    return session


def _code_info(session: TrainingSession, now: datetime) -> dict | None:
    """What the sign-in screen shows now, or None outside the sign-in window."""
    if not qr_signin.is_open(session, now):
        return None
    code = qr_signin.current_code(session, now)
    url = url_for("plans.checkin", session_id=session.id, code=code.code, _external=True)
    return {"code": code.code, "digits": code.digits, "url": url,
            "svg": qr_svg(url, _("Sign-in QR code")),
            "rotates_at": code.rotates_at.isoformat(), "expires_at": code.expires_at.isoformat(),
            "refresh": max(1, int((code.rotates_at - now).total_seconds()) + 1)}


@bp.route("/sessions/<int:session_id>/signin")
@roles_required("organiser", "trainer")
def signin(session_id: int):
    session, now = _runnable(session_id), utcnow()
    opens, closes = qr_signin.window(session)
    present = attendance.present_counts([session.id]).get(session.id, 0)
    return render_template("plans/signin.html", s=session, info=_code_info(session, now),
                           opens=opens, closes=closes, present=present)


@bp.route("/sessions/<int:session_id>/signin/code")
@roles_required("organiser", "trainer")
def signin_code(session_id: int):
    session, now = _runnable(session_id), utcnow()
    info = _code_info(session, now)
    present = attendance.present_counts([session.id]).get(session.id, 0)
    if info is None:
        return jsonify(open=False, present=present)
    return jsonify(open=True, present=present, **info)


PENDING_COOKIE = "gt_checkin"


def _keep_pending(resp, session: TrainingSession, token: str):
    """The pending sign-in lives in this browser only, sent to this check-in path only."""
    resp.set_cookie(PENDING_COOKIE, token, max_age=int(qr_signin.PENDING_MAX_AGE.total_seconds()),
                    path=url_for("plans.checkin", session_id=session.id), httponly=True,
                    secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax")
    return resp


def _drop_pending(resp, session: TrainingSession):
    resp.delete_cookie(PENDING_COOKIE, path=url_for("plans.checkin", session_id=session.id),
                       httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"],
                       samesite="Lax")
    return resp


def _checkin_page(session, error: DomainError | None = None):
    mine, show = None, False
    if current_user.is_authenticated:
        mine = attendance.attendance_of(session.id, current_user.id)
        show = is_in_audience(session, current_user)
    page = render_template("plans/checkin.html", s=session, error=error, mine=mine,
                           form=CheckinForm(formdata=None), show_details=show)
    return make_response(page, error.status if error else 200)


def _pending_token() -> str:
    return request.cookies.get(PENDING_COOKIE, "")[:500]


@bp.route("/sessions/<int:session_id>/checkin")
def checkin(session_id: int):
    session = db.get_or_404(TrainingSession, session_id)
    code, token = request.args.get("code", "")[:100], _pending_token()
    user = current_user if current_user.is_authenticated else None
    with refusal_kept() as refusal:  # a refusal is said on the check-in page itself
        if user is not None and qr_signin.is_present(session, user):
            return _drop_pending(_checkin_page(session), session)
        if code:
            token = qr_signin.start_pending(session, code, user)
        if user is None:
            if not token:
                raise qr_signin.no_pending()
            target = url_for("plans.checkin", session_id=session.id)
            return _keep_pending(redirect(url_for("auth.login", next=target)), session, token)
        token = qr_signin.claim_pending(session, user, token)
        return _keep_pending(_checkin_page(session), session, token)
    return _drop_pending(_checkin_page(session, refusal.error), session)


@bp.post("/sessions/<int:session_id>/checkin")
@login_required
def confirm_checkin(session_id: int):
    session = db.get_or_404(TrainingSession, session_id)
    with refusal_kept() as refusal:  # rolled back, then said on the check-in page
        qr_signin.check_audience(session, current_user)
        if not CheckinForm().validate_on_submit():
            raise qr_signin.no_pending()
        qr_signin.check_in_pending(session, current_user, _pending_token())
        flash(_("You are signed in. Welcome!"), "ok")
        return _drop_pending(redirect(url_for("plans.session_detail", session_id=session.id)),
                             session)
    return _drop_pending(_checkin_page(session, refusal.error), session)


@bp.route("/sessions/<int:session_id>/code", methods=["GET", "POST"])
@login_required
def typed_code(session_id: int):
    """The short page for typing the six digits shown under the QR code."""
    session = scheduling.get_session(current_user, session_id, visible_sessions)
    qr_signin.check_audience(session, current_user)  # 403 for anyone not in its audience
    form = TypedCodeForm()
    error, now = None, utcnow()
    if request.method == "POST":
        if not form.validate_on_submit():
            error = _("Type the six digits shown under the QR code.")
        else:
            try:
                qr_signin.check_in_typed(session, current_user, form.code.data,
                                         client_address(), now)
            except DomainError as exc:  # answered, not raised: the failure count is kept
                page = render_template("plans/typed_code.html", s=session, form=form,
                                       error=exc.message, open=qr_signin.is_open(session, now))
                return page, exc.status
            flash(_("You are signed in. Welcome!"), "ok")
            return redirect(url_for("plans.session_detail", session_id=session.id))
    mine = attendance.attendance_of(session.id, current_user.id)
    if mine is not None and mine.status == "present":
        return redirect(url_for("plans.session_detail", session_id=session.id))
    page = render_template("plans/typed_code.html", s=session, form=form, error=error,
                           open=qr_signin.is_open(session, now))
    return page, 422 if error else 200


@bp.route("/sessions/<int:session_id>/rollcall", methods=["GET", "POST"])
@roles_required("organiser", "trainer")
def rollcall(session_id: int):
    session = _runnable(session_id)
    if request.method == "POST":
        return _mark(session)
    page = db.paginate(members_query(session), per_page=30, error_out=False)
    status = attendance.attendance_map_for([u.id for u in page.items], session.id)
    changes = db.session.scalars(attendance.changes_query(session).limit(30)).all()
    present = attendance.present_counts([session.id]).get(session.id, 0)
    tags = distinguish((u.id, u.name, u.unit.name if u.unit else "") for u in page.items)
    return render_template("plans/rollcall.html", s=session, page=page, status=status,
                           changes=changes, form=MarkForm(formdata=None), present=present,
                           rollcall_form=RollCallForm(formdata=None), tags=tags)


def _mark(session: TrainingSession):
    """Save the roll call: each row its own choice, or the bulk button's status for the
    rows left unmarked; rows left unmarked without a bulk button stay as they were."""
    form = RollCallForm()
    with refusal_on(None):  # a refusal is flashed above the roll call (nothing is saved)
        raw_ids = request.form.getlist("user_id")[:200] if form.validate_on_submit() else []
        if not raw_ids:
            raise Invalid(_("Choose a person and an attendance status."), field="status")
        bulk = request.form.get("bulk", "")
        if bulk and bulk not in ATTENDANCE_STATUSES:
            raise Invalid(_("Unknown attendance status."), field="status")
        single = request.form.get("status", "") if len(raw_ids) == 1 else ""
        marked = []
        for raw in raw_ids:
            user_id = plain_int(raw)
            if user_id is None or user_id <= 0:
                raise Invalid(_("Choose a person and an attendance status."), field="status")
            choice = request.form.get(f"status-{user_id}", "") or single or bulk
            if not choice:
                continue
            person = db.session.get(User, user_id)
            attendance.mark_attendance(session, person, choice, current_user)
            marked.append(person)
        if not marked:
            flash(_("Nothing was marked: every row was left unmarked."), "error")
        elif len(marked) == 1:
            flash(_("Attendance of %(name)s saved.", name=marked[0].name), "ok")
        else:
            flash(_("Attendance of %(n)s people saved.", n=len(marked)), "ok")
    page = request.args.get("page", type=int)
    return redirect(url_for("plans.rollcall", session_id=session.id, page=page))


@bp.post("/sessions/<int:session_id>/feedback")
@login_required
def feedback(session_id: int):
    session = scheduling.get_session(current_user, session_id, visible_sessions)
    form = FeedbackForm()
    with refusal_on(None):  # a refusal is flashed on the session's page
        if not form.validate_on_submit():
            raise Invalid(_("Choose a rating from 1 to 5."), field="rating")
        attendance.give_feedback(session, current_user, int(form.rating.data),
                                 form.comment.data)
        flash(_("Thank you for your feedback."), "ok")
    return redirect(url_for("plans.session_detail", session_id=session.id))
