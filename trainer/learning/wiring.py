"""How the learning domain plugs into the others (called by the factory): a passed module
quiz may complete its course (signal attempt_graded from quizzes)."""

from flask import Flask

from trainer import signals
from trainer.learning.services import refresh_completion


def complete_on_module_pass(attempt) -> None:
    """A passed module-quiz attempt may complete its course (hours credited once)."""
    if attempt.context == "module" and attempt.passed and attempt.quiz.course_id:
        refresh_completion(attempt.user, attempt.quiz.course_id)


def init_app(app: Flask) -> None:
    signals.attempt_graded.connect(complete_on_module_pass)
