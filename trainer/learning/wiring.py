"""How the learning domain plugs into the others (called by the factory):

- a passed module quiz may complete its course (signal attempt_graded from quizzes);
- a worker sees a module quiz only with its course (quizzes.course_scopes);
- the catalogue and course pages show completions, so overdue attempts are graded before
  they render (quizzes.graded_first);
- courses and lessons are searchable (search.sources "courses" and "lessons").
"""

import sqlalchemy as sa
from flask import Flask

from trainer import signals
from trainer.auth.erasers import erasers
from trainer.learning import erasure, home, search
from trainer.learning.models import Course
from trainer.learning.queries import visible_courses
from trainer.learning.services import refresh_completion
from trainer.main.home_blocks import HomeBlock, home_blocks
from trainer.quizzes.policies import course_scopes, graded_first
from trainer.search.sources import sources

# api.courses grades first itself: its worker catalogue asks "anything pending?" in the
# statement that reads the page (learning/api.py)
PAGES = ("learning.course", "learning.catalogue", "api.course")


def complete_on_module_pass(attempt) -> None:
    """A passed module-quiz attempt may complete its course (hours credited once)."""
    if attempt.context == "module" and attempt.passed and attempt.quiz.course_id:
        refresh_completion(attempt.user, attempt.quiz.course_id)


def visible_course_ids(user) -> sa.Select:
    return visible_courses(user).with_only_columns(Course.id)


def init_app(app: Flask) -> None:
    erasers.register("learning", erasure.ERASER)
    signals.attempt_graded.connect(complete_on_module_pass)
    course_scopes.register("learning", visible_course_ids)
    for endpoint in PAGES:
        graded_first.register(endpoint, True)
    sources.register("courses", search.COURSES)
    sources.register("lessons", search.LESSONS)
    home_blocks.register("continue-course", HomeBlock(10, home.continue_course))
