"""What other domains tell quizzes (registered from their ``wiring.init_app``).

- ``review_policies``: attempt context -> ``(attempt) -> bool``, whether a graded attempt of
  that context may be reviewed now. Contexts of quizzes' own (practice, quiz, module) follow
  the quiz's review setting; any other context is never reviewed without a policy.
  The competitions domain registers "competition" (once the round has closed).
- ``withheld_sources``: name -> ``() -> Select`` of question ids whose keys nobody may learn
  yet, whoever takes them. The competitions domain registers the quizzes of open rounds.
- ``course_scopes``: name -> ``(user) -> Select`` of the ids of the courses the user may see;
  a worker sees a module quiz only with its course. The learning domain registers it.
- ``graded_first``: endpoint -> True for the pages of other domains that show what graded
  attempts decide (a course's completion, the record): the caller's overdue attempts are
  graded before they render. Learning and records register their pages.
- ``competency_sources``: name -> ``(user_id) -> {competency code: share 0..1}``, how the
  user does in each competency outside quizzes; practice's weak competencies (and so the
  daily draw) weigh them with the quiz answers. The simulation domain registers the five
  competency scores of the user's scenario runs.
"""

from collections.abc import Callable

import sqlalchemy as sa

from trainer.registry import Registry

review_policies: Registry[Callable[[object], bool]] = Registry(
    "quizzes.review_policies", "attempt context -> may a graded attempt be reviewed now")
withheld_sources: Registry[Callable[[], sa.Select]] = Registry(
    "quizzes.withheld_sources", "name -> select of question ids withheld from everyone")
course_scopes: Registry[Callable[[object], sa.Select]] = Registry(
    "quizzes.course_scopes", "name -> (user) -> select of the course ids the user may see")
graded_first: Registry[bool] = Registry(
    "quizzes.graded_first", "endpoint -> grade the caller's overdue attempts before it renders")
competency_sources: Registry[Callable[[int], dict[str, float]]] = Registry(
    "quizzes.competency_sources",
    "name -> (user id) -> competency code -> share 0..1 from other activities")
