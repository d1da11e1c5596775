"""The attempt page's plain form, which works without JavaScript: every answer at once.
The one parser of such forms: quiz attempts and competition quiz rounds both use it.

An unchecked box or radio and an untouched page send nothing, so an empty or absent
field cannot by itself mean "clear this answer": a page shown before an answer was saved
from another tab or device would wipe it. So each question of the page carries a hidden
marker ``q<id>-seen`` holding when its stored answer was saved as the page showed it
(empty: no answer yet); the page's script moves it on after each autosave. A question
whose field comes back empty is cleared only while its marker still matches the stored
answer, that is when nothing was saved since the page showed it. Without a marker (an old
page, another client) an empty field leaves the saved answer alone.
"""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.models import Attempt, AttemptAnswer
from trainer.quizzes.review import navigator, public_question, saved_answers


def seen_marker(row: AttemptAnswer | None) -> str:
    """The marker value for a stored answer (its save time), "" when there is none."""
    return row.saved_at.isoformat() if row is not None else ""


def seen_markers(attempt: Attempt) -> dict[int, str]:
    """The marker of each stored answer of ``attempt``, by question id."""
    from trainer.quizzes.review import saved_answers

    return {qid: seen_marker(row) for qid, row in saved_answers(attempt).items()}


def form_answers(attempt: Attempt, form) -> tuple[dict[int, object], dict[int, str]]:
    """The answers the form gives, and for each question left empty the marker it came
    with (those are the candidates for clearing)."""
    answers, empty = {}, {}
    for entry in attempt.questions:
        name, kind = f"q{entry['id']}", entry["data"]["type"]
        value = form.getlist(name) if kind == "multiple" else form.get(name, "").strip()
        if kind == "truefalse" and value in ("true", "false"):
            value = value == "true"
        if value not in ("", []):
            answers[entry["id"]] = value
        elif f"{name}-seen" in form:
            empty[entry["id"]] = form.get(f"{name}-seen", "")
    return answers, empty


def clear_unchanged(attempt: Attempt, empty: dict[int, str]) -> list[int]:
    """Clear the answers left empty whose marker matches the stored answer (the caller
    has checked that the attempt takes saves); the ids cleared."""
    if not empty:
        return []
    db.session.execute(sa.select(Attempt.id).where(Attempt.id == attempt.id)
                       .with_for_update())  # as every save does: saves queue behind it
    rows = db.session.execute(
        sa.select(AttemptAnswer.id, AttemptAnswer.question_id, AttemptAnswer.answer,
                  AttemptAnswer.saved_at)
        .where(AttemptAnswer.attempt_id == attempt.id,
               AttemptAnswer.question_id.in_(list(empty)))).all()
    cleared = [row for row in rows
               if row.answer is not None and seen_marker(row) == empty[row.question_id]]
    if cleared:
        db.session.execute(sa.update(AttemptAnswer)
                           .where(AttemptAnswer.id.in_([row.id for row in cleared]))
                           .values(answer=None, saved_at=utcnow()))
    return [row.question_id for row in cleared]


def page_context(attempt: Attempt) -> dict:
    """What an attempt's page shows of it (the quiz page and a competition round's play
    page alike): the questions without keys, the saved answers with their seqs and
    markers, and the navigator (answered, unanswered, flagged) with the answered count."""
    rows = saved_answers(attempt)
    nav = navigator(attempt, rows)
    return {"questions": [public_question(entry) for entry in attempt.questions],
            "saved": {qid: row.answer for qid, row in rows.items()},
            "seqs": {qid: row.seq for qid, row in rows.items()},
            "seen": {qid: seen_marker(row) for qid, row in rows.items()},
            "nav": nav, "answered": sum(1 for item in nav if item["answered"])}
