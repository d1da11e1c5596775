"""Named signals: a domain announces what happened, others listen (blinker, as Indico).

Senders pass the object as the sender and keyword arguments as documented below.
Listeners connect in their domain's ``wiring.init_app`` (called by the application
factory only, never at import time) and run inside the sender's transaction: they
flush and never commit. ``trainer/domains.py`` lists who sends and who listens.
"""

from blinker import Namespace

_signals = Namespace()

attempt_graded = _signals.signal("attempt-graded", doc="""
A quiz attempt was graded (by submit or past its deadline), once per attempt.
Sender: the ``Attempt``. Sent by quizzes.services.""")

run_finished = _signals.signal("run-finished", doc="""
A scenario run reached its ending. Sender: the ``Run``. Sent by simulation.services.""")

content_changed = _signals.signal("content-changed", doc="""
Searchable content was created, edited, retired or deleted. Sender: the name of the search
source it feeds ("courses", "lessons", "questions", ...); ``ids``: the changed rows' ids.
Sent by learning.authoring and learning.loader (courses, lessons), quizzes.bank and
quizzes.modules (questions), guide.services (guide entries); the search index refreshes
those rows before the commit.""")

course_renamed = _signals.signal("course-renamed", doc="""
A course's short name (slug) was changed by its editor. Sender: the ``Course`` (already
renamed); ``old``, ``new``: the slugs. Sent by learning.authoring; the domains that keep
courses by slug (competitions' eligibility rules, plans' session materials, the guide's
lesson links) rewrite them in the same transaction.""")

ALL = (attempt_graded, run_finished, content_changed, course_renamed)
