"""Role-aware navigation: each domain lists its pages here once.

``badges`` (a registry owned here): endpoint -> ``(user) -> int``, a count shown beside
that link (the notifications domain registers its unread count). Asked only when a page
renders the navigation, one small query each."""

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from trainer.registry import Registry

# (endpoint, label, roles)
# Endpoints that do not exist (yet) are skipped, so a domain lands by defining its views.
W, T, ORG, A = "worker", "trainer", "organiser", "admin"
NAV = [
    ("learning.catalogue", _l("Courses"), (W, T, ORG, A)),
    ("assignments.mine", _l("My required training"), (W,)),
    ("quizzes.practice", _l("Practice"), (W,)),
    ("simulation.index", _l("Scenarios"), (W, T, ORG, A)),
    ("plans.my_sessions", _l("My sessions"), (W,)),
    ("competitions.index", _l("Competitions"), (W, T, ORG, A)),
    ("records.my_record", _l("My record"), (W,)),
    ("guide.index", _l("Who to ask"), (W, T, ORG, A)),
    ("quizzes.bank", _l("Question bank"), (T, ORG, A)),
    ("plans.index", _l("Training plans"), (ORG, A)),
    ("assignments.index", _l("Required training"), (ORG, A)),
    ("plans.compliance", _l("Compliance"), (ORG, A)),
    ("records.dashboard", _l("Training dashboard"), (ORG, A)),
    ("records.ratings", _l("Annual assessment"), (ORG, A)),
    ("auth.users", _l("Users"), ("admin",)),
    ("org.units", _l("Organisation"), ("admin",)),
    ("org.import_people", _l("Import people"), ("admin",)),
    ("notifications.index", _l("Notifications"), (W, T, ORG, A)),
    ("audit.index", _l("Audit log"), (ORG, A)),
]

badges: Registry = Registry("main.nav_badges", "endpoint -> (user) -> count beside its link")


# The phone's bottom bar: Home, these (at most three) and 更多 holding the rest: five in all.
BOTTOM = {
    W: ("learning.catalogue", "quizzes.practice", "plans.my_sessions"),
    T: ("learning.catalogue", "quizzes.bank", "competitions.index"),
    ORG: ("plans.index", "learning.catalogue", "competitions.index"),
    A: ("auth.users", "org.units", "learning.catalogue"),
}


# Pages that register the service worker and send practice answers queued offline
# (static/js/pwa.js): the home page, where a worker starts, and the pages it serves offline.
PWA_PAGES = frozenset({"main.home", "learning.course", "learning.lesson", "quizzes.practice",
                       "quizzes.attempt"})


def nav_split(user) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The bottom bar's items and the rest (under 更多), both in NAV's order."""
    items, first = nav_items(user), BOTTOM.get(user.role, ())[:3]
    return ([i for i in items if i[0] in first], [i for i in items if i[0] not in first])


def nav_items(user) -> list[tuple[str, str]]:
    endpoints = current_app.view_functions
    return [(e, label) for e, label, roles in NAV if user.role in roles and e in endpoints]


def nav_badge(user, endpoint: str) -> int:
    """The count to show beside ``endpoint``'s link (0: none)."""
    count = badges.get(endpoint)
    return count(user) if count is not None else 0


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["nav_badge"] = nav_badge
    app.jinja_env.globals["nav_split"] = nav_split
    app.jinja_env.globals["pwa_pages"] = PWA_PAGES
