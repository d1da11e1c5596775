"""Session pages: schedule and change a session, its page, my sessions, the calendar feed."""

import re

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.access import roles_required
from trainer.auth.forms import ConfirmForm
from trainer.auth.models import User
from trainer.confirmation import confirmed, refused
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.numbers import plain_int
from trainer.org.models import Department
from trainer.org.scope import in_scope
from trainer.plans import (
    attendance,
    calendar,
    conflicts,
    halves,
    materials,
    scheduling,
    services,
)
from trainer.plans import signin as qr_signin
from trainer.plans.audience import audience_json, audience_labels, is_in_audience
from trainer.plans.credit import credited_hours
from trainer.plans.forms import FeedbackForm, SessionForm
from trainer.plans.models import TrainingSession
from trainer.plans.queries import (
    can_edit_session,
    can_run_signin,
    personal_sessions,
    visible_sessions,
)
from trainer.plans.views.blueprint import bp
from trainer.unit_of_work import refusal_on


def _choices(form: SessionForm, plan) -> SessionForm:
    depts = db.session.scalars(sa.select(Department).where(Department.active)
                               .order_by(Department.id))
    form.department.choices = [(d.code, d.name) for d in depts]
    trainers = [t for t in db.session.scalars(
        sa.select(User).where(User.role == "trainer", User.active).order_by(User.name))
        if in_scope(t, plan.street)]
    form.lecturer.choices = [("", _("None"))] + [(t.username, t.name) for t in trainers]
    return form


def _split(text: str | None) -> list[str]:
    return [part for part in re.split(r"[\s,，、;；]+", text or "") if part]


def _input(form: SessionForm) -> scheduling.SessionInput:
    quizzes = [plain_int(q) for q in _split(form.quizzes.data)]
    if not all(q is not None and q > 0 for q in quizzes):
        raise Invalid(_("List quizzes by their numbers."), field="quizzes")
    codes = _split(form.audience_codes.data)
    kind = form.audience_kind.data
    return scheduling.SessionInput(
        title=form.title.data or "", kind=form.kind.data,
        starts_at=halves.local_to_aware(form.starts_at.data),
        ends_at=halves.local_to_aware(form.ends_at.data),
        department=form.department.data, place=form.place.data or "",
        online_url=form.online_url.data or "", hours=float(form.hours.data),
        capacity=form.capacity.data, lecturer=form.lecturer.data or None,
        lecturer_name=form.lecturer_name.data or "", half=int(form.half.data),
        audience={kind: codes[0] if kind == "street" and len(codes) == 1 else codes},
        courses=_split(form.courses.data), scenarios=_split(form.scenarios.data),
        quizzes=quizzes)


def _form_page(form, plan, session=None, status=200):
    return render_template("plans/session_form.html", form=form, plan=plan, session=session), \
        status


@bp.route("/plans/<int:plan_id>/sessions/new", methods=["GET", "POST"])
@roles_required("organiser", "trainer")
def new_session(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    half = request.args.get("half", "1") if request.args.get("half") in ("1", "2") else "1"
    form = _choices(SessionForm(half=half, audience_kind="street",
                                audience_codes=plan.street.code, hours=2), plan)
    if not form.validate_on_submit():
        return _form_page(form, plan, status=422 if request.method == "POST" else 200)
    with refusal_on(form, on_form=True) as refusal:
        session = scheduling.schedule_session(current_user, plan, _input(form))
        _flash_saved(session)
        return redirect(url_for("plans.session_detail", session_id=session.id))
    return _form_page(form, plan, status=refusal.status)


def _flash_saved(session: TrainingSession) -> None:
    clashes = conflicts.find_conflicts(session)
    flash(_("Session saved."), "ok")
    if clashes:
        flash(_("Warning: this session overlaps %(n)s other session(s) with the same lecturer "
                "or place.", n=len(clashes)), "error")


def _edit_data(s: TrainingSession) -> dict:
    local = halves.local_zone()
    audience = audience_json(s)
    codes = audience.get(s.audience_kind)
    return {"title": s.title, "kind": s.kind, "half": str(s.half),
            "starts_at": s.starts_at.astimezone(local).replace(tzinfo=None),
            "ends_at": s.ends_at.astimezone(local).replace(tzinfo=None), "place": s.place,
            "online_url": s.online_url, "department": s.department.code,
            "lecturer": s.lecturer.username if s.lecturer else "",
            "lecturer_name": s.lecturer_name, "hours": s.hours, "capacity": s.capacity,
            "audience_kind": s.audience_kind,
            "audience_codes": codes if isinstance(codes, str) else ", ".join(codes or []),
            "courses": ", ".join(s.courses), "scenarios": ", ".join(s.scenarios),
            "quizzes": ", ".join(str(q) for q in s.quizzes)}


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required("organiser", "trainer")
def edit_session(session_id: int):
    session = scheduling.get_session(current_user, session_id, visible_sessions)
    if not can_edit_session(current_user, session):
        abort(403)
    form = _choices(SessionForm(data=_edit_data(session)) if request.method == "GET"
                    else SessionForm(), session.plan)
    if not form.validate_on_submit():
        return _form_page(form, session.plan, session, 422 if request.method == "POST" else 200)
    with refusal_on(form, on_form=True) as refusal:
        scheduling.update_session(current_user, session, _input(form))
        _flash_saved(session)
        return redirect(url_for("plans.session_detail", session_id=session.id))
    return _form_page(form, session.plan, session, refusal.status)


@bp.post("/sessions/<int:session_id>/delete")
@roles_required("organiser", "trainer")
def delete_session(session_id: int):
    session = scheduling.get_session(current_user, session_id, visible_sessions)
    plan_id = session.plan_id
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirmed():
        refused(_("Tick the box to confirm deleting the session; nothing was changed."))
        return redirect(url_for("plans.session_detail", session_id=session_id))
    with refusal_on(None):  # a refusal is said on the session's page
        scheduling.delete_session(current_user, session)
        flash(_("Session deleted."), "ok")
        return redirect(url_for("plans.plan", plan_id=plan_id))
    return redirect(url_for("plans.session_detail", session_id=session_id))


@bp.route("/sessions/<int:session_id>")
@login_required
def session_detail(session_id: int):
    s = scheduling.get_session(current_user, session_id, visible_sessions)
    now = utcnow()
    mine = attendance.attendance_of(s.id, current_user.id)
    summary = attendance.feedback_summary([s.id]).get(s.id)
    return render_template(
        "plans/session.html", s=s, now=now, mine=mine,
        clashes=conflicts.conflicts_for(current_user, s),
        audience=audience_labels(s), summary=summary, feedback=FeedbackForm(formdata=None),
        materials=materials.links(s),
        may_edit=can_edit_session(current_user, s), may_run=can_run_signin(current_user, s),
        confirm=ConfirmForm(),
        may_see_feedback=current_user.role in ("organiser", "admin") or can_run_signin(
            current_user, s),
        feedback_open=mine is not None and mine.status == "present" and now >= s.ends_at,
        credited=credited_hours(s, mine.status if mine else None, now),
        signin_open=mine is None and qr_signin.is_open(s, now) and is_in_audience(
            s, current_user))


@bp.route("/my/sessions")
@login_required
def my_sessions():
    now = utcnow()
    base = personal_sessions(current_user)
    upcoming = db.session.scalars(base.where(TrainingSession.ends_at >= now)
                                  .order_by(TrainingSession.starts_at).limit(50)).all()
    past = db.paginate(base.where(TrainingSession.ends_at < now)
                       .order_by(TrainingSession.starts_at.desc()), per_page=20,
                       error_out=False)
    ids = [s.id for s in upcoming] + [s.id for s in past.items]
    return render_template("plans/my_sessions.html", upcoming=upcoming, past=past,
                           status=attendance.attendance_map(ids, current_user.id),
                           feed=calendar.active_feed(current_user), confirm=ConfirmForm(),
                           feed_url=None)


@bp.post("/calendar/feed")
@login_required
def create_feed():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    raw = calendar.create_feed(current_user)
    url = url_for("plans.feed", token=raw, _external=True)
    return render_template("plans/feed_created.html", feed_url=url, confirm=ConfirmForm())


@bp.post("/calendar/feed/revoke")
@login_required
def revoke_feed():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    calendar.revoke_feed(current_user)
    flash(_("The calendar link is revoked: calendars using it stop updating."), "ok")
    return redirect(url_for("plans.my_sessions"))


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    user = calendar.user_for_feed(token)
    if user is None:
        abort(404)
    text = calendar.feed_text(user, current_app.config["CALENDAR_UID_DOMAIN"], lambda s: url_for(
        "plans.session_detail", session_id=s.id, _external=True))
    return Response(text, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="sessions.ics"', "Cache-Control": "no-store"})
