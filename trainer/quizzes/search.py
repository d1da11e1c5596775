"""The quizzes domain's search source (registered from ``quizzes.wiring``): questions with
an explanation, found by their stem (the title) and explanation (the body).

An explanation gives the answer away, so the rule is strict. Staff see the questions of
their scope: admins all; organisers those of the district and of their street; trainers
those of their own department (or of none) in that same scope. A worker sees a question
only once it was in one of their own graded attempts whose review is open now
(``services.review_allowed``), and never while ``withheld.withheld_questions`` holds it
back (an open competition round, a quiz reviewed "never" or not yet closed, an attempt
still hidden); the link leads to that attempt's result page, where it is explained.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from trainer.extensions import db
from trainer.org.scope import is_district_wide, street_id_of
from trainer.quizzes.models import Attempt, Question
from trainer.quizzes.queries import STAFF
from trainer.quizzes.services import review_allowed
from trainer.quizzes.withheld import withheld_questions
from trainer.search.models import SearchDocument
from trainer.search.sources import Document, Source

TITLE_CHARS = 120


def _plain(html: str) -> str:
    return Markup(html or "").striptags()


def question_documents(ids: Sequence[int] | None) -> list[Document]:
    stmt = sa.select(Question).where(Question.explanation != "")
    if ids is not None:
        stmt = stmt.where(Question.id.in_(ids))
    docs = []
    for q in db.session.scalars(stmt):
        stem = _plain(q.stem_html) or q.stem
        # the stem, not ``title``: a question's title is a key of its file ("q06")
        title = stem if len(stem) <= TITLE_CHARS else stem[:TITLE_CHARS] + "…"
        docs.append(Document(
            ref_id=q.id, title=title,
            body=_plain(q.explanation_html) or q.explanation,
            endpoint="quizzes.question", url_args={"question_id": q.id},
            street_id=q.street_id, department_id=q.department_id, status=q.status))
    return docs


def reviewed_questions(user) -> dict[int, int]:
    """Question id -> the user's latest attempt whose open review explains it, less the
    questions whose answers are still withheld from the user."""
    attempts = db.session.scalars(
        sa.select(Attempt).where(Attempt.user_id == user.id, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.submitted_at, Attempt.id))
    found = {entry["id"]: attempt.id for attempt in attempts if review_allowed(attempt)
             for entry in attempt.questions}
    for question_id in withheld_questions(user.id) & found.keys():
        del found[question_id]
    return found


def _in_scope(user) -> sa.ColumnElement[bool]:
    if is_district_wide(user):
        return sa.true()
    return sa.or_(SearchDocument.street_id.is_(None),
                  SearchDocument.street_id == street_id_of(user))


def questions_visible(user) -> sa.ColumnElement[bool]:
    if user.role == "admin":
        return sa.true()
    if user.role == "organiser":
        return _in_scope(user)
    if user.role == "trainer":
        return sa.and_(_in_scope(user), sa.or_(SearchDocument.department_id.is_(None),
                                               SearchDocument.department_id == user.department_id))
    reviewed = list(reviewed_questions(user))
    return SearchDocument.ref_id.in_(reviewed) if reviewed else sa.false()


def question_links(user, docs: list) -> dict[int, str]:
    """Workers find the explanation on their attempt's result page (staff: the bank)."""
    if user.role in STAFF:
        return {}
    reviewed = reviewed_questions(user)
    return {doc.id: url_for("quizzes.result", attempt_id=reviewed[doc.ref_id])
            for doc in docs if doc.ref_id in reviewed}


QUESTIONS = Source(label=_l("Question explanation"), documents=question_documents,
                   visible=questions_visible, links=question_links, order=30)
