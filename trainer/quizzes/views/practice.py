"""Daily practice, the wrong-answer notebook and mastery per tag."""

import sqlalchemy as sa
from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.errors import Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department
from trainer.org.scope import competency_label
from trainer.quizzes import offline, practice, queries, spaced
from trainer.quizzes.forms import PracticeForm
from trainer.quizzes.items import COMPETENCIES
from trainer.quizzes.models import Attempt
from trainer.quizzes.views.blueprint import bp
from trainer.quizzes.views.common import grade_overdue_first
from trainer.unit_of_work import answers_json, refusal_redirects


def topic_choices() -> list[tuple[str, str]]:
    departments = db.session.scalars(sa.select(Department).where(Department.active.is_(True))
                                     .order_by(Department.id))
    return ([("daily", _("Today’s practice: due reviews, weak competencies, my department")),
             ("", _("A mix of everything")), ("notebook", _("My wrong-answer notebook"))]
            + [(f"dept:{d.code}", _("Department: %(name)s", name=d.name)) for d in departments]
            + [(f"comp:{c}", _("Competency: %(name)s", name=competency_label(c)))
               for c in COMPETENCIES])


def practice_form() -> PracticeForm:
    form = PracticeForm()
    form.topic.choices = topic_choices()
    return form


def topic_filters(topic: str) -> tuple[str, dict]:
    """The practice label and the start_practice filters for a topic choice."""
    labels = dict(topic_choices())
    label = _("Practice: %(topic)s", topic=labels.get(topic, labels[""]))
    if topic == "notebook":
        return label, {"from_notebook": True}
    if topic == "daily":
        return _("Today’s practice"), {"daily": True}
    kind, _sep, code = topic.partition(":")
    if kind == "dept":
        dept = db.session.scalar(sa.select(Department).where(Department.code == code))
        return label, {"department_id": dept.id if dept else -1}
    if kind == "comp" and code in COMPETENCIES:
        return label, {"competency": code}
    return label, {}


@bp.route("/practice", endpoint="practice")
@login_required
def practice_home():
    grade_overdue_first()
    recent = db.session.scalars(queries.my_attempts(current_user.id)
                                .where(Attempt.context == "practice").limit(5)).all()
    in_notebook = db.session.scalar(sa.select(sa.func.count()).select_from(
        queries.notebook(current_user.id).subquery()))
    return render_template("quizzes/practice.html", form=practice_form(), recent=recent,
                           mastery=practice.mastery(current_user.id), in_notebook=in_notebook,
                           summary=spaced.practice_summary(current_user),
                           goal=practice.PRACTICE_SIZE)


@bp.post("/practice")
@login_required
@refusal_redirects(".practice", only=Invalid)  # nothing to practise for this choice
def start_practice():
    grade_overdue_first()
    form = practice_form()
    form.validate_on_submit()
    label, filters = topic_filters(form.topic.data or "")
    attempt = practice.start_practice(current_user, label,
                                      instant=form.feedback.data == "each", **filters)
    return redirect(url_for(".attempt", attempt_id=attempt.id))


@bp.route("/practice/notebook")
@login_required
def notebook():
    grade_overdue_first()
    # ten a page: each entry carries its options and explanation (the 60 KB page budget)
    page = db.paginate(queries.notebook(current_user.id), per_page=10, error_out=False)
    return render_template("quizzes/notebook.html", page=page, form=practice_form(),
                           items=spaced.notebook_items(current_user.id, list(page.items)),
                           dues={m.question_id: m.due for m in page.items},
                           due=spaced.due_today(current_user.id), now=utcnow())


@bp.route("/practice/offline-pack.json")
@login_required
def offline_pack():
    """The questions this phone keeps to practise offline (offline-practice.js), with
    their keys: only questions nothing withholds (quizzes/offline.py). Never stored by a
    shared cache."""
    response = jsonify(offline.pack(current_user))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/practice/offline-answers")
@login_required
@answers_json
def offline_answers():
    """A practice answered offline, sent once the connection returns (pwa.js; cookie
    session + CSRF header): recorded and graded once per client id."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    return jsonify(offline.record(current_user, body.get("client_id"), body.get("answers")))
