"""What a client may see of an attempt: the questions without any key before grading,
and after grading the result with the review its policy allows."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.quizzes.grading import correct_answer, grade, normalise_text
from trainer.quizzes.items import QuestionData, from_dict
from trainer.quizzes.models import Attempt, AttemptAnswer
from trainer.quizzes.withheld import withheld_questions

CHOICE = ("single", "multiple")


def public_question(entry: dict) -> dict:
    """A snapshot entry as the taker sees it: no weights, keys, feedback or explanation."""
    data = entry["data"]
    options = []
    if data["type"] in CHOICE:
        options = [{"key": option["key"], "html": html}
                   for option, html in zip(data["options"], entry["options_html"], strict=False)]
    return {"id": entry["id"], "type": data["type"], "html": entry["html"],
            "options": options, "points": entry["points"]}


def saved_answers(attempt: Attempt) -> dict[int, AttemptAnswer]:
    return {row.question_id: row for row in db.session.scalars(
        sa.select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        .execution_options(populate_existing=True))}


def attempt_json(attempt: Attempt, *, fresh: bool = False) -> dict:
    """The attempt as started or resumed: questions and the answers saved so far.
    ``fresh``: created by this transaction, so nothing is saved yet (spares the read)."""
    rows = {} if fresh else saved_answers(attempt)
    return {
        "attempt_id": attempt.id,
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "submitted": attempt.submitted_at is not None,
        "questions": [public_question(entry) for entry in attempt.questions],
        "answers": [{"question_id": qid, "answer": row.answer, "seq": row.seq}
                    for qid, row in rows.items() if row.answer is not None],
    }


def result_json(attempt: Attempt, *, reveal: bool) -> dict:
    """Score, and (when ``reveal``) the review. A competition attempt says only
    score, max_score and percent unless its review is open."""
    body = {"attempt_id": attempt.id, "score": attempt.score, "max_score": attempt.max_score,
            "percent": attempt.percent,
            "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None}
    if attempt.context != "competition":
        body["passed"] = bool(attempt.passed)
        body["review"] = review_items(attempt) if reveal else []
    elif reveal:
        body["review"] = review_items(attempt)
    return body


def review_items(attempt: Attempt) -> list[dict]:
    """Per question: the taker's answer, the right one, credit, explanation, feedback."""
    rows = saved_answers(attempt)
    items = []
    # practice reviews at once; a question withheld since it was drawn shows no key
    hidden = withheld_questions(attempt.user_id) if attempt.context == "practice" else set()
    for entry in attempt.questions:
        data = from_dict(entry["data"])
        row = rows.get(entry["id"])
        answer = row.answer if row is not None else None
        credit = row.credit if row is not None and row.credit is not None else grade(data, answer)
        right = correct_answer(data)
        items.append({
            **public_question(entry),
            "options": [{"key": option.key, "html": html,
                         "correct": _option_right(data, option.key, right)}
                        for option, html in zip(data.options, entry["options_html"],
                                                strict=False)],
            "question_id": entry["id"], "answer": answer, "correct_answer": right,
            "credit": round(credit, 4), "score": round(credit * entry["points"], 2),
            "correct": credit >= 1, "unanswered": answer is None or answer == [],
            "explanation": entry["explanation_html"],
            "feedback": feedback_for(data, answer),
        })
        if entry["id"] in hidden:
            items[-1].update(correct_answer=None, explanation=None, feedback=None,
                             withheld=True, options=[{**o, "correct": None}
                                                     for o in items[-1]["options"]])
    return items


def _option_right(data: QuestionData, key: str, right) -> bool:
    return key in right if isinstance(right, list) else key == right


def join_sentences(parts) -> str:
    """Several feedback texts as one: each said once, a sentence that ends in its own
    punctuation followed directly by the next (「对。」+「对。」 is 「对。」, never 「对。；对。」),
    a phrase without one closed by 「；」."""
    said: list[str] = []
    for part in parts:
        part = (part or "").strip()
        if part and part not in said:
            said.append(part)
    text = ""
    for part in said:
        if text and text[-1] not in "。！？!?.；;…":
            text += "；"
        text += part
    return text


def feedback_for(data: QuestionData, answer) -> str:
    """The author's feedback on the given answer (plain text), if any."""
    if answer is None:
        return ""
    if data.type in CHOICE:
        chosen = answer if isinstance(answer, list) else [answer]
        return join_sentences(o.feedback for o in data.options if o.key in chosen)
    if data.type == "truefalse":
        return data.feedback_true if answer else data.feedback_false
    if data.type == "short" and isinstance(answer, str):
        given = normalise_text(answer)
        for text, feedback in zip(data.accepted, data.accepted_feedback, strict=False):
            if normalise_text(text) == given:
                return feedback
    if data.type == "numerical" and isinstance(answer, int | float):
        matched = [item for item in data.numeric if abs(answer - item.value) <= item.tolerance]
        return next((item.feedback for item in matched if item.feedback),
                    "" if matched else data.feedback_other)
    return ""


def navigator(attempt: Attempt, rows: dict[int, AttemptAnswer] | None = None) -> list[dict]:
    """Each question's number and state for the navigator and the summary before
    submitting: answered or not, and flagged for review."""
    rows = saved_answers(attempt) if rows is None else rows
    flagged = set(attempt.flagged or [])
    return [{"n": n, "id": entry["id"],
             "answered": entry["id"] in rows and rows[entry["id"]].answer not in (None, []),
             "flagged": entry["id"] in flagged}
            for n, entry in enumerate(attempt.questions, start=1)]


def toggle_flag(attempt: Attempt, question_id: int) -> bool:
    """Flag or unflag a question of the attempt for review; returns the new state."""
    if all(entry["id"] != question_id for entry in attempt.questions):
        return False
    flagged = list(attempt.flagged or [])
    if question_id in flagged:
        flagged.remove(question_id)
    else:
        flagged.append(question_id)
    attempt.flagged = flagged
    db.session.flush()
    return question_id in flagged
