"""Role-aware navigation: each domain lists its pages here once."""

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

# (endpoint, label, roles)
# Endpoints that do not exist (yet) are skipped, so a domain lands by defining its views.
W, T, ORG, A = "worker", "trainer", "organiser", "admin"
NAV = [
    ("learning.catalogue", _l("Courses"), (W, T, ORG, A)),
    ("quizzes.practice", _l("Practice"), (W,)),
    ("simulation.index", _l("Scenarios"), (W, T, ORG, A)),
    ("plans.my_sessions", _l("My sessions"), (W,)),
    ("competitions.index", _l("Competitions"), (W, T, ORG, A)),
    ("records.my_record", _l("My record"), (W,)),
    ("guide.index", _l("Who to ask"), (W, T, ORG, A)),
    ("quizzes.bank", _l("Question bank"), (T, ORG, A)),
    ("plans.index", _l("Training plans"), (ORG, A)),
    ("plans.compliance", _l("Compliance"), (ORG, A)),
    ("records.dashboard", _l("Training dashboard"), (ORG, A)),
    ("records.ratings", _l("Annual assessment"), (ORG, A)),
    ("auth.users", _l("Users"), ("admin",)),
    ("org.units", _l("Organisation"), ("admin",)),
    ("org.import_people", _l("Import people"), ("admin",)),
]


def nav_items(user) -> list[tuple[str, str]]:
    endpoints = current_app.view_functions
    return [(e, label) for e, label, roles in NAV if user.role in roles and e in endpoints]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
