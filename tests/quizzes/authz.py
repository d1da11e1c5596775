"""Authorization matrix entries for every route of the quizzes domain.

The objects: a public-security question, a published district quiz written by the trainer,
the worker's open attempt at it, and a clean import draft of the trainer's.
"""

from tests.authz_specs import expect
from tests.conftest import app_ctx

LOGGED_IN = expect(302, 200, 200, 200, 200)
STAFF_PAGE = expect(302, 403, 200, 200, 200)
AUTHOR_PAGE = expect(302, 403, 200, 403, 200)
AUTHOR_FORM = expect(302, 403, 422, 403, 422)  # an empty form: refused with the reasons
STAFF_FORM = expect(302, 403, 422, 422, 422)
OWNER_PAGE = expect(302, 200, 404, 404, 404)  # the worker's own attempt; others 404
OWNER_API = expect(401, 200, 404, 404, 404)
API_ANY = expect(401, 200, 200, 200, 200)


def _quiz(path):
    return lambda c: path.format(quiz=c["quiz_id"])


def _attempt(path):
    return lambda c: path.format(attempt=c["quiz_attempt"], question=c["quiz_question"])


def _question(path):
    return lambda c: path.format(question=c["quiz_question"])


SPECS = {
    ("GET", "/quizzes"): (lambda c: "/quizzes", LOGGED_IN),
    ("GET", "/quizzes/<int:quiz_id>"): (_quiz("/quizzes/{quiz}"), LOGGED_IN),
    ("POST", "/quizzes/<int:quiz_id>/start"): (_quiz("/quizzes/{quiz}/start"),
                                               expect(302, 302, 302, 302, 302)),
    ("GET", "/quizzes/new"): (lambda c: "/quizzes/new", STAFF_PAGE),
    ("POST", "/quizzes/new"): (lambda c: "/quizzes/new", STAFF_FORM),
    ("GET", "/quizzes/<int:quiz_id>/edit"): (_quiz("/quizzes/{quiz}/edit"), STAFF_PAGE),
    ("POST", "/quizzes/<int:quiz_id>/edit"): (_quiz("/quizzes/{quiz}/edit"), STAFF_FORM),
    ("GET", "/quizzes/<int:quiz_id>/results"): (_quiz("/quizzes/{quiz}/results"), STAFF_PAGE),
    ("GET", "/attempts/<int:attempt_id>"): (_attempt("/attempts/{attempt}"), OWNER_PAGE),
    # No answers and no "submit": the owner's answers are kept and the page shown again.
    ("POST", "/attempts/<int:attempt_id>"): (_attempt("/attempts/{attempt}"),
                                             expect(302, 302, 404, 404, 404)),
    # The page's autosave wants JSON {answer, seq}: the owner's form body lacks "answer".
    ("PUT", "/attempts/<int:attempt_id>/answers/<int:question_id>"): (
        _attempt("/attempts/{attempt}/answers/{question}"), expect(302, 422, 404, 404, 404)),
    # Not submitted yet: the owner is sent back to the attempt.
    ("GET", "/attempts/<int:attempt_id>/result"): (_attempt("/attempts/{attempt}/result"),
                                                   expect(302, 302, 404, 404, 404)),
    # Before submitting: the owner's summary; the confirmed submit grades and shows the result.
    ("GET", "/attempts/<int:attempt_id>/summary"): (_attempt("/attempts/{attempt}/summary"),
                                                    OWNER_PAGE),
    ("POST", "/attempts/<int:attempt_id>/submit"): (_attempt("/attempts/{attempt}/submit"),
                                                    expect(302, 302, 404, 404, 404)),
    ("GET", "/practice"): (lambda c: "/practice", LOGGED_IN),
    ("POST", "/practice"): (lambda c: "/practice", expect(302, 302, 302, 302, 302)),
    ("GET", "/practice/notebook"): (lambda c: "/practice/notebook", LOGGED_IN),
    # Offline practice: the pack (JSON) for anyone who may practise; the form body the
    # matrix sends is no practice (no client_id): 422 as JSON.
    ("GET", "/practice/offline-pack.json"): (lambda c: "/practice/offline-pack.json",
                                             LOGGED_IN),
    ("POST", "/practice/offline-answers"): (lambda c: "/practice/offline-answers",
                                            expect(302, 422, 422, 422, 422)),
    ("GET", "/bank"): (lambda c: "/bank", STAFF_PAGE),
    ("GET", "/bank/export"): (lambda c: "/bank/export?format=gift", STAFF_PAGE),
    ("GET", "/bank/new"): (lambda c: "/bank/new", AUTHOR_PAGE),
    ("POST", "/bank/new"): (lambda c: "/bank/new", AUTHOR_FORM),
    ("GET", "/bank/<int:question_id>"): (_question("/bank/{question}"), STAFF_PAGE),
    ("GET", "/bank/<int:question_id>/edit"): (_question("/bank/{question}/edit"), AUTHOR_PAGE),
    # Fields left out keep their current values (as the unit rename): a no-op edit.
    ("POST", "/bank/<int:question_id>/edit"): (_question("/bank/{question}/edit"),
                                               expect(302, 403, 302, 403, 302)),
    ("POST", "/bank/<int:question_id>/status"): (_question("/bank/{question}/status"),
                                                 expect(302, 403, 302, 403, 302)),
    ("GET", "/bank/import"): (lambda c: "/bank/import", AUTHOR_PAGE),
    ("POST", "/bank/import"): (lambda c: "/bank/import", AUTHOR_FORM),
    ("GET", "/bank/import-template.xlsx"): (lambda c: "/bank/import-template.xlsx",
                                            AUTHOR_PAGE),
    # The trainer's own draft: confirmed; the admin's is someone else's: 404.
    ("POST", "/bank/import/<token>"): (lambda c: f"/bank/import/{c['quiz_draft']}",
                                       expect(302, 403, 302, 403, 404)),
    ("GET", "/api/v1/quizzes"): (lambda c: "/api/v1/quizzes", API_ANY),
    # The worker has an open attempt (200, the same one); the others start theirs.
    ("POST", "/api/v1/quizzes/<int:quiz_id>/attempts"): (
        _quiz("/api/v1/quizzes/{quiz}/attempts"), expect(401, 200, 201, 201, 201)),
    ("GET", "/api/v1/attempts/<int:attempt_id>"): (_attempt("/api/v1/attempts/{attempt}"),
                                                   OWNER_API),
    ("PUT", "/api/v1/attempts/<int:attempt_id>/answers/<int:question_id>"): (
        _attempt("/api/v1/attempts/{attempt}/answers/{question}"),
        expect(401, 422, 404, 404, 404)),
    ("POST", "/api/v1/attempts/<int:attempt_id>/submit"): (
        _attempt("/api/v1/attempts/{attempt}/submit"), OWNER_API),
    ("GET", "/api/v1/me/mistakes"): (lambda c: "/api/v1/me/mistakes", API_ANY),
    ("GET", "/api/v1/me/practice"): (lambda c: "/api/v1/me/practice", API_ANY),
}

# A trainer limited to street S1 sees the district-wide question but may not edit or retire
# it (403); the import draft is the other trainer's (404).
STREET_TRAINER = {
    ("GET", "/bank/<int:question_id>/edit"): 403,
    ("POST", "/bank/<int:question_id>/edit"): 403,
    ("POST", "/bank/<int:question_id>/status"): 403,
    ("POST", "/bank/import/<token>"): 404,
}


def build(app, users) -> dict:
    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.org.services import department_by_code
    from trainer.quizzes import bank, imports, services
    from trainer.quizzes.authoring import set_quiz_questions
    from trainer.quizzes.items import QuestionData
    from trainer.quizzes.models import Quiz

    with app_ctx(app):
        dept = department_by_code("public-security")
        question = bank.create_question(QuestionData("truefalse", "矩阵测试题", truth=True),
                                        bank.ensure_bank("矩阵"), department_id=dept.id)
        trainer = db.session.get(User, users["trainer"])
        quiz = Quiz(title="矩阵测验", published=True, created_by_id=trainer.id,
                    department_id=dept.id)
        db.session.add(quiz)
        db.session.flush()
        set_quiz_questions(quiz, [question.id])
        attempt, _ = services.start_attempt(db.session.get(User, users["worker"]), quiz)
        draft = imports.create_draft(trainer, "m.gift", "矩阵导入{T}".encode(), "矩阵", dept.id)
        db.session.commit()
        return {"quiz_id": quiz.id, "quiz_question": question.id, "quiz_attempt": attempt.id,
                "quiz_draft": draft.token}
