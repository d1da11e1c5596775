"""What other domains tell quizzes (registered from their ``wiring.init_app``).

- ``review_policies``: attempt context -> ``(attempt) -> bool``, whether a graded attempt of
  that context may be reviewed now. Contexts of quizzes' own (practice, quiz, module) follow
  the quiz's review setting; any other context is never reviewed without a policy.
  The competitions domain registers "competition" (once the round has closed).
- ``withheld_sources``: name -> ``() -> Select`` of question ids whose keys nobody may learn
  yet, whoever takes them. The competitions domain registers the quizzes of open rounds.
"""

from collections.abc import Callable

import sqlalchemy as sa

from trainer.registry import Registry

review_policies: Registry[Callable[[object], bool]] = Registry(
    "quizzes.review_policies", "attempt context -> may a graded attempt be reviewed now")
withheld_sources: Registry[Callable[[], sa.Select]] = Registry(
    "quizzes.withheld_sources", "name -> select of question ids withheld from everyone")
